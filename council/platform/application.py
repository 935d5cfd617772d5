"""The platform application factory. It reads PLATFORM_* settings only and imports nothing council-side."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, redirect, url_for
from flask_login import current_user
from werkzeug.exceptions import Forbidden

from council.core import migrate
from council.core.permissions import SIGNED_IN, install_gate
from council.core.web import freeze_start_up, init_web
from council.platform import config
from council.platform.accounts import build_account_service
from council.platform.database import Base, db
from council.platform.labels import template_context
from council.platform.models import register_all
from council.platform.permissions import PlatformPermission, has_permission
from council.security import sealing
from council.security.views import install_login, make_account_blueprint

PACKAGE = Path(__file__).resolve().parent


def build_app(test_config: dict | None = None) -> Flask:
    app = Flask("council.platform", root_path=str(PACKAGE), template_folder="templates",
                static_folder=str(PACKAGE.parent / "core" / "static"))
    config.load(app, test_config)
    config.validate(app.config)
    register_all()
    db.init_app(app, app.config["DATABASE_URL"])
    if app.config["AUTO_MIGRATE"]:
        try:
            migrate.prepare(db.engine_of(app), "platform", url_variable="PLATFORM_DATABASE_URL",
                            init_command=config.INIT_HINT)
            # Secrets enrolled before they were sealed: none may stay in plaintext.
            sealing.seal_plaintext_secrets(db.engine_of(app), Base.metadata, app.config[sealing.CONFIG_KEY])
        except migrate.DatabaseUnavailable as error:
            raise config.PlatformConfigError(str(error)) from None
    init_web(app, cookie_name="platform")
    app.extensions["account_service"] = build_account_service(app.config)
    install_login(app, db)
    app.register_blueprint(make_account_blueprint(db, account_permission=PlatformPermission.ACCOUNT_MANAGE,
                                                  home_endpoint="platform.home", issuer="council-platform"))
    for blueprint in _feature_blueprints():
        app.register_blueprint(blueprint)
    install_gate(app, _check_permission)
    app.context_processor(lambda: {"site_name": "官民連携プラットフォーム", "site_class": "platform",
                                   "home_url": url_for("platform.home")})
    app.context_processor(template_context)
    freeze_start_up(app)
    return app


def _feature_blueprints():
    from council.platform.blueprint import bp as home
    from council.platform.board.blueprint import bp as board
    from council.platform.consult.blueprint import bp as consult
    from council.platform.organisations.blueprint import bp as organisations
    from council.platform.places.blueprint import bp as places
    from council.platform.projects.blueprint import bp as projects
    from council.platform.resources.blueprint import bp as resources
    from council.platform.statistics.blueprint import bp as statistics
    from council.platform.users.blueprint import bp as users

    return home, organisations, places, projects, board, resources, consult, statistics, users


def _check_permission(permission: str):
    if not current_user.is_authenticated:
        return redirect(url_for("account.login"))
    if permission != SIGNED_IN and not has_permission(current_user, permission):
        raise Forbidden()
    return None
