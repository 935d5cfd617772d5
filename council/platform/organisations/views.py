"""Organisation pages: load, check, call a service, render."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from council.core.editing import StaleEdit, show_stale
from council.core.i18n import gettext as _
from council.platform.database import db
from council.platform.guarding import accepted
from council.platform.organisations import services
from council.platform.organisations.forms import (
    ApplicationForm,
    ApprovalForm,
    DecisionForm,
    DirectoryFilterForm,
    InviteForm,
    ProfileForm,
)
from council.platform.organisations.models import Organisation, OrganisationStatus
from council.security.forms import ConfirmForm


def _profile(form: ProfileForm) -> services.Profile:
    return services.Profile(name=form.name.data, kind=form.kind.data, area=form.area.data,
                            fields=tuple(form.fields.data), description=form.description.data,
                            public_contact=form.public_contact.data, website=form.website.data or "")


def apply():
    form = ApplicationForm()
    if request.method == "POST" and services.too_many_applications(request.remote_addr):
        flash(_("Too many applications were sent from your network in the last hour. Please try again later."),
              "error")
        return render_template("organisations/apply.html", form=form), 429
    if accepted(form, where="organisation.apply"):
        try:
            services.apply(_profile(form), username=form.username.data, display_name=form.display_name.data)
        except services.OrganisationError as error:
            form.username.errors = [*form.username.errors, str(error)]
        else:
            return redirect(url_for("organisations.applied"))
    return render_template("organisations/apply.html", form=form)


def applied():
    return render_template("organisations/applied.html")


def directory():
    form = DirectoryFilterForm(request.args)
    chosen = form.data if form.validate() else {}
    return render_template("organisations/directory.html", form=form, organisations=services.directory(
        field=chosen.get("field") or "", area=chosen.get("area") or ""))


def show(organisation_id: int):
    organisation = services.member_organisation(organisation_id) or abort(404)
    from council.platform.places.services import places_of

    return render_template("organisations/show.html", organisation=organisation, places=places_of(organisation))


def review_list():
    return _review()


def _review(failed: ApprovalForm | None = None, failed_id: int | None = None, status: int = 200):
    """The queue of applications, each with its approval form: the applicant's wished username filled in (or what
    the administrator typed, on the form that failed) and a warning when an account already has it."""
    applications = services.pending_applications()
    forms = {organisation.id: failed if organisation.id == failed_id else ApprovalForm(
        formdata=None, prefix=_approval_prefix(organisation.id), username=application.username)
        for organisation, application in applications}
    return render_template("organisations/review_list.html", applications=applications, forms=forms,
                           in_use=services.usernames_in_use([a.username for _o, a in applications])), status


def _approval_prefix(organisation_id: int) -> str:
    return f"approve-{organisation_id}"  # one form per application on the page: their fields need distinct ids


def _pending(organisation_id: int) -> Organisation:
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None or organisation.status != OrganisationStatus.PENDING:
        abort(404)
    return organisation


def approve(organisation_id: int):
    organisation = _pending(organisation_id)
    form = ApprovalForm(prefix=_approval_prefix(organisation_id))
    if not accepted(form, where="organisation.approve"):
        return _review(form, organisation_id, status=400)
    try:
        user, token = services.approve(actor=current_user, organisation=organisation, username=form.username.data)
    except services.OrganisationError as error:
        form.username.errors = [*form.username.errors, str(error)]
        return _review(form, organisation_id, status=409)
    return render_template("organisations/setup_link.html", user=user, organisation=organisation,
                           link=url_for("account.setup", token=token, _external=True))


def decline(organisation_id: int):
    organisation = _pending(organisation_id)
    form = DecisionForm()
    if accepted(form, where="organisation.decline"):
        try:
            services.decline(actor=current_user, organisation=organisation, reason=form.reason.data or "")
        except services.OrganisationError as error:
            flash(str(error), "error")
        else:
            flash(_("The application of %(name)s was declined.", name=organisation.name), "success")
        return redirect(url_for("organisations.review_list"))
    return render_template("organisations/decline.html", organisation=organisation, form=form)


def _own() -> Organisation:
    return db.session.get(Organisation, current_user.organisation_id) if current_user.organisation_id else abort(404)


def mine():
    organisation = _own()
    return render_template("organisations/mine.html", organisation=organisation, staff=services.staff(organisation),
                           invite_form=InviteForm(), form=ConfirmForm())


def edit():
    organisation = _own()
    form = ProfileForm(obj=organisation) if request.method == "GET" else ProfileForm()
    if request.method == "GET":
        form.fields.data, form.version.data = organisation.field_codes, organisation.version
    stored = None
    if accepted(form, where="organisation.edit"):
        try:
            services.update_profile(actor=current_user, organisation=organisation, profile=_profile(form),
                                    version=form.version.data)
        except StaleEdit as error:
            stored = show_stale(form, error)
        else:
            flash(_("The profile was saved."), "success")
            return redirect(url_for("organisations.mine"))
    return render_template("organisations/edit.html", form=form, organisation=organisation, stored=stored)


def invite():
    organisation = _own()
    form = InviteForm()
    if accepted(form, where="organisation.invite"):
        try:
            user, token = services.invite(actor=current_user, username=form.username.data,
                                          display_name=form.display_name.data, role=form.role.data)
        except services.OrganisationError as error:
            form.username.errors = [*form.username.errors, str(error)]
        else:
            return render_template("organisations/setup_link.html", user=user, organisation=organisation,
                                   link=url_for("account.setup", token=token, _external=True))
    return render_template("organisations/mine.html", organisation=organisation, staff=services.staff(organisation),
                           invite_form=form, form=ConfirmForm())


def staff_link(user_id: int):
    organisation = _own()
    user = services.staff_member(current_user, user_id) or abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    token = services.new_setup_link(actor=current_user, user=user)
    return render_template("organisations/setup_link.html", user=user, organisation=organisation,
                           link=url_for("account.setup", token=token, _external=True))


def _set_disabled(user_id: int, disabled: bool):
    user = services.staff_member(current_user, user_id) or abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        services.set_disabled(actor=current_user, user=user, disabled=disabled)
    except services.OrganisationError as error:
        flash(str(error), "error")
    return redirect(url_for("organisations.mine"))


def staff_disable(user_id: int):
    return _set_disabled(user_id, True)


def staff_enable(user_id: int):
    return _set_disabled(user_id, False)
