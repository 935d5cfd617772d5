"""Phone numbers, found by libphonenumber's matcher for Japan on a normalised view of the text."""

from __future__ import annotations

from collections.abc import Iterator

import phonenumbers

from council.platform.guard.findings import Finding
from council.platform.guard.normalise import View, digits_view

DETECTOR = "phonenumbers"


def detect(text: str, view: View) -> Iterator[Finding]:
    """Numbers the matcher accepts as valid for JP (or international with a + prefix).

    The matcher already reads full-width digits, hyphens and brackets; the digits view adds the separators
    it does not know (ｰ, ・, ～) and unglues numbers from letters ("tel0901234…").
    """
    digits = digits_view(view)
    for match in phonenumbers.PhoneNumberMatcher(digits.text, "JP"):
        if not match.raw_string.lstrip("(").startswith(("0", "+")):
            continue  # Japanese numbers are written with their 0 or +81; "812 3456 7890" is a Zoom meeting ID
        start, end = digits.span(match.start, match.end)
        yield Finding("phone", start, end, DETECTOR)
