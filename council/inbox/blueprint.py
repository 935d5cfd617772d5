"""Routes of the inbox, and what it adds to every page (the header's badge) and to the account page."""

from __future__ import annotations

from flask import Blueprint

from council.access.permissions import Permission
from council.core.permissions import route
from council.core.web import template_globals
from council.inbox import badge, commands, views

bp = Blueprint("inbox", __name__, url_prefix="/inbox", template_folder="templates", cli_group="inbox")

route(bp, "", views.page, permission=Permission.HOME_VIEW, endpoint="page")
route(bp, "/mail", views.mail_setting, permission=Permission.ACCOUNT_MANAGE, endpoint="mail_setting",
      methods=("GET", "POST"))


@bp.record_once
def _template_helpers(state) -> None:
    # Callables, so that pages that do not show a header (errors, before sign-in) cost nothing.
    template_globals(state, inbox_badge=views.header_count, inbox_mail_setting=views.account_mail_setting)


bp.before_app_request(badge.forget_after_changes)


bp.cli.add_command(commands.notify_command)
