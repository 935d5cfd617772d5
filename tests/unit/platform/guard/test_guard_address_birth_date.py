import pytest

from council.platform.guard import address, birth_date
from council.platform.guard.detection import run
from council.platform.guard.normalise import nfkc


def spans(detector, text: str) -> list[str]:
    return [text[f.start:f.end] for f in run(text, contact=False, detectors=[detector.DETECTOR])]


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("市原市五井1234-5に住んでいる", "市原市五井1234-5"),
        ("東京都新宿区西新宿二丁目8番1号", "東京都新宿区西新宿二丁目8番1号"),
        ("西新宿２丁目８番１号", "西新宿２丁目８番１号"),
        ("〒290-0081", "〒290-0081"),
        ("〒２９０－００８１ 千葉県", "〒２９０－００８１"),
        ("五井1234番地の家", "五井1234番地"),
        ("千葉県市原市国分寺台中央1丁目1-1", "千葉県市原市国分寺台中央1丁目1-1"),
        ("市原市ちはら台西3-4-5", "市原市ちはら台西3-4-5"),
    ],
)
def test_addresses_down_to_the_block(text, span):
    assert spans(address, text) == [span]


@pytest.mark.parametrize(
    "text",
    ["市原市で子ども食堂を開きます", "五井地区の皆さん", "駅前二丁目の公園で清掃", "市原市で1-2月に開催", "3番線ホーム",
     "第3号議案", "2025-04-12"],
)
def test_area_names_pass(text):
    assert spans(address, text) == []


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("昭和45年3月2日生まれ", "昭和45年3月2日生まれ"),
        ("S45.3.2生", "S45.3.2生"),
        ("平成元年生まれの息子", "平成元年生まれ"),
        ("1950年生まれ", "1950年生まれ"),
        ("生年月日：1970/3/2", "生年月日：1970/3/2"),
        ("生年月日 Ｈ１２．４．１", "生年月日 Ｈ１２．４．１"),
        ("85歳の母が", "85歳の母"),
        ("80代の女性", "80代の女性"),
        ("相談者（85）", "相談者（85）"),
    ],
)
def test_birth_dates_and_ages_of_a_person(text, span):
    assert spans(birth_date, text) == [span]


@pytest.mark.parametrize(
    "text",
    ["令和7年4月12日(土)に開催", "65歳以上の方", "3歳以上のお子さん", "20代の方も歓迎", "2025年の生活支援",
     "10代の若者の居場所", "平成30年度の事業報告"],
)
def test_event_dates_and_eligibility_pass(text):
    assert spans(birth_date, text) == []


def test_offsets_map_back_through_full_width_text():
    text = "住所は〒２９０－００８１です"
    (finding,) = address.detect(text, nfkc(text))
    assert text[finding.start:finding.end] == "〒２９０－００８１"
