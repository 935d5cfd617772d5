"""Japanese dates: parse 西暦 and 和暦 (令和・平成・昭和・大正), show dates in both, compute ages.

Accepted input (after NFKC, so full-width digits and punctuation work; spaces are ignored):

- 西暦: ``2026-04-01``, ``2026/4/1``, ``2026.4.1``, ``2026年4月1日``, ``20260401``; a trailing time of day
  (``2026/4/1 10:30``, as Excel and CSV exports often write) is ignored.
- 和暦: era name or its initial, the year (``元`` for 1), month and day: ``令和8年4月1日``, ``平成元年1月8日``,
  ``R8.4.1``, ``R8/4/1``, ``H2.1.8``, ``S39.10.10``, ``T15.12.24``; the initials are case-insensitive and the
  one-character era symbols (㋿ ㍻ ㍼ ㍽) work because NFKC expands them.

明治 is out of scope: 明治 dates, and 西暦 dates before the first day of 大正 (1912-07-30), are refused, so
every date this module accepts can also be shown in 和暦. A 和暦 date must lie within its era: 平成31年5月1日
and 昭和64年1月8日 do not exist and are refused rather than silently moved into the next era.

Error messages never repeat the value that was typed (it may be a date of birth), so they can be logged.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from council.core import clock
from council.core.i18n import lazy_gettext as _l


@dataclass(frozen=True)
class Era:
    name: str
    initial: str
    start: dt.date
    #: Last day of the era; None for the current one.
    end: dt.date | None

    def contains(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


#: Newest first, so lookups by date stop early for recent dates.
ERAS: tuple[Era, ...] = (
    Era("令和", "R", dt.date(2019, 5, 1), None),
    Era("平成", "H", dt.date(1989, 1, 8), dt.date(2019, 4, 30)),
    Era("昭和", "S", dt.date(1926, 12, 25), dt.date(1989, 1, 7)),
    Era("大正", "T", dt.date(1912, 7, 30), dt.date(1926, 12, 24)),
)
EARLIEST = ERAS[-1].start
_BY_KEY = {key: era for era in ERAS for key in (era.name, era.initial)}

#: Dashes people type between the parts of a date, all read as "-".
_DASHES = str.maketrans(dict.fromkeys("ー‐‑‒–—―−", "-"))
_TIME_OF_DAY = re.compile(r"(?:\s+|T)\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?$")
_WESTERN = re.compile(r"(\d{4})(?:年(\d{1,2})月(\d{1,2})日?|([./-])(\d{1,2})\4(\d{1,2}))")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_WAREKI = re.compile(
    r"(令和|平成|昭和|大正|明治|[RHSTM])(元|\d{1,3})(?:年(\d{1,2})月(\d{1,2})日?|([./-])(\d{1,2})\5(\d{1,2}))",
    re.IGNORECASE,
)

FORMS = _l(
    "Enter the date in the Western calendar (2026-04-01, 2026/4/1 or 2026年4月1日) or in the Japanese era "
    "calendar (令和8年4月1日, R8.4.1 or R8/4/1; eras 令和 R, 平成 H, 昭和 S and 大正 T; 元年 for year 1)."
)


class DateParseError(ValueError):
    """A date that cannot be read; ``message`` is user-facing (lazy, translated when rendered)."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return str(self.message)


def today() -> dt.date:
    """Today's date in Japan (the server may run in UTC; an intake at 08:00 JST is still "today").

    The same as ``council.core.clock.japan_today()``, kept here because the case code reads dates here."""
    return clock.japan_today()


def _make_date(year: int, month: int, day: int) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise DateParseError(
            _l("There is no such day in the calendar; check the month and the day. %(forms)s", forms=FORMS)
        ) from None


def parse_date(text: str) -> dt.date:
    """Read a date typed as 西暦 or 和暦 (see the module docstring); raise DateParseError otherwise."""
    normalised = unicodedata.normalize("NFKC", text or "").strip().translate(_DASHES)
    normalised = _TIME_OF_DAY.sub("", normalised)
    normalised = "".join(normalised.split())
    if not normalised:
        raise DateParseError(_l("No date was given. %(forms)s", forms=FORMS))

    if match := _WAREKI.fullmatch(normalised):
        key, year_text = match.group(1), match.group(2)
        if key.upper() in ("明治", "M"):
            raise DateParseError(
                _l("Dates in the Meiji era (明治, before 1912-07-30) are not supported. %(forms)s", forms=FORMS)
            )
        era = _BY_KEY[key.upper()]
        era_year = 1 if year_text == "元" else int(year_text)
        if era_year < 1:
            raise DateParseError(_l("Era years start at 1 (元年). %(forms)s", forms=FORMS))
        month = match.group(3) or match.group(6)
        day = match.group(4) or match.group(7)
        result = _make_date(era.start.year + era_year - 1, int(month), int(day))
        if not era.contains(result):
            if era.end is None:
                raise DateParseError(
                    _l(
                        "The date is before the start of the %(era)s era (%(start)s).",
                        era=era.name,
                        start=era.start.isoformat(),
                    )
                )
            raise DateParseError(
                _l(
                    "The date is outside the %(era)s era, which runs from %(start)s to %(end)s.",
                    era=era.name,
                    start=era.start.isoformat(),
                    end=era.end.isoformat(),
                )
            )
        return result

    if match := _WESTERN.fullmatch(normalised):
        year, month, day = match.group(1), match.group(2) or match.group(5), match.group(3) or match.group(6)
    elif match := _COMPACT.fullmatch(normalised):
        year, month, day = match.groups()
    else:
        raise DateParseError(_l("This is not a date in a recognised form. %(forms)s", forms=FORMS))
    result = _make_date(int(year), int(month), int(day))
    if result < EARLIEST:
        raise DateParseError(
            _l("Dates before 1912-07-30 (the Meiji era, 明治) are not supported. %(forms)s", forms=FORMS)
        )
    return result


def era_of(day: dt.date) -> Era:
    """The era ``day`` belongs to; ValueError before 大正 (明治 is out of scope)."""
    for era in ERAS:
        if era.contains(day):
            return era
    raise ValueError(f"{day.isoformat()} is before {EARLIEST.isoformat()}; 明治 dates are not supported")


def _era_year(day: dt.date) -> str:
    era = era_of(day)
    number = day.year - era.start.year + 1
    return f"{era.name}{'元' if number == 1 else number}年"


def to_wareki(day: dt.date) -> str:
    """``令和8年4月1日``; year 1 of an era is written 元年 (``平成元年1月8日``)."""
    return f"{_era_year(day)}{day.month}月{day.day}日"


def format_both(day: dt.date) -> str:
    """``2026年4月1日（令和8年）``: 西暦 first, the era year in full-width parentheses."""
    return f"{day.year}年{day.month}月{day.day}日（{_era_year(day)}）"


def age_on(birth: dt.date, on: dt.date) -> int:
    """Completed years of age on ``on``.

    Someone born on 29 February turns a year older on 1 March in common years, which matches the legal
    reckoning in Japan (年齢計算ニ関スル法律: the age increases when the day before the birthday ends).
    """
    if on < birth:
        raise ValueError("the date is before the date of birth")
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def with_age(birth: dt.date | None, on: dt.date | None = None) -> str:
    """A date of birth in both calendars with the age on ``on`` (Japan's today by default), for display:
    ``1975年6月1日（昭和50年）・50歳``; empty without a date, no age for a date that lies ahead."""
    from council.core.i18n import gettext

    if birth is None:
        return ""
    on = on or today()
    if birth > on:
        return format_both(birth)
    return gettext("%(date)s (age %(age)d)", date=format_both(birth), age=age_on(birth, on))
