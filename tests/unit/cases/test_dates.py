"""Japanese dates: 西暦 and 和暦 input, era boundaries, display in both calendars, ages."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from council.cases.dates import (
    EARLIEST,
    DateParseError,
    age_on,
    era_of,
    format_both,
    parse_date,
    to_wareki,
    today,
)

D = dt.date

_FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # 西暦
        ("2026-04-01", D(2026, 4, 1)),
        ("2026/4/1", D(2026, 4, 1)),
        ("2026/04/01", D(2026, 4, 1)),
        ("2026.4.1", D(2026, 4, 1)),
        ("2026年4月1日", D(2026, 4, 1)),
        ("2026年4月1", D(2026, 4, 1)),
        ("20260401", D(2026, 4, 1)),
        ("  2026-04-01  ", D(2026, 4, 1)),
        ("2026 年 4 月 1 日", D(2026, 4, 1)),
        ("2026/4/1 10:30", D(2026, 4, 1)),
        ("2026-04-01 00:00:00", D(2026, 4, 1)),
        ("2024/2/29", D(2024, 2, 29)),
        # full-width digits and punctuation (NFKC), dashes typed with the IME
        ("２０２６年４月１日", D(2026, 4, 1)),
        ("２０２６／４／１", D(2026, 4, 1)),
        ("２０２６－０４－０１", D(2026, 4, 1)),
        ("2026ー4ー1", D(2026, 4, 1)),
        # 令和
        ("令和8年4月1日", D(2026, 4, 1)),
        ("R8.4.1", D(2026, 4, 1)),
        ("R8/4/1", D(2026, 4, 1)),
        ("R8-4-1", D(2026, 4, 1)),
        ("r8.4.1", D(2026, 4, 1)),
        ("R08.04.01", D(2026, 4, 1)),
        ("R8年4月1日", D(2026, 4, 1)),
        ("令和８年４月１日", D(2026, 4, 1)),
        ("Ｒ８．４．１", D(2026, 4, 1)),
        ("令和元年5月1日", D(2019, 5, 1)),
        ("R元.5.1", D(2019, 5, 1)),
        ("令和1年5月1日", D(2019, 5, 1)),
        ("㋿8年4月1日", D(2026, 4, 1)),
        ("令和 8年 4月 1日", D(2026, 4, 1)),
        # 平成
        ("H2.1.8", D(1990, 1, 8)),
        ("平成元年1月8日", D(1989, 1, 8)),
        ("平成31年4月30日", D(2019, 4, 30)),
        ("㍻元年1月8日", D(1989, 1, 8)),
        ("h31/4/30", D(2019, 4, 30)),
        # 昭和
        ("昭和64年1月7日", D(1989, 1, 7)),
        ("S39.10.10", D(1964, 10, 10)),
        ("昭和元年12月25日", D(1926, 12, 25)),
        ("㍼39年10月10日", D(1964, 10, 10)),
        # 大正
        ("大正15年12月24日", D(1926, 12, 24)),
        ("T15.12.24", D(1926, 12, 24)),
        ("大正元年7月30日", D(1912, 7, 30)),
        ("㍽2年1月1日", D(1913, 1, 1)),
        # the first supported day in 西暦
        ("1912-07-30", D(1912, 7, 30)),
    ],
)
def test_parse_date_accepts(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "平成31年5月1日",  # 平成 ended on 2019-04-30
        "H31.5.1",
        "昭和64年1月8日",  # 昭和 ended on 1989-01-07
        "S64.1.8",
        "令和元年4月30日",  # 令和 began on 2019-05-01
        "R1.4.30",
        "平成元年1月7日",  # 平成 began on 1989-01-08
        "昭和元年12月24日",  # 昭和 began on 1926-12-25
        "大正15年12月25日",  # 大正 ended on 1926-12-24
        "大正元年7月29日",  # 大正 began on 1912-07-30
        "平成32年1月1日",
        "昭和70年1月1日",
    ],
)
def test_a_date_outside_its_era_is_refused(text):
    with pytest.raises(DateParseError) as caught:
        parse_date(text)
    assert "era" in str(caught.value)


@pytest.mark.parametrize(
    "text", ["明治45年7月29日", "M45.7.29", "明治元年1月1日", "1912-07-29", "1900/1/1", "1868年1月1日"]
)
def test_meiji_is_out_of_scope(text):
    with pytest.raises(DateParseError) as caught:
        parse_date(text)
    assert "Meiji" in str(caught.value)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "2026/2/30",  # not in the calendar
        "2025/2/29",  # not a leap year
        "2026/13/1",
        "2026/0/1",
        "2026-04-31",
        "R8.2.30",
        "平成0年1月1日",  # era years start at 1
        "R0.5.1",
        "26/4/1",  # two-digit years are ambiguous
        "4/1/2026",
        "2026/4-1",  # mixed separators
        "R8.4",
        "令和8年4月",
        "Q8.4.1",  # no such era
        "平成",
        "昨日",
        "2026-04-01-01",
        "202641",
    ],
)
def test_parse_date_refuses(text):
    with pytest.raises(DateParseError):
        parse_date(text)


def test_the_error_says_which_forms_are_accepted_and_does_not_repeat_the_value():
    with pytest.raises(DateParseError) as caught:
        parse_date("1985年13月40日")
    message = str(caught.value)
    for form in ("2026-04-01", "2026/4/1", "2026年4月1日", "令和8年4月1日", "R8.4.1", "平成", "昭和", "大正", "元年"):
        assert form in message
    assert "1985" not in message
    # A ValueError, so callers that expect one keep working; the message is a lazy (translatable) string.
    assert isinstance(caught.value, ValueError)
    assert str(caught.value.message) == message


def test_the_era_boundary_error_names_the_era_and_its_dates():
    with pytest.raises(DateParseError) as caught:
        parse_date("平成31年5月1日")
    message = str(caught.value)
    assert "平成" in message and "1989-01-08" in message and "2019-04-30" in message


@pytest.mark.parametrize(
    ("day", "wareki", "both"),
    [
        (D(2026, 4, 1), "令和8年4月1日", "2026年4月1日（令和8年）"),
        (D(2019, 5, 1), "令和元年5月1日", "2019年5月1日（令和元年）"),
        (D(2019, 4, 30), "平成31年4月30日", "2019年4月30日（平成31年）"),
        (D(1989, 1, 8), "平成元年1月8日", "1989年1月8日（平成元年）"),
        (D(1989, 1, 7), "昭和64年1月7日", "1989年1月7日（昭和64年）"),
        (D(1964, 10, 10), "昭和39年10月10日", "1964年10月10日（昭和39年）"),
        (D(1926, 12, 25), "昭和元年12月25日", "1926年12月25日（昭和元年）"),
        (D(1926, 12, 24), "大正15年12月24日", "1926年12月24日（大正15年）"),
        (D(1912, 7, 30), "大正元年7月30日", "1912年7月30日（大正元年）"),
        (D(2100, 12, 31), "令和82年12月31日", "2100年12月31日（令和82年）"),
    ],
)
def test_to_wareki_and_format_both(day, wareki, both):
    assert to_wareki(day) == wareki
    assert format_both(day) == both


def test_dates_before_taisho_have_no_era():
    with pytest.raises(ValueError):
        to_wareki(D(1912, 7, 29))
    with pytest.raises(ValueError):
        era_of(D(1900, 1, 1))
    assert D(1912, 7, 30) == EARLIEST


@given(st.dates(min_value=D(1912, 7, 30), max_value=D(2100, 12, 31)))
def test_wareki_round_trip(day):
    wareki = to_wareki(day)
    assert parse_date(wareki) == day
    assert parse_date(wareki.translate(_FULL_WIDTH)) == day
    assert parse_date(day.isoformat()) == day
    assert parse_date(f"{day.year}/{day.month}/{day.day}") == day
    era = era_of(day)
    era_year = day.year - era.start.year + 1
    assert parse_date(f"{era.initial}{era_year}.{day.month}.{day.day}") == day
    assert format_both(day).startswith(f"{day.year}年{day.month}月{day.day}日（{era.name}")


@given(st.dates(min_value=D(1912, 7, 30), max_value=D(2100, 12, 31)))
def test_every_era_date_of_another_era_is_refused(day):
    """Writing a date with the wrong era name (e.g. a 令和 date as 平成) is refused, never moved."""
    for era_name, start, end in (
        ("大正", D(1912, 7, 30), D(1926, 12, 24)),
        ("昭和", D(1926, 12, 25), D(1989, 1, 7)),
        ("平成", D(1989, 1, 8), D(2019, 4, 30)),
        ("令和", D(2019, 5, 1), D(9999, 12, 31)),
    ):
        era_year = day.year - start.year + 1
        if era_year < 1:
            continue
        text = f"{era_name}{era_year}年{day.month}月{day.day}日"
        if start <= day <= end:
            assert parse_date(text) == day
        else:
            with pytest.raises(DateParseError):
                parse_date(text)


@pytest.mark.parametrize(
    ("birth", "on", "age"),
    [
        (D(1990, 4, 1), D(2026, 4, 1), 36),  # on the birthday
        (D(1990, 4, 2), D(2026, 4, 1), 35),  # the day before
        (D(1990, 3, 31), D(2026, 4, 1), 36),
        (D(2026, 4, 1), D(2026, 4, 1), 0),
        (D(2025, 4, 2), D(2026, 4, 1), 0),
        (D(2000, 2, 29), D(2025, 2, 28), 24),  # leap-day birth, common year
        (D(2000, 2, 29), D(2025, 3, 1), 25),
        (D(2000, 2, 29), D(2024, 2, 29), 24),
        (D(1912, 7, 30), D(2026, 7, 29), 113),
    ],
)
def test_age_on(birth, on, age):
    assert age_on(birth, on) == age


def test_age_before_birth_is_an_error():
    with pytest.raises(ValueError):
        age_on(D(2026, 4, 2), D(2026, 4, 1))


def test_today_is_a_date():
    assert isinstance(today(), dt.date) and not isinstance(today(), dt.datetime)
