"""Account administration pages: load, check, call a service, render."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from council.core.i18n import gettext as _
from council.platform.users import services
from council.security.forms import ConfirmForm


def _account(user_id: int) -> services.Account:
    return services.account(user_id) or abort(404)


def account_list():
    return render_template("users/list.html", accounts=services.accounts())


def account_show(user_id: int):
    row = _account(user_id)
    return render_template("users/show.html", account=row, sessions=services.live_sessions(row.user),
                           form=ConfirmForm())


def account_action(user_id: int, action: str):
    user = _account(user_id).user
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        if action == "reset":
            token = services.reset(actor=current_user, user=user)
            return render_template("users/setup_link.html", user=user,
                                   link=url_for("account.setup", token=token, _external=True))
        if action == "disable":
            services.set_disabled(actor=current_user, user=user, disabled=True)
            flash(_("The account was disabled and its sessions ended."), "success")
        elif action == "enable":
            services.set_disabled(actor=current_user, user=user, disabled=False)
            flash(_("The account was enabled."), "success")
        else:
            ended = services.end_sessions(actor=current_user, user=user)
            flash(_("%(n)d sessions were ended.", n=ended), "success")
    except services.UserAdminError as error:
        flash(str(error), "error")
    return redirect(url_for("users.account_show", user_id=user.id))
