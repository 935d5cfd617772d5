import pytest
from hypothesis import given
from hypothesis import strategies as st

from council.platform.guard import email, my_number
from council.platform.guard.normalise import nfkc


def spans(detector, text: str) -> list[str]:
    return [text[f.start:f.end] for f in detector.detect(text, nfkc(text))]


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("連絡はtaro.yamada@example.jpへ", "taro.yamada@example.jp"),
        ("ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ", "ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ"),
        ("taro＠example.com", "taro＠example.com"),
        ("hanako (at) example (dot) jp", "hanako (at) example (dot) jp"),
        ("hanako[at]example.co.jp まで", "hanako[at]example.co.jp"),
    ],
)
def test_email_addresses_found(text, address):
    assert spans(email, text) == [address]


@pytest.mark.parametrize("text", ["@ハッシュタグ", "10時@公民館", "ver 1 at 2.5", "例: 会場は2F"])
def test_things_that_are_not_email_addresses(text):
    assert spans(email, text) == []


def with_check_digit(first_eleven: str) -> str:
    return first_eleven + str(my_number.check_digit(first_eleven))


def test_check_digit_of_the_published_example():
    # The digit computed by hand from the statutory weights: 6,5,4,3,2,7,6,5,4,3,2 from the left.
    total = sum(int(d) * w for d, w in zip("12345678901", (6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2), strict=True))
    expected = 0 if total % 11 <= 1 else 11 - total % 11
    assert my_number.check_digit("12345678901") == expected == 8


@pytest.mark.parametrize("layout", ["{a}{b}{c}", "{a} {b} {c}", "{a}-{b}-{c}", "{a}－{b}－{c}"])
def test_my_number_found_in_its_usual_layouts(layout):
    number = with_check_digit("12345678901")
    text = "個人番号は" + layout.format(a=number[:4], b=number[4:8], c=number[8:]) + "です"
    assert len(spans(my_number, text)) == 1


def test_full_width_my_number_found():
    number = with_check_digit("98765432109")
    full_width = number.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert spans(my_number, f"番号{full_width}") == [full_width]


def test_wrong_check_digit_and_other_lengths_are_not_my_number():
    number = with_check_digit("12345678901")
    wrong = number[:11] + str((int(number[11]) + 1) % 10)
    assert spans(my_number, wrong) == []
    assert spans(my_number, "法人番号" + number + "3") == []  # 13 digits: a corporate number
    assert spans(my_number, number[:6] + " " + number[6:]) == []  # not a 4-4-4 layout


@given(st.text(alphabet="0123456789", min_size=11, max_size=11))
def test_every_valid_my_number_is_found(first_eleven):
    number = with_check_digit(first_eleven)
    assert spans(my_number, f"番号{number}です") == [number]


@given(st.text(alphabet="0123456789", min_size=11, max_size=11), st.integers(min_value=1, max_value=9))
def test_no_wrong_check_digit_is_found(first_eleven, shift):
    right = my_number.check_digit(first_eleven)
    number = first_eleven + str((right + shift) % 10)
    assert spans(my_number, number) == []


def test_my_number_refused_even_in_a_contact_field():
    from council.platform.guard import check

    number = with_check_digit("31415926535")
    assert [f.kind for f in check(f"マイナンバー {number}", contact=True)] == ["my_number"]
