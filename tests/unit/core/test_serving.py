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


def test_the_server_logs_a_setup_request_without_its_token(monkeypatch):
    """Werkzeug builds the logged line from the path, not the request line: both must be cut."""
    from council.core.serving import TokenRedactingHandler

    handler = TokenRedactingHandler.__new__(TokenRedactingHandler)  # no socket: only the logging is exercised
    handler.command, handler.request_version = "GET", "HTTP/1.1"
    handler.path = "/setup/first/SECRETTOKEN123"
    handler.requestline = f"GET {handler.path} HTTP/1.1"
    logged = []
    monkeypatch.setattr(handler, "log", lambda _kind, message, *args: logged.append(message % args), raising=False)
    handler.log_request(200, 10)
    assert logged and "SECRETTOKEN123" not in logged[0] and "/setup/first/…" in logged[0]
