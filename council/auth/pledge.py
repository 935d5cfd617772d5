"""The 秘密保持誓約 (confidentiality pledge). Changing the text means adding a new version."""

CURRENT_VERSION = "2026-1"

#: Version → language → paragraphs. Old versions stay so that past acceptances can be shown as signed.
TEXTS = {
    "2026-1": {
        "ja": [
            "私は、孤独・孤立対策推進法第15条に基づく孤独・孤立対策地域協議会の事務に従事する者として、"
            "同法第16条により、協議会の事務に関して知り得た秘密を漏らしてはならない義務を負うことを理解しています。",
            "この義務に違反して秘密を漏らした者は、同法第20条により1年以下の拘禁刑又は50万円以下の罰金に処せられることがあります。",
            "秘密を守る義務は、この職務を離れた後も、所属機関を退職した後も続きます。",
            "私は、支援に必要な範囲でのみ情報を閲覧・利用し、閲覧のたびにその根拠が記録されること、"
            "記録が監査されることを理解しています。",
            "私は、アカウントを他人と共有せず、画面や印刷物、端末を適切に管理し、"
            "漏えい等のおそれに気づいた場合は直ちに所属機関と調整機関に報告します。",
        ],
        "en": [
            "As a person engaged in the business of a loneliness and isolation regional council under Article 15 "
            "of the Act on the Promotion of Measures against Loneliness and Isolation, I understand that Article 16 "
            "of the Act forbids me to divulge secrets learned in the course of the council's business.",
            "A person who divulges such a secret in breach of this duty may be punished under Article 20 of the Act "
            "with imprisonment of up to one year or a fine of up to 500,000 yen.",
            "The duty of secrecy continues after I leave this work and after I leave my institution.",
            "I will view and use information only as far as support requires, and I understand that every access "
            "is recorded with its basis and that the records are audited.",
            "I will not share my account, will keep screens, printouts and devices under control, and will report "
            "any suspected leak at once to my institution and to the coordinator.",
        ],
    },
}


def text_for(version: str, language: str) -> list[str]:
    texts = TEXTS[version]
    return texts.get(language, texts["ja"])
