"""The development server's request log keeps setup-link tokens out."""

import pytest

from council.core.serving import redact


@pytest.mark.parametrize(("line", "expected"), [
    ("GET /setup/first/4QCEYCgLajWr-q_x HTTP/1.1", "GET /setup/first/… HTTP/1.1"),
    ("POST /setup/abcDEF123-_ HTTP/1.1", "POST /setup/… HTTP/1.1"),
    ("GET /platform/setup/Zz9?x=1 HTTP/1.1", "GET /platform/setup/…?x=1 HTTP/1.1"),
    ("GET /cases/42 HTTP/1.1", "GET /cases/42 HTTP/1.1"),
])
def test_setup_tokens_are_cut_from_request_lines(line, expected):
    assert redact(line) == expected
