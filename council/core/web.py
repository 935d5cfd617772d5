"""What every page of both apps gets: request ids, security headers, CSRF, languages, error pages."""

from __future__ import annotations

import atexit
import datetime as dt
import gc
import hashlib
import logging
import secrets
import unicodedata
import uuid
from pathlib import Path
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    g,
    has_app_context,
    has_request_context,
    redirect,
    render_template,
    request,
    send_from_directory,
    session,
)
from flask.sessions import SecureCookieSessionInterface
from flask_babel import Babel
from flask_wtf.csrf import CSRFError, CSRFProtect
from markupsafe import escape
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException, SecurityError
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter, ValidationError

from council.core.clock import in_japan
from council.core.files import InMemoryRequest
from council.core.forms import error_summary, field
from council.core.i18n import TranslatedEnvironment
from council.core.permissions import PUBLIC, route
from council.core.urls import TemplateUrls

LANGUAGES = {"ja": "日本語", "en": "English"}
#: The range of the BIGINT id columns; larger numbers in URLs name no row.
BIGINT_MIN, BIGINT_MAX = -(2**63), 2**63 - 1

csrf = CSRFProtect()

core = Blueprint("core", __name__, template_folder="templates")
# Every template renders its forms' fields and error summaries with these (council.core.forms), without an import.
core.add_app_template_global(field)
core.add_app_template_global(error_summary)


@core.app_template_filter("filesize")
def filesize(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    return f"{size / 1024:.1f} KB" if size < 1024 * 1024 else f"{size / 1024 / 1024:.1f} MB"


@core.app_template_filter("localtime")
def localtime(value: dt.datetime | None) -> str:
    """A stored UTC timestamp as users read it: Japan time."""
    return in_japan(value).strftime("%Y-%m-%d %H:%M") if value else ""


def change_language():
    """Remember the chosen language in the session cookie and go back to the same page."""
    if request.form.get("lang") in LANGUAGES:
        session["lang"] = request.form["lang"]
    # Referrer-Policy: no-referrer means there is no Referer to go back to; the form names the page.
    back = request.form.get("next", "")
    # The platform, mounted at /platform for local use, falls back to its own start page.
    return redirect(back if is_local_path(back) else f"{request.script_root}/")


route(core, "/language", change_language, permission=PUBLIC, endpoint="language", methods=("POST",))


def favicon():
    """The site's icon where browsers and tools look for it by default (pages also link it): served from our own
    static files, so no request for it answers 404 or leaves the closed network."""
    return send_from_directory(current_app.static_folder, "favicon.ico", mimetype="image/vnd.microsoft.icon",
                               max_age=86400)


route(core, "/favicon.ico", favicon, permission=PUBLIC, endpoint="favicon")


def is_local_path(target: str | None) -> bool:
    """Whether ``target`` is a path on this site (under the platform's /platform mount too).

    Browsers drop tabs and line breaks from URLs and read ``\\`` as ``/``, so ``/\\t/host`` and ``/\\host``
    become ``//host``: another site. Any control or whitespace character and any backslash is refused, and
    what remains must parse with neither scheme nor host.
    """
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return False
    if any(character.isspace() or unicodedata.category(character).startswith("C") for character in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def select_locale() -> str:
    """The language chosen in this browser, Japanese by default; English for the command line."""
    if not has_request_context():
        return "en"
    chosen = session.get("lang")
    return chosen if chosen in LANGUAGES else "ja"


def init_web(app: Flask, *, cookie_name: str) -> None:
    """Install the shared request machinery on ``app``; ``cookie_name`` keeps the two apps' sessions apart."""
    app.request_class = InMemoryRequest  # uploads never spool to a temporary file on disk
    app.session_interface = _SessionCookie()
    if "jinja_env" in app.__dict__:  # Flask creates it on first use, from this class
        raise RuntimeError("init_web must run before anything uses the app's Jinja environment")
    app.jinja_environment = TranslatedEnvironment
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
    # Before any route exists: rules bind their converters when they are added.
    app.url_map.converters["int"] = BoundedIntConverter
    app.register_blueprint(core, url_prefix="")
    # Flask's, quicker for URLs that differ only in ids; a bound method, which templates call as a plain function
    # (core.i18n._Context).
    app.add_template_global(TemplateUrls(app).__call__, "url_for")
    # First of all hooks: the CSRF check reads the body and can refuse it (413) before later hooks run.
    app.before_request(_start_request)
    csrf.init_app(app)
    Babel(app, locale_selector=select_locale)
    app.after_request(_security_headers)
    app.logger.addFilter(_PRODUCTION_LOG_FILTER)  # added once per logger: addFilter skips a filter it has
    app.context_processor(lambda: {"csp_nonce": g.get("csp_nonce", ""), "languages": LANGUAGES,
                                   "current_language": select_locale()})
    _register_error_pages(app)


def freeze_start_up(app: Flask) -> None:
    """Leave what start-up built (the app, its modules, ~190,000 objects that live as long as the process) out of the
    garbage collector's full collections (``gc.freeze()``), once the app is built to serve.

    CPython's full collection walks every container object it tracks, and starts when the objects that survived
    younger collections reach a quarter of those it walked last: a worker serving case pages ran one every few
    hundred pages, 125–200 ms each, about 0.1–0.3 ms of every page (issue 13). Frozen objects are still freed when
    nothing refers to them; a cycle among them is kept while the process runs, and handed back to the collector when
    it exits (a command's pooled SQLite connection is then closed, and its -wal and -shm files go, as before). Not
    for an app built for tests, which build hundreds in one process and free each."""
    if not app.testing:
        gc.freeze()
        atexit.unregister(gc.unfreeze)  # once, however many apps the process builds
        atexit.register(gc.unfreeze)


class _SessionCookie(SecureCookieSessionInterface):
    """Flask's signed session cookie, the same bytes (HMAC-SHA1 of the same payload), at less cost a request.

    Flask builds its serializer each time it reads or writes the cookie (and building one serializes an empty
    session to learn that it makes text), and its default digest is a Python function wrapping ``hashlib.sha1``
    (so that FIPS builds fail late), which ``hmac`` cannot hand to OpenSSL. Here the serializer is built once per
    secret key, as the app's config already holds that key, and signs with OpenSSL's HMAC."""

    digest_method = staticmethod(hashlib.sha1)

    def __init__(self):
        self._serializers = {}

    def get_signing_serializer(self, app: Flask):
        keys = (app.secret_key, *(app.config["SECRET_KEY_FALLBACKS"] or ()))
        if keys not in self._serializers:
            self._serializers[keys] = super().get_signing_serializer(app)
        return self._serializers[keys]


class BoundedIntConverter(IntegerConverter):
    """``<int:…>`` within the 64-bit signed range of the id columns.

    A larger number names no row, but the database driver would fail on it (OverflowError on SQLite, an
    out-of-range error on PostgreSQL): it answers 404 before any query instead.
    """

    def __init__(self, url_map, fixed_digits=0, min=None, max=None, signed=False):  # noqa: A002  (werkzeug's names)
        super().__init__(url_map, fixed_digits=fixed_digits, min=BIGINT_MIN if min is None else min,
                         max=BIGINT_MAX if max is None else max, signed=signed)

    def to_python(self, value: str) -> int:
        # int() itself refuses strings of more than 4,300 digits with a ValueError, which would be a 500.
        if len(value.lstrip("-").lstrip("0")) > len(str(BIGINT_MAX)):
            raise ValidationError()
        return super().to_python(value)


def template_globals(state, **functions) -> None:
    """Give every template of the app ``functions`` (labels, helpers), once, when a blueprint registers
    (``bp.record_once``): a context processor would build them again for every page rendered. A blueprint's own
    context processor still overrides a global of the same name on its pages."""
    for name, function in functions.items():
        state.app.add_template_global(function, name)


def changes_nothing(view):
    """Mark a view whose POST only reads (a search form): what the header remembers for the user (the inbox count)
    stays as it was, as after a GET."""
    view.changes_nothing = True
    return view


def request_may_change() -> bool:
    """Whether the current request may change something: any method but GET, HEAD and OPTIONS, unless its view is
    marked :func:`changes_nothing`."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return False
    return not getattr(current_app.view_functions.get(request.endpoint), "changes_nothing", False)


def query_int(value: str) -> int:
    """``type=`` for ``request.args.get``: a number within the id range, else ValueError (the default is used).

    A larger number would fail in the database driver, as in URLs (see BoundedIntConverter).
    """
    number = int(value)
    if not BIGINT_MIN <= number <= BIGINT_MAX:
        raise ValueError("out of the id range")
    return number


def page_offset(page: int, page_size: int) -> int:
    """The row offset of ``page`` (1-based); past the last page a database could count, the last one."""
    return (min(max(page, 1), BIGINT_MAX // page_size) - 1) * page_size


def _start_request():
    """Give the request its id and CSP nonce, once; error pages call it too, in case no hook ran before them."""
    if "request_id" not in g:
        g.request_id = uuid.uuid4().hex[:16]
        g.csp_nonce = secrets.token_urlsafe(16)


class _ProductionLogFilter(logging.Filter):
    """Outside debug and testing, a record keeps the exception's type and the request id, not its traceback.

    Frames and exception messages can carry what a user typed (a name, a password), and Flask's own
    ``log_exception`` (an error page that itself failed) logs the full traceback. One instance serves every
    app (a logger is shared by the apps of one name) and holds none, so that an app can be freed.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        developing = has_app_context() and (current_app.debug or current_app.testing)
        if record.exc_info and not developing:
            error = record.exc_info[1]
            request_id = g.get("request_id") if has_app_context() else None
            record.msg, record.args = f"{record.getMessage()} [{type(error).__name__}, request {request_id}]", None
            record.exc_info = record.exc_text = record.stack_info = None
        return True


_PRODUCTION_LOG_FILTER = _ProductionLogFilter()


def _security_headers(response):
    """The one place that sets security headers for both apps."""
    _start_request()
    nonce = g.csp_nonce
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
    if request.endpoint not in ("static", "core.favicon"):
        # Pages may show personal data or account details: no browser or proxy may keep a copy.
        response.headers["Cache-Control"] = "no-store"
    return response


def storage_full(error: DBAPIError) -> bool:
    """Whether the database refused a write because its disk is full: PostgreSQL's SQLSTATE 53100 (disk_full), or
    SQLite's SQLITE_FULL ("database or disk is full")."""
    original = getattr(error, "orig", None)
    return getattr(original, "sqlstate", None) == "53100" or "database or disk is full" in str(original)


def _error_page(status: int, *, title: str, message: str, database_down: bool = False):
    """The error page, which must render whatever broke: the database included."""
    _start_request()
    if database_down:
        _forget_signed_in_user()
    try:
        try:
            page = _render_error(status, title, message)
        except (OperationalError, DBAPIError):
            # The layout asked the database who is signed in (its menu depends on it) and the database failed.
            _forget_signed_in_user()
            page = _render_error(status, title, message)
    except Exception as error:  # noqa: BLE001  (the last resort: a failing error page would be a bare 500)
        current_app.logger.error("error page failed: %s (request %s)", type(error).__name__, g.request_id)
        page = _PLAIN_ERROR.format(title=escape(title), message=escape(message), request_id=g.request_id)
    return page, status


def _render_error(status: int, title: str, message: str) -> str:
    return render_template("errors/error.html", status=status, title=title, message=message,
                           request_id=g.request_id)


def _forget_signed_in_user() -> None:
    """Render the rest of this request as signed out, so that nothing asks the database who the user is.

    The session itself is untouched: the next request is signed in again once the database is back.
    """
    manager = getattr(current_app, "login_manager", None)
    if manager is not None:
        manager._update_request_context_with_user()  # noqa: SLF001  (Flask-Login's way to set current_user)


#: The page of last resort: no template engine, no context processors, nothing that can fail.
_PLAIN_ERROR = """<!doctype html>
<html><head><meta charset="utf-8"><title>{title}</title></head>
<body><h1>{title}</h1><p>{message}</p><p>Request id: <code>{request_id}</code></p></body></html>
"""


def _register_error_pages(app: Flask) -> None:
    from council.core.i18n import gettext as _

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
        if storage_full(error):
            return _error_page(503, title=_("The server's storage is full"),
                               message=_("Nothing was saved. Tell your administrator that the disk holding the "
                                         "database is full; once space is freed the service works again by itself."),
                               database_down=True)
        return _error_page(503, title=_("The database is not reachable"),
                           message=_("The service is temporarily unavailable. Nothing was saved. "
                                     "Try again in a few minutes; if it persists, tell your administrator."),
                           database_down=True)

    @app.errorhandler(Exception)
    def _unexpected(error):
        # In production log the type and request id only: exception messages can carry submitted values.
        app.logger.error("unexpected %s (request %s)", type(error).__name__, g.get("request_id"),
                         exc_info=error if (app.debug or app.testing) else None)
        return _error_page(500, title=_("Something went wrong"),
                           message=_("The error was recorded. Quote the request id to your administrator."))
