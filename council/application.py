"""The council-side application factory (``council.create_app`` calls it)."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, g, redirect, request, session, url_for
from flask_login import current_user
from werkzeug.exceptions import Forbidden

from council import config
from council.access.permissions import Permission, Role, has_permission
from council.auth.services import build_account_service, pledge_due
from council.core import migrate
from council.core.db import flush_freed_pages, make_engine, writing
from council.core.permissions import SIGNED_IN, install_gate
from council.core.web import freeze_start_up, init_web
from council.database import Base, db, register_all
from council.security import sealing
from council.security.views import install_login, make_account_blueprint

PACKAGE = Path(__file__).resolve().parent


def build_app(test_config: dict | None = None) -> Flask:
    app = Flask("council", root_path=str(PACKAGE), template_folder="templates",
                static_folder=str(PACKAGE / "core" / "static"))
    config.load(app, test_config)
    config.validate(app.config)
    register_all()  # every table on the metadata before the start-up checks use it
    db.init_app(app, app.config["DATABASE_URL"])
    _prepare_database(app)
    init_web(app, cookie_name="council")
    app.extensions["account_service"] = build_account_service(app.config)
    install_login(app, db)
    _register_blueprints(app)
    _check_case_keys(app)
    _seal_plaintext_texts(app)
    _refresh_review_dates(app)
    install_gate(app, _check_permission)
    _register_key_errors(app)
    _remove_upload_leftovers(app)
    app.context_processor(_template_context)
    freeze_start_up(app)
    return app


def _template_context() -> dict:
    # Templates name roles and permissions by their enums, never by their strings (a test greps for them).
    return {"site_name": "孤独・孤立対策地域協議会", "site_class": "council", "home_url": url_for("auth.home"),
            "Role": Role, "Permission": Permission, "pledge_due": pledge_due,
            "has_permission": lambda user, permission: user.is_authenticated and has_permission(user, permission)}


def _prepare_database(app: Flask) -> None:
    """Bring the council database to the newest migration, or refuse to start with a clear message."""
    if not app.config["AUTO_MIGRATE"]:
        return
    separate_owner = app.config["MIGRATION_DATABASE_URL"] != app.config["DATABASE_URL"]
    engine = make_engine(app.config["MIGRATION_DATABASE_URL"]) if separate_owner else db.engine_of(app)
    try:
        migrate.prepare(engine, "council", url_variable="COUNCIL_DATABASE_URL", init_command=config.INIT_HINT)
        # Secrets enrolled before they were sealed: none may stay in plaintext.
        sealing.seal_plaintext_secrets(engine, Base.metadata, app.config[sealing.CONFIG_KEY])
    except migrate.DatabaseUnavailable as error:
        raise config.ConfigError(str(error)) from None
    finally:
        if separate_owner:
            engine.dispose()


def _register_blueprints(app: Flask) -> None:
    from council.audit.blueprint import bp as audit_bp
    from council.auth.blueprint import bp as auth_bp
    from council.cases.blueprint import bp as cases_bp
    from council.cases.vault import CaseVault
    from council.disclosure.blueprint import bp as disclosure_bp
    from council.handoffs.blueprint import bp as handoffs_bp
    from council.handoffs.breakglass.blueprint import bp as breakglass_bp
    from council.handoffs.requests.blueprint import bp as requests_bp
    from council.inbox.blueprint import bp as inbox_bp
    from council.incidents.blueprint import bp as incidents_bp
    from council.meetings.blueprint import bp as meetings_bp
    from council.meetings.ledger.blueprint import bp as ledger_bp
    from council.meetings.minutes.blueprint import bp as minutes_bp
    from council.meetings.notice.blueprint import bp as notice_bp
    from council.meetings.tasks.blueprint import bp as tasks_bp

    app.extensions["case_vault"] = CaseVault.from_instance(app.config["INSTANCE_PATH"])

    app.register_blueprint(make_account_blueprint(db, account_permission="account:self:manage",
                                                  home_endpoint="auth.home", issuer="council"))
    app.register_blueprint(auth_bp)
    app.register_blueprint(audit_bp)
    app.register_blueprint(cases_bp)
    app.register_blueprint(disclosure_bp)
    app.register_blueprint(breakglass_bp)
    app.register_blueprint(requests_bp)
    app.register_blueprint(inbox_bp)
    app.register_blueprint(handoffs_bp)
    app.register_blueprint(meetings_bp)
    app.register_blueprint(minutes_bp)
    app.register_blueprint(tasks_bp)
    app.register_blueprint(ledger_bp)
    app.register_blueprint(notice_bp)
    app.register_blueprint(incidents_bp)


def _remove_upload_leftovers(app: Flask) -> None:
    """Earlier versions could leave an uploaded ledger in the temporary folder, in plaintext: remove it."""
    from council.cases.importer import remove_leftover_uploads

    if removed := remove_leftover_uploads():
        app.logger.warning("removed %d ledger upload(s) left in the temporary folder by an earlier version", removed)


def _check_case_keys(app: Flask) -> None:
    """Refuse to start when a key-encryption key the cases need is missing or is the wrong file (a truncated one is
    refused when the files are read): one case key per version in use is unwrapped, so a KEK restored from the
    wrong backup is named now, not as an error on the first case page."""
    from council.cases.keys import check_key_versions
    from council.crypto.errors import DecryptionFailed, KeyUnavailable

    with app.app_context():
        try:
            check_key_versions()
        except (KeyUnavailable, DecryptionFailed) as error:
            raise config.ConfigError(str(error)) from None


def _seal_plaintext_texts(app: Flask) -> None:
    """Minutes' summaries (議事概要, meetings.sealing) and auditors' review comments (audit.reviews.sealing) saved
    before they were sealed: none may stay in plaintext. Runs once the keys are known to be right, before the first
    request."""
    from council.audit.reviews.sealing import seal_plaintext_comments
    from council.crypto.errors import KeyUnavailable
    from council.meetings.sealing import seal_plaintext_summaries

    with app.app_context():
        for what, table, seal in (("meeting summary(ies)", "meeting", seal_plaintext_summaries),
                                  ("review comment(s)", "audit_review", seal_plaintext_comments)):
            try:
                sealed = seal()
            except KeyUnavailable as error:
                raise config.ConfigError(str(error)) from None
            if sealed:
                # The old text is gone from every row; the database files may still hold it until this.
                db.session.close()
                flush_freed_pages(db.engine, (table,), rewrite=True)
                app.logger.warning("sealed %d %s stored in plaintext by an earlier version", sealed, what)
def _refresh_review_dates(app: Flask) -> None:
    """Bring every case's stored next-review date in line with this start's REVIEW_CADENCE_MONTHS (a changed setting,
    or rows written in bulk): the ledger sorts and filters by the stored date. Nothing to change costs one read."""
    from council.cases.reviews import refresh_stored

    with app.app_context():
        if changed := refresh_stored(db.session):
            app.logger.warning("next review dates recomputed for %d case(s) (review cadence or bulk write)", changed)
        db.session.commit()


def _register_key_errors(app: Flask) -> None:
    """A missing or wrong key, or a value that does not authenticate, stops the page with a clear message and an
    audit event: never garbage, never half a page."""
    from flask import render_template

    from council.core.i18n import gettext as _
    from council.crypto.errors import DecryptionFailed, KeyUnavailable

    @app.errorhandler(KeyUnavailable)
    @app.errorhandler(DecryptionFailed)
    def _key_problem(error):
        # The message names a key version or a row id, never a value.
        app.logger.error("key problem (request %s): %s", g.get("request_id"), error)
        _record_unreadable(app, error)
        return render_template("errors/error.html", status=503, title=_("A key needed to read this case is "
                               "unavailable"), message=_("Nothing was shown or changed. Tell your administrator: "
                                                         "`council keys status` shows which key versions exist."),
                               request_id=g.get("request_id")), 503


def _record_unreadable(app: Flask, error: Exception) -> None:
    """Audit the failure against its case, in a transaction of its own (whatever the request did is not committed).
    A ciphertext that does not authenticate may be damage or tampering: the auditors must see it."""
    from council.audit.events import AuditTag, record
    from council.cases.models import Case
    from council.security.auditchain import Outcome

    db.session.rollback()
    case_id = getattr(error, "case_id", None)
    try:
        with writing():  # also after a page's read was committed (core.db.reads_only)
            record(tag=AuditTag.CASE_UNREADABLE, actor=current_user if current_user.is_authenticated else None,
                   case=db.session.get(Case, case_id) if case_id else None, outcome=Outcome.ERROR,
                   reason=f"{type(error).__name__}: {error}"[:300])
            db.session.commit()
    except Exception:  # the error page must still be shown; the log says the event is missing
        db.session.rollback()
        app.logger.exception("the unreadable value could not be audited (request %s)", g.get("request_id"))


def _check_permission(permission: str):
    """The gate of every non-public page: signed in, pledge accepted, role allows it."""
    if not current_user.is_authenticated:
        if request.method == "GET":
            session["next"] = request.full_path.rstrip("?")
        return redirect(url_for("account.login"))
    if permission == SIGNED_IN:
        return None
    if pledge_due(current_user):
        return redirect(url_for("auth.pledge"))
    if not has_permission(current_user, permission):
        from council.access.gate import refuse_by_role

        # A case URL refused by role (an administrator or auditor opening /cases/<id>) is a refused case request
        # like any other: 404, and the auditor's history of that case shows it. Any other page is a 403, recorded
        # too (page:access:denied): who tried the auditor's workspace or an administrator's page is the auditor's.
        refuse_by_role(permission)
        raise Forbidden()
    return None


def serve_both(council_app: Flask | None = None):
    """The council app at / and a platform app at /platform, as one WSGI callable (local use only)."""
    from werkzeug.middleware.dispatcher import DispatcherMiddleware

    from council.platform import create_app as create_platform_app

    return DispatcherMiddleware(council_app or build_app(), {"/platform": create_platform_app()})
