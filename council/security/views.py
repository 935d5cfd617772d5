"""Sign-in, second factor, setup links and the user's own account pages, for either side.

``make_account_blueprint`` is given the side's database and the permission its account pages need;
the side's AccountService is found in ``current_app.extensions["account_service"]``.
"""

from __future__ import annotations

import time

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from council.core.i18n import gettext as _
from council.core.i18n import lazy_gettext as _l
from council.core.permissions import PUBLIC, SIGNED_IN, route
from council.core.web import is_local_path
from council.security import totp
from council.security.forms import (
    CodeForm,
    ConfirmForm,
    LoginForm,
    PasswordChangeForm,
    ReauthenticateForm,
    SetupForm,
)
from council.security.signin import SetupError

#: How long the password step stays valid while the user looks for their phone.
MFA_STEP_SECONDS = 300
#: One message for unknown user, wrong password, disabled and locked: none may be told apart.
GENERIC_FAILURE = _l("The username or password is not correct, or the account cannot sign in now.")


def _service():
    return current_app.extensions["account_service"]


def _client():
    return request.remote_addr, request.headers.get("User-Agent")


def safe_next(default: str) -> str:
    """The page the user wanted before signing in, if it is a path on this site."""
    target = session.pop("next", None)
    if is_local_path(target):
        return target
    return default


def make_account_blueprint(db, *, account_permission: str, home_endpoint: str, issuer: str) -> Blueprint:
    bp = Blueprint("account", __name__)

    def login():
        form = LoginForm()
        if form.validate_on_submit():
            user = _service().check_password(db.session, username=form.username.data,
                                             password=form.password.data, client_ip=request.remote_addr)
            if user is None:
                form.form_errors.append(str(GENERIC_FAILURE))
                return render_template("auth/login.html", form=form), 401
            if not user.totp_secret:
                if user.mfa_required:  # cannot happen through setup links; refuse rather than skip MFA
                    form.form_errors.append(str(GENERIC_FAILURE))
                    return render_template("auth/login.html", form=form), 401
                return _finish(user, mfa=False)
            session["mfa_user"], session["mfa_started"] = user.id, time.time()
            return redirect(url_for("account.code"))
        return render_template("auth/login.html", form=form)

    def code():
        user = _pending_user()
        if user is None:
            flash(_("Sign in again: the first step has expired."), "error")
            return redirect(url_for("account.login"))
        form = CodeForm()
        if form.validate_on_submit():
            if _service().check_code(db.session, user=user, code=form.code.data, client_ip=request.remote_addr):
                return _finish(user, mfa=True)
            form.form_errors.append(_("The code is not correct or was already used."))
            return render_template("auth/code.html", form=form), 401
        return render_template("auth/code.html", form=form)

    def _pending_user():
        user_id, started = session.get("mfa_user"), session.get("mfa_started", 0)
        if user_id is None or time.time() - started > MFA_STEP_SECONDS:
            return None
        return db.session.get(_service().models.user, user_id)

    def _finish(user, *, mfa: bool):
        wanted = session.get("next")
        lang = session.get("lang")
        session.clear()  # nothing from before sign-in survives into the signed-in session
        if lang:
            session["lang"] = lang
        if wanted:
            session["next"] = wanted
        ip, agent = _client()
        _service().start_session(db.session, user=user, client_ip=ip, user_agent=agent, mfa=mfa)
        login_user(user)
        return redirect(safe_next(url_for(home_endpoint)))

    def logout():
        if ConfirmForm().validate_on_submit():
            _service().logout(db.session, user=current_user)
            logout_user()
            session.clear()
            flash(_("You have signed out."), "info")
        return redirect(url_for("account.login"))

    def setup(token: str):
        link, user = _service().find_setup_link(db.session, token)
        if link is None:
            abort(404)
        form = SetupForm()
        secret = _service().pending_secret(db.session, link)
        if form.validate_on_submit():
            try:
                codes = _service().complete_setup(db.session, link=link, user=user, password=form.password.data,
                                                  confirm=form.confirm.data, code=form.code.data)
            except SetupError as error:
                return _setup_page(form, user, secret, error.problems), 400
            return render_template("auth/recovery_codes.html", codes=codes, first=True)
        return _setup_page(form, user, secret, [])

    def _setup_page(form, user, secret, problems):
        uri = totp.provisioning_uri(secret, account=user.username, issuer=issuer)
        return render_template("auth/setup.html", form=form, user=user, secret=secret,
                               qr=totp.qr_svg(uri), problems=problems)

    def overview():
        return _account_page(ReauthenticateForm())

    def _account_page(recovery_form: ReauthenticateForm):
        sessions = _service().registry.live_for(db.session, current_user.id)
        return render_template("auth/account.html", sessions=sessions, form=ConfirmForm(),
                               recovery_left=_service().recovery_codes_left(db.session, current_user),
                               recovery_form=recovery_form)

    def recovery_codes():
        form = ReauthenticateForm()
        if form.validate_on_submit():
            try:
                codes = _service().regenerate_recovery_codes(db.session, user=current_user._get_current_object(),
                                                             password=form.current.data,
                                                             client_ip=request.remote_addr)
            except SetupError as error:
                form.form_errors.extend(error.problems)
            else:
                return render_template("auth/recovery_codes.html", codes=codes, first=False)
        # The account page again, its recovery form open with the problem at its top.
        return _account_page(form), 400

    def end_session(session_id: int):
        if not ConfirmForm().validate_on_submit():
            abort(400)
        if not _service().end_one_session(db.session, actor=current_user, user=current_user, session_id=session_id):
            abort(404)
        flash(_("The session was ended."), "info")
        return redirect(url_for("account.overview"))

    def password():
        form = PasswordChangeForm()
        if form.validate_on_submit():
            try:
                _service().change_password(db.session, user=current_user._get_current_object(),
                                           current=form.current.data,
                                           new=form.password.data, confirm=form.confirm.data,
                                           client_ip=request.remote_addr)
            except SetupError as error:
                return render_template("auth/password.html", form=form, problems=error.problems), 400
            flash(_("Your password was changed. Your other sessions were ended."), "info")
            return redirect(url_for("account.overview"))
        return render_template("auth/password.html", form=form, problems=[])

    route(bp, "/login", login, permission=PUBLIC, methods=("GET", "POST"))
    route(bp, "/login/code", code, permission=PUBLIC, methods=("GET", "POST"))
    route(bp, "/logout", logout, permission=SIGNED_IN, methods=("POST",))
    route(bp, "/setup/<token>", setup, permission=PUBLIC, methods=("GET", "POST"))
    route(bp, "/account", overview, permission=account_permission)
    route(bp, "/account/recovery-codes", recovery_codes, permission=account_permission, methods=("POST",))
    route(bp, "/account/sessions/<int:session_id>/end", end_session, permission=account_permission, methods=("POST",))
    route(bp, "/account/password", password, permission=account_permission, methods=("GET", "POST"))
    return bp


def install_login(app, db) -> None:
    """Flask-Login reads the session token from the cookie; the registry decides whether it is live."""
    from flask_login import LoginManager

    manager = LoginManager(app)
    # The registry already binds sessions to the server; Flask-Login's own heuristics would only add
    # surprise logouts behind proxies.
    manager.session_protection = None

    @manager.user_loader
    def _load(token: str):
        return _service().load_session(db.session, token)
