"""E-mail addresses, including full-width ones and the usual spelled-out ``(at)`` forms."""

from __future__ import annotations

import re
from collections.abc import Iterator

from council.platform.guard.findings import Finding
from council.platform.guard.normalise import View

DETECTOR = "email"

_LOCAL = r"[A-Za-z0-9][A-Za-z0-9._%+\-]*"
_DOMAIN = r"[A-Za-z0-9\-]+(?:\s*(?:\.|\(dot\)|\[dot\]|\s+dot\s+)\s*[A-Za-z0-9\-]+)+"
_AT = r"(?:\s*@\s*|\s*[(\[<]\s*at\s*[)\]>]\s*|\s+at\s+|\s*(?:アットマーク|あっとまーく)\s*)"
#: On the NFKC view: ＠ is @ there, full-width letters are ASCII.
_ADDRESS = re.compile(rf"(?<![A-Za-z0-9._%+\-]){_LOCAL}{_AT}{_DOMAIN}", re.IGNORECASE)


def detect(text: str, view: View) -> Iterator[Finding]:
    """Addresses of the form local@domain.tld, however the @ and dots are written."""
    for match in _ADDRESS.finditer(view.text):
        if not _has_top_level_domain(match.group()):
            continue
        start, end = view.span(match.start(), match.end())
        yield Finding("email", start, end, DETECTOR)


def _has_top_level_domain(address: str) -> bool:
    """The last label must be letters (``example.jp``), so "ver 1 at 2.5" is not an address."""
    last = re.findall(r"[A-Za-z0-9\-]+", address)[-1]
    return len(last) >= 2 and last.isalpha()
