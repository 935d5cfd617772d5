"""Names the guard missed before issue 14: kana full names with no honorific, names spaced out character by
character, romaji names — and the well-known people an ordinary post may name."""

import pytest

from council.platform.guard import check
from council.platform.guard.detection import run
from council.platform.guard.normalise import nfkc
from council.platform.guard.spacing import despaced


def names(text: str) -> list[str]:
    return [text[f.start:f.end] for f in check(text) if f.kind in {"person_name", "honorific_name"}]


def spans(detector: str, text: str) -> list[str]:
    return [text[f.start:f.end] for f in run(text, contact=False, detectors=[detector])]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("受付に「やまぐち はるみ」と書いた紙がありました。", "やまぐち はるみ"),
        ("会計は さとう けんじ が担当します。", "さとう けんじ"),
        ("当選者：マツダ ヨシコ、タカギ ジュン", "マツダ ヨシコ"),
        ("名札に「あおき なつみ」とだけ書いてありました", "あおき なつみ"),
        ("おおたゆうすけから連絡がありました", "おおたゆうすけ"),
        ("通訳はマリア・ゴンザレスが務めます", "マリア・ゴンザレス"),
    ],
)
def test_kana_full_names_without_an_honorific_are_found(text, name):
    assert any(name in found or found in name for found in spans("name_parts", text)), spans("name_parts", text)


@pytest.mark.parametrize(
    "text",
    ["みんな なかよく あそぼう", "こども しょくどう へ ようこそ", "ゆうやけ こやけ で ひがくれて",
     "おやつ は ひとり ひとつ",
     "ハロウィン パーティー、今年は仮装コンテストもあります", "サロン ひだまり の おしらせ"],
)
def test_spaced_kana_words_that_are_not_names_pass(text):
    assert spans("name_parts", text) == []


@pytest.mark.parametrize(
    ("text", "closed_up"),
    [
        ("報告者　中　川　久　美　子", "報告者中川久美子"),
        ("担当は 石 井 ま ゆ み です", "担当は石井まゆみです"),
        ("ナ カ ム ラ　ケ ン ジ　様", "ナカムラ ケンジ 様"),
        ("m a i @ e x a m p l e . j p", "mai@example.jp"),
        ("名簿　石 田　和 也　／　小 林　聡 子", "名簿 石田 和也 / 小林 聡子"),  # the rarer space: a boundary
        ("送り主：松　井　　亜　紀（事務局）", "送り主:松井 亜紀(事務局)"),  # a double space stays as one
        ("0436 21 1234", "0436 21 1234"),  # groups of digits are not spaced-out characters
    ],
)
def test_spaced_out_characters_are_read_as_words(text, closed_up):
    assert despaced(nfkc(text), text).text == closed_up


@pytest.mark.parametrize(
    "text",
    ["報告者　中　川　久　美　子", "担当は 石 井 ま ゆ み です", "ナ カ ム ラ　ケ ン ジ 様より",
     "次 は 小 池 さ ん の 番 です"],
)
def test_names_spaced_out_are_refused_and_highlighted_as_typed(text):
    found = names(text)
    assert found and all(piece in text for piece in found)


def test_a_romaji_surname_before_a_kanji_given_name():
    assert spans("name_parts", "受付は Morikawa 恵子 が担当") == ["Morikawa 恵子"]


def test_a_spaced_heading_passes():
    assert check("【 夏 休 み 】 こ ど も 食 堂 は 開 い て い ま す") == []


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Thanks to Sato Hiroshi-san for the photos.", "honorific_name"),
        ("Kimura-sama kara no otegami", "honorific_name"),
        ("Haruka-chan が絵を描きました", "honorific_name"),
        ("受付は Ryota Nishimura です", "person_name"),
        ("宛名は MIYUKI OKAZAKI で", "person_name"),
        ("ローマ字では OGAWA Shinji と書きます", "person_name"),
        ("Mr. Fujimoto will join us", "person_name"),
        ("講師は Kondo-sensei です", "person_name"),
    ],
)
def test_romaji_names_are_found(text, kind):
    assert kind in {f.kind for f in run(text, contact=False, detectors=["romaji"])}


@pytest.mark.parametrize(
    "text",
    ["Welcome to the Ichihara Ibasho Network!", "KODOMO SHOKUDO SAKURA", "Zoom Meeting ID", "Summer Festival",
     "Tokyo Tower", "Karaoke Night at Goi Community Center", "See you on Saturday", "ICHIHARA CITY COUNCIL"],
)
def test_english_and_romaji_organisation_names_pass(text):
    assert spans("romaji", text) == []


@pytest.mark.parametrize(
    "text",
    ["夏目漱石『三四郎』を読む会を開きます。", "森鷗外の『舞姫』と明治の青春", "芭蕉の句碑をめぐる散歩",
     "坂本龍馬の手紙を読む歴史講座", "ヘレン・ケラーの伝記を紙芝居に", "宮沢賢治の童話と、賢治さんが愛した花巻",
     "家康公ゆかりの寺", "漱石先生の旧居跡を訪ねる", "野口英世記念館へのバス旅行"],
)
def test_well_known_people_in_an_ordinary_post_pass(text):
    assert names(text) == []


def test_a_short_name_is_well_known_only_beside_the_full_name():
    assert names("賢治さんから電話がありました") != []  # 賢治 alone is anyone called 賢治


def test_a_private_person_next_to_a_well_known_name_is_still_refused():
    assert set(names("夏目漱石の読書会、受付は山中由美子が担当します。")) == {"山中由美子"}
