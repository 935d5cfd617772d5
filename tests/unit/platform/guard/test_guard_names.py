import pytest

from council.platform.guard.detection import run


def spans(detector: str, text: str) -> list[str]:
    return [text[f.start:f.end] for f in run(text, contact=False, detectors=[detector])]


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("担当の中村さんまで", "中村さん"),
        ("山田太郎さんが来た", "山田太郎さん"),
        ("たなかさんと話した", "たなかさん"),
        ("ゆうこちゃんは元気", "ゆうこちゃん"),
        ("マリアさんと一緒に", "マリアさん"),
        ("鈴木氏によれば", "鈴木氏"),
        ("佐藤くんが", "佐藤くん"),
        ("高橋様より", "高橋様"),
        ("Ａさんは", "Ａさん"),
    ],
)
def test_names_with_honorifics(text, span):
    assert spans("honorific", text) == [span]


@pytest.mark.parametrize(
    "text",
    ["皆さん、ご参加ください", "地域の皆さまへ", "お客様各位", "参加者の方", "講師の先生", "お子さん連れ歓迎",
     "ヘルパーさんと一緒に", "社協さんと協力", "五井商店さんのご協力", "お疲れ様でした", "おかげさまで",
     "様々な活動", "同様の取り組み", "ボランティアさん募集", "おばあちゃんの知恵袋"],
)
def test_generic_words_with_honorifics_pass(text):
    assert spans("honorific", text) == []


@pytest.mark.parametrize(("text", "name"), [("山田太郎が参加した。", "山田太郎"), ("連絡先は佐藤花子。", "佐藤花子")])
def test_bare_names_found_by_the_model(text, name):
    assert name in spans("ginza", text)


@pytest.mark.parametrize("text", ["市原市五井で子ども食堂を開きます。", "高齢の方や子育て中の方も参加できます。"])
def test_place_names_are_not_person_names(text):
    assert spans("ginza", text) == []
