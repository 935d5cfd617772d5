"""Where the language switch may send the browser back to: paths on this site only."""

import pytest

from council.core.web import is_local_path

#: Each of these would take a browser to another site (browsers drop tabs and line breaks, read ``\`` as
#: ``/``), or break the Location header.
OFF_SITE = [
    "//evil.example/",
    "///evil.example/",
    "/\t/evil.example/",
    "/\r/evil.example/",
    "/\n/evil.example/",
    "/\r\n/evil.example/",
    "/\\evil.example/",
    "/\\/evil.example/",
    "\\/evil.example/",
    "/\t\t/evil.example",
    "/ /evil.example/",
    "/\x00/evil.example/",
    "/\x0b/evil.example/",
    "/\u3000/evil.example/",  # ideographic space
    "/\u200b/evil.example/",  # zero-width space (a format character)
    "/\u2028/evil.example/",  # line separator
    "/login\nSet-Cookie: x=1",
    "https://evil.example/",
    "http:/evil.example/",
    "javascript:alert(1)",
    "evil.example",
    "",
    None,
]

LOCAL = [
    "/",
    "/login",
    "/cases/12?page=2",
    "/platform/",
    "/platform/places/3",
    "/audit/?tag=auth&since=2026-04-01",
    "/%09/evil.example/",  # percent-encoded: a path segment named "%09" on this site, not a tab
    "/%2F%2Fevil.example/",
    "/%5Cevil.example/",
]


@pytest.mark.parametrize("target", OFF_SITE)
def test_paths_leading_elsewhere_are_refused(target):
    assert not is_local_path(target)


@pytest.mark.parametrize("target", LOCAL)
def test_paths_on_this_site_are_accepted(target):
    assert is_local_path(target)
