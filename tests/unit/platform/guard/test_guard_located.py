"""Birth years in kanji numerals, and narratives that locate a person without naming them (issue 14)."""

import pytest

from council.platform.guard import check
from council.platform.guard.detection import run


def kinds(text: str) -> set[str]:
    return {f.kind for f in check(text)}


@pytest.mark.parametrize(
    "text",
    [
        "昭和二十三年生まれの母親と二人で暮らしています。",
        "一九四七年生まれの父が入院し、私が介護しています。",
        "平成十一年生まれの娘が仕事を辞めて家にいます。",
        "二〇一二年生まれの息子が不登校になりました。",
        "生まれは昭和十八年、夫とは五年前に死別しました。",
    ],
)
def test_kanji_numeral_birth_years_with_a_family_narrative(text):
    assert {"birth_date", "narrative"} <= kinds(text)


@pytest.mark.parametrize(
    "text",
    ["昭和三十年代生まれの方を中心に、懐かしの歌を歌う会です。どなたでも参加できます。",
     "明治二十九年創業の酒蔵の見学会",
     "昭和二十年八月十五日の記憶を語り継ぐ会", "平成元年に開館した市民会館"],
)
def test_eras_decades_and_founding_years_pass(text):
    assert check(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "例の3丁目のアパートの2階の方、最近姿を見かけません。",
        "県営住宅C棟105号室の方が、夜中に何度も外に出ているそうです。",
        "公園の向かいの白い壁の家のおじいさん、新聞がたまったままで心配です。",
        "駅の駐輪場にいつも座っている高校生くらいの子、学校に行っていないようです。",
        "商店街の奥の一軒家に住んでいる方。冬なのに暖房をつけていない様子です。",
        "「例の3丁目のアパートの2階の方」",  # pointed at: enough on its own
        "あの角の家の方、どうしていますか。",
    ],
)
def test_a_person_located_without_a_name_is_a_narrative(text):
    assert "narrative" in {f.kind for f in run(text, contact=False, detectors=["locating"])}


@pytest.mark.parametrize(
    "text",
    [
        "会場は駅前のコインランドリーの裏、青い屋根の平屋です。",
        "郵便局の向かいの集会所で、毎週水曜に健康体操をしています。",
        "市民会館2階の奥の部屋の方が広いので、そちらに変更します。",
        "団地の集会所の2階で、どなたでも参加できる体操教室を開いています。",
        "アパートの空き部屋を活用した居場所づくりの事例を紹介します。",
        "会場は3丁目の団地の2階の集会所（旧公民館）です。",
    ],
)
def test_directions_to_a_venue_pass(text):
    assert run(text, contact=False, detectors=["locating"]) == []
