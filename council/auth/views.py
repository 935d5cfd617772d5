"""Council-side pages around the account: the home page per role, the pledge, the first administrator."""

from __future__ import annotations

from flask import abort, current_app, redirect, render_template, url_for
from flask_babel import get_locale
from flask_login import current_user

from council.access.permissions import Role
from council.access.policy import list_reach
from council.auth import services
from council.auth.forms import FirstAdminForm, PledgeForm
from council.auth.pledge import CURRENT_VERSION, text_for
from council.database import db
from council.inbox.registry import items_for
from council.inbox.services import record_listed
from council.security import totp
from council.security.signin import SetupError

#: Items the home page lists before it sends the user to the inbox page for the rest.
HOME_INBOX_SIZE = 5


def home():
    role = Role(current_user.role)
    inbox = items_for(current_user)
    if inbox:
        record_listed(current_user, inbox[:HOME_INBOX_SIZE])  # the items it shows may name cases
    return render_template("auth/home.html", role=role, institution=current_user.institution,
                           reach=list_reach(current_user), ledger_reach=list_reach(current_user, ledger=True),
                           last_pledge=services.last_pledge(current_user), inbox=inbox,
                           home_inbox_size=HOME_INBOX_SIZE)


def pledge():
    form = PledgeForm()
    if form.validate_on_submit():
        services.accept_pledge(current_user)
        return redirect(url_for("auth.home"))
    return render_template("auth/pledge.html", form=form, version=CURRENT_VERSION,
                           paragraphs=text_for(CURRENT_VERSION, str(get_locale())))


def first_admin(token: str):
    link = services.find_first_admin_link(token)
    if link is None:
        abort(404)
    secret = services.accounts().pending_secret(db.session, link)
    form = FirstAdminForm()
    problems = []
    if form.validate_on_submit():
        try:
            codes = services.create_first_admin(
                link=link, council_name=form.council_name.data, institution_name=form.institution_name.data,
                institution_kind=form.institution_kind.data, username=form.username.data,
                display_name=form.display_name.data, password=form.password.data, confirm=form.confirm.data,
                code=form.code.data)
        except SetupError as error:
            problems = error.problems
        else:
            return render_template("auth/recovery_codes.html", codes=codes, first=True)
    uri = totp.provisioning_uri(secret, account=form.username.data or "admin",
                                issuer=current_app.config.get("TOTP_ISSUER", "council"))
    return render_template("auth/first_admin.html", form=form, secret=secret, qr=totp.qr_svg(uri),
                           problems=problems), (400 if problems else 200)
