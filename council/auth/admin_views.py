"""Administrator pages: institutions and users of the administrator's own council."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from council.auth import admin
from council.auth.forms import InstitutionForm, UserForm
from council.auth.models import Institution, User
from council.auth.services import AdminError
from council.core.editing import StaleEdit, show_stale
from council.core.i18n import gettext as _
from council.database import db
from council.security.forms import ConfirmForm


def _own_institution(institution_id: int) -> Institution:
    """An institution of the administrator's council, or 404 (other councils do not exist for them)."""
    institution = db.session.get(Institution, institution_id)
    if institution is None or institution.council_id != current_user.council_id:
        abort(404)
    return institution


def _own_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None or user.council_id != current_user.council_id:
        abort(404)
    return user


def institutions():
    return render_template("auth/admin/institutions.html",
                           institutions=admin.institutions_of(current_user.council_id))


def institution_new():
    form = InstitutionForm()
    if form.validate_on_submit():
        try:
            admin.create_institution(actor=current_user, council=current_user.institution.council,
                                     name=form.name.data, kind=form.kind.data,
                                     is_coordinator=form.is_coordinator.data, contact=form.contact.data or "")
        except AdminError as error:
            form.form_errors.append(str(error))
        else:
            flash(_("The institution was added."), "info")
            return redirect(url_for("auth.institutions"))
    return render_template("auth/admin/institution_form.html", form=form, institution=None)


def institution_edit(institution_id: int):
    institution = _own_institution(institution_id)
    form = InstitutionForm(obj=None if request.method == "POST" else institution)
    current = None
    if form.validate_on_submit():
        try:
            admin.update_institution(actor=current_user, institution=institution, name=form.name.data,
                                     kind=form.kind.data, is_coordinator=form.is_coordinator.data,
                                     caseworkers_see_all=form.caseworkers_see_all.data, contact=form.contact.data,
                                     version=form.version.data)
        except StaleEdit as error:
            current = show_stale(form, error)  # what was typed stays; a second save builds on what is stored now
        except AdminError as error:
            form.form_errors.append(str(error))
        else:
            flash(_("The institution was saved."), "info")
            return redirect(url_for("auth.institutions"))
    return render_template("auth/admin/institution_form.html", form=form, institution=institution,
                           current=current)


def users():
    return render_template("auth/admin/users.html", users=admin.users_of(current_user.council_id),
                           form=ConfirmForm())


def user_new():
    form = UserForm(institutions=admin.institutions_of(current_user.council_id))
    if form.validate_on_submit():
        try:
            user, token = admin.create_user(actor=current_user, institution=_own_institution(form.institution_id.data),
                                            username=form.username.data, display_name=form.display_name.data,
                                            role=form.role.data)
        except AdminError as error:
            form.form_errors.append(str(error))
        else:
            return render_template("auth/admin/setup_link.html", user=user,
                                   link=url_for("account.setup", token=token, _external=True))
    return render_template("auth/admin/user_form.html", form=form, user=None)


def user_edit(user_id: int):
    user = _own_user(user_id)
    form = UserForm(obj=None if request.method == "POST" else user,
                    institutions=admin.institutions_of(current_user.council_id))
    current = None
    if form.validate_on_submit():
        try:
            admin.update_user(actor=current_user, user=user, display_name=form.display_name.data,
                              role=form.role.data, institution=_own_institution(form.institution_id.data),
                              version=form.version.data)
        except StaleEdit as error:
            current = show_stale(form, error)  # what was typed stays; a second save builds on what is stored now
        except AdminError as error:
            form.form_errors.append(str(error))
        else:
            flash(_("The user was saved."), "info")
            return redirect(url_for("auth.users"))
    return render_template("auth/admin/user_form.html", form=form, user=user, current=current,
                           actions=ConfirmForm())


def user_action(user_id: int, action: str):
    user = _own_user(user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        if action == "disable":
            admin.set_disabled(actor=current_user, user=user, disabled=True)
            flash(_("The account was disabled and its sessions ended."), "info")
        elif action == "enable":
            admin.set_disabled(actor=current_user, user=user, disabled=False)
            flash(_("The account was enabled."), "info")
        elif action == "revoke":
            ended = admin.revoke_sessions(actor=current_user, user=user)
            flash(_("%(n)d sessions were ended.", n=ended), "info")
        elif action == "reset":
            token = admin.reset_user(actor=current_user, user=user)
            return render_template("auth/admin/setup_link.html", user=user,
                                   link=url_for("account.setup", token=token, _external=True))
        else:
            abort(404)
    except AdminError as error:
        flash(str(error), "error")
    return redirect(url_for("auth.user_edit", user_id=user.id))
