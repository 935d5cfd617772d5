import pytest

from council.platform.guard import phone
from council.platform.guard.normalise import nfkc


def phones(text: str) -> list[str]:
    return [text[f.start:f.end] for f in phone.detect(text, nfkc(text))]


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("電話は090-1234-5678です", "090-1234-5678"),
        ("携帯：０９０－１２３４－５６７８まで", "０９０－１２３４－５６７８"),
        ("03(1234)5678へ", "03(1234)5678"),
        ("（０３）１２３４－５６７８", "（０３）１２３４－５６７８"),
        ("フリーダイヤル0120-123-456", "0120-123-456"),
        ("0800-123-4567", "0800-123-4567"),
        ("IP電話 050-1234-5678", "050-1234-5678"),
        ("+81-90-1234-5678", "+81-90-1234-5678"),
        ("0436 21 1234", "0436 21 1234"),
        ("09012345678", "09012345678"),
        # separators the matcher does not know on its own
        ("090ｰ1234ｰ5678", "090ｰ1234ｰ5678"),
        ("090・1234・5678", "090・1234・5678"),
        ("090～1234～5678", "090～1234～5678"),
        ("tel09012345678", "09012345678"),
    ],
)
def test_phone_numbers_found_with_offsets_into_the_original(text, number):
    assert phones(text) == [number]


@pytest.mark.parametrize(
    "text",
    [
        "令和7年4月12日(土)に開催します",
        "2025-04-12 10:00-12:00",
        "〒290-0081",
        "定員30名、参加費500円",
        "第2・第4土曜日 13:30-15:30",
        "法人番号 1234567890123",
    ],
)
def test_dates_times_and_amounts_are_not_phone_numbers(text):
    assert phones(text) == []
