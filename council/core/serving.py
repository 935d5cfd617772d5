"""The development server both `council serve` and `council platform serve` run (local use only)."""

from __future__ import annotations

import re

from werkzeug.serving import WSGIRequestHandler, run_simple

#: A one-time setup link carries its token in the path (/setup/<token>, /setup/first/<token>).
_SETUP_TOKEN = re.compile(r"(/setup/(?:first/)?)[^\s/?#]+")


class TokenRedactingHandler(WSGIRequestHandler):
    """Logs each request like Werkzeug does, with setup-link tokens cut out.

    A setup link is a password in all but name until it is used: it must not land in a terminal's
    scroll-back or a redirected log file, which outlive the link's purpose.
    """

    def log_request(self, code="-", size="-"):
        # Werkzeug logs the path (and the request line only when the path is missing). Both are cut here; the
        # app read its environ before the response began, so changing them now changes only the log.
        self.requestline = redact(self.requestline)
        if hasattr(self, "path"):
            self.path = redact(self.path)
        super().log_request(code, size)


def redact(line: str) -> str:
    """``line`` with every setup-link token replaced by ``…``."""
    return _SETUP_TOKEN.sub(r"\1…", line)


def serve(app, *, host: str, port: int) -> None:
    """Serve ``app`` with the threaded development server until Ctrl-C."""
    run_simple(host, port, app, use_reloader=False, threaded=True, request_handler=TokenRedactingHandler)
