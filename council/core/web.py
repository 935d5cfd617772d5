"""What every page of both apps gets: request ids, security headers, CSRF, languages, error pages."""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from pathlib import Path
from zoneinfo import ZoneInfo

from flask import Blueprint, Flask, Response, g, has_request_context, redirect, render_template, request, session
from flask_babel import Babel
from flask_wtf.csrf import CSRFError, CSRFProtect
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException, SecurityError
from werkzeug.middleware.proxy_fix import ProxyFix

from council.core.files import InMemoryRequest
from council.core.permissions import public

LANGUAGES = {"ja": "日本語", "en": "English"}

csrf = CSRFProtect()
#: Users work in Japan; the database keeps UTC and pages show Japan time.
DISPLAY_ZONE = ZoneInfo("Asia/Tokyo")

core = Blueprint("core", __name__, template_folder="templates")


@core.app_template_filter("filesize")
def filesize(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    return f"{size / 1024:.1f} KB" if size < 1024 * 1024 else f"{size / 1024 / 1024:.1f} MB"


@core.app_template_filter("localtime")
def localtime(value: dt.datetime | None) -> str:
    return value.astimezone(DISPLAY_ZONE).strftime("%Y-%m-%d %H:%M") if value else ""


@public
@core.route("/language", methods=["POST"], endpoint="language")
def change_language():
    """Remember the chosen language in the session cookie and go back to the same page."""
    if request.form.get("lang") in LANGUAGES:
        session["lang"] = request.form["lang"]
    # Referrer-Policy: no-referrer means there is no Referer to go back to; the form names the page.
    back = request.form.get("next", "/")
    return redirect(back if is_local_path(back) else "/")


def is_local_path(target: str | None) -> bool:
    """Whether ``target`` is a path on this site; ``//host`` and ``/\\host`` lead browsers elsewhere."""
    return bool(target) and target.startswith("/") and not target.startswith("//") and "\\" not in target


def select_locale() -> str:
    """The language chosen in this browser, Japanese by default; English for the command line."""
    if not has_request_context():
        return "en"
    chosen = session.get("lang")
    return chosen if chosen in LANGUAGES else "ja"


def init_web(app: Flask, *, cookie_name: str) -> None:
    """Install the shared request machinery on ``app``; ``cookie_name`` keeps the two apps' sessions apart."""
    app.request_class = InMemoryRequest  # uploads never spool to a temporary file on disk
    secure = app.config.get("PREFERRED_URL_SCHEME") == "https"
    app.config.update(
        # Under HTTPS the __Host- prefix makes the browser refuse the cookie unless Secure, Path=/ and
        # no Domain, so a sibling subdomain cannot plant or read it.
        SESSION_COOKIE_NAME=f"__Host-{cookie_name}" if secure else cookie_name,
        SESSION_COOKIE_SECURE=secure,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        BABEL_DEFAULT_LOCALE="ja",
        BABEL_TRANSLATION_DIRECTORIES=str(Path(__file__).resolve().parents[1] / "translations"),
        WTF_CSRF_TIME_LIMIT=None,
    )
    if app.config.get("PROXY_COUNT"):
        # Trust exactly as many X-Forwarded-* hops as there are proxies; more would let clients forge
        # the address that throttling and the audit log rely on.
        hops = int(app.config["PROXY_COUNT"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    app.register_blueprint(core, url_prefix="")
    csrf.init_app(app)
    Babel(app, locale_selector=select_locale)
    app.before_request(_start_request)
    app.after_request(_security_headers)
    app.context_processor(lambda: {"csp_nonce": g.get("csp_nonce", ""), "languages": LANGUAGES,
                                   "current_language": select_locale()})
    _register_error_pages(app)


def _start_request():
    g.request_id = uuid.uuid4().hex[:16]
    g.csp_nonce = secrets.token_urlsafe(16)


def _security_headers(response):
    """The one place that sets security headers for both apps."""
    nonce = g.get("csp_nonce", "")
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; "
        f"script-src 'self' 'nonce-{nonce}'; "
        f"style-src 'self' 'nonce-{nonce}'; "
        "img-src 'self'; font-src 'self'; connect-src 'self'; form-action 'self'; "
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
    response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    if "request_id" in g:
        response.headers["X-Request-ID"] = g.request_id
    if request.is_secure:
        response.headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
    if request.endpoint != "static":
        # Pages may show personal data or account details: no browser or proxy may keep a copy.
        response.headers["Cache-Control"] = "no-store"
    return response


def _error_page(status: int, *, title: str, message: str):
    return render_template("errors/error.html", status=status, title=title, message=message,
                           request_id=g.get("request_id")), status


def _register_error_pages(app: Flask) -> None:
    from flask_babel import gettext as _

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        titles = {
            400: _("The request could not be understood"),
            403: _("You do not have permission for this page"),
            404: _("Not found"),
            405: _("This action is not available here"),
            413: _("The upload is too large"),
            429: _("Too many requests"),
        }
        messages = {
            403: _("Your role does not allow this. Ask your administrator if you think it should."),
            404: _("The page does not exist, or you may not see it."),
        }
        return _error_page(error.code or 500, title=titles.get(error.code, _("Something went wrong")),
                           message=messages.get(error.code, _("Go back and try again.")))

    @app.errorhandler(SecurityError)
    def _untrusted_host(_error):
        # The request names a host outside TRUSTED_HOSTS: no URL can be built for it, so no page either.
        return Response("Bad Request: unknown host\n", status=400, mimetype="text/plain")

    @app.errorhandler(CSRFError)
    def _csrf_error(_error):
        return _error_page(400, title=_("The form expired"),
                           message=_("Reload the page and send the form again. Nothing was saved."))

    @app.errorhandler(OperationalError)
    @app.errorhandler(DBAPIError)
    def _database_down(error):
        app.logger.error("database unavailable (request %s): %s", g.get("request_id"), type(error).__name__,
                         exc_info=error if (app.debug or app.testing) else None)
        return _error_page(503, title=_("The database is not reachable"),
                           message=_("The service is temporarily unavailable. Nothing was saved. "
                                     "Try again in a few minutes; if it persists, tell your administrator."))

    @app.errorhandler(Exception)
    def _unexpected(error):
        # In production log the type and request id only: exception messages can carry submitted values.
        app.logger.error("unexpected %s (request %s)", type(error).__name__, g.get("request_id"),
                         exc_info=error if (app.debug or app.testing) else None)
        return _error_page(500, title=_("Something went wrong"),
                           message=_("The error was recorded. Quote the request id to your administrator."))
