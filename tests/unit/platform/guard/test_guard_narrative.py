import pytest

from council.platform.guard.detection import run


def narratives(text: str) -> list[str]:
    return [text[f.start:f.end] for f in run(text, contact=False, detectors=["narrative"])]


@pytest.mark.parametrize(
    "text",
    [
        "相談者は70代男性で妻を亡くし、一人暮らしをしている。",
        "当事者は40代の息子で、10年前からひきこもっている。母親は認知症で通院中。",
        "Aさんは家賃を滞納しており、先月から電気も止まっているとのこと。",
        "利用者は80代女性。夫と死別後、食事がとれていないと話していた。",
        "一人暮らしの高齢男性が、借金を抱えて困窮している。",
    ],
)
def test_accounts_of_one_person_are_narratives(text):
    assert narratives(text)


@pytest.mark.parametrize(
    "text",
    [
        "高齢の方や子育て中の方も参加できます。",
        "ひきこもりの方やご家族の相談を受け付けます。お気軽にどうぞ。",
        "相談者の多くは高齢者で、一人暮らしの方が増えています。",
        "利用者の皆さんと一緒に、毎月お弁当づくりをしています。",
        "認知症の方と家族の集い「オレンジカフェ」を開催します。",
        "本人や家族が安心して暮らせる地域を目指して、見守り活動を続けています。",
        # guidance, not a record (a training handout of the documents corpus)
        "どちらも誰にでも起こりうるもので、本人の責任ではありません。\n令和6年4月に孤独・孤立対策推進法が施行されました。",
    ],
)
def test_ordinary_platform_texts_are_not_narratives(text):
    assert narratives(text) == []
