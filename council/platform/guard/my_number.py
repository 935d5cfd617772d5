"""My Number (個人番号): twelve digits whose last is the check digit of the official algorithm."""

from __future__ import annotations

import re
from collections.abc import Iterator

from council.platform.guard.findings import Finding
from council.platform.guard.normalise import View

DETECTOR = "my_number"

#: 12 digits, together or as 4-4-4 with one space or hyphen between groups, not inside a longer number.
_CANDIDATE = re.compile(r"(?<![0-9])(?:[0-9]{12}|[0-9]{4}([ \-‐－ー−])[0-9]{4}\1[0-9]{4})(?![0-9])")


def check_digit(first_eleven: str) -> int:
    """The check digit defined by 行政手続における特定の個人を識別するための番号の利用等に関する法律施行令 §8.

    Weights run from the right: Q = n + 1 for n = 1..6, n - 5 for n = 7..11; remainder r = Σ P·Q mod 11;
    the check digit is 0 when r ≤ 1, else 11 - r.
    """
    total = 0
    for n, digit in enumerate(reversed(first_eleven), start=1):
        weight = n + 1 if n <= 6 else n - 5
        total += int(digit) * weight
    remainder = total % 11
    return 0 if remainder <= 1 else 11 - remainder


def is_valid(number: str) -> bool:
    """Twelve ASCII digits with the right check digit."""
    return len(number) == 12 and number.isascii() and number.isdigit() and check_digit(number[:11]) == int(number[11])


def detect(text: str, view: View) -> Iterator[Finding]:
    """Twelve-digit numbers with a valid check digit; others are left to the phone detector."""
    for match in _CANDIDATE.finditer(view.text):
        digits = re.sub(r"[^0-9]", "", match.group())
        if is_valid(digits):
            start, end = view.span(match.start(), match.end())
            yield Finding("my_number", start, end, DETECTOR)
