"""The inbox page and the notification-mail setting: thin, each calls a service and renders."""

from __future__ import annotations

from flask import flash, g, redirect, render_template, url_for
from flask_login import current_user

from council.core.editing import show_stale
from council.core.i18n import gettext as _
from council.inbox import badge, services
from council.inbox.forms import MailSettingForm
from council.inbox.registry import Audience


def page():
    """Everything waiting for the user, for them and for their institution, with what is new since they last
    looked; showing it is what makes it no longer new (the next visit, and the next mail, count from here)."""
    inbox = services.read_inbox(current_user)
    badge.remember(current_user, inbox.total if inbox is not None else None)  # the header shows the same number
    if inbox is not None:
        services.record_listed(current_user, [entry.item for entry in inbox.entries])
    response = render_template("inbox/page.html", inbox=inbox, Audience=Audience)
    if inbox is not None:
        services.mark_shown(current_user, inbox)
    return response


def mail_setting():
    stored = services.mail_setting(current_user)
    form = MailSettingForm(obj=stored)
    if form.validate_on_submit():
        try:
            services.save_mail_setting(actor=current_user, address=form.address.data or "",
                                       enabled=form.enabled.data, version=form.version.data)
        except services.StaleMailSetting as error:
            stored = show_stale(form, error)
        else:
            flash(_("Your e-mail notices were saved."), "info")
            return redirect(url_for("account.overview"))
    status = 400 if form.errors else 200
    return render_template("inbox/mail_setting.html", form=form, stored=stored), status


def header_count() -> int | None:
    """The header's count for the signed-in user (None: no inbox for their role), looked up once per request."""
    if "inbox_count" not in g:
        g.inbox_count = badge.current_count(current_user) if current_user.is_authenticated else None
    return g.inbox_count


def account_mail_setting():
    """The signed-in user's setting, for the account page's section."""
    return services.mail_setting(current_user)
