"""Pages for households across cases: marking a case 要配慮 and linking cases of one household. The case gate loads
and authorises; each handler calls the service (``cases.restriction``, ``cases.links``) and renders."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from council.access.gate import case_gate
from council.access.policy import Action
from council.access.scopes import may_open
from council.cases import links, restriction
from council.cases.errors import CaseError, StaleCase
from council.cases.forms import LinkForm, RestrictionForm, UnlinkForm
from council.cases.panels import Panel
from council.cases.views import render_case
from council.core.i18n import gettext as _
from council.database import db
from council.security.forms import ConfirmForm


@case_gate(Action.EDIT_DETAILS)
def restriction_edit(case, access):
    """The 要配慮 page: the rule in plain words, the form that marks the case (or changes its reason) and, for a
    supervisor, the button that lifts it."""
    form, status = RestrictionForm(), 200
    if form.validate_on_submit():
        try:
            restriction.mark_restricted(actor=current_user, case=case, access=access, reason=form.reason.data,
                                        version=form.version.data)
        except CaseError as error:
            db.session.rollback()
            db.session.refresh(case)
            form.form_errors.append(str(error))
            form.version.data = case.version  # a second try builds on what is stored now
            status = 409 if isinstance(error, StaleCase) else 400
        else:
            flash(_("The case is marked 要配慮."), "info")
            return redirect(url_for("cases.view", case_id=case.id))
    elif form.is_submitted():
        status = 400
    else:
        form = RestrictionForm(formdata=None, reason=case.restricted_reason, version=case.version)
    return render_template("cases/restriction.html", form=form, case=case, lift_form=ConfirmForm(),
                           may_lift=restriction.may_lift(current_user)), status


@case_gate(Action.EDIT_DETAILS)
def restriction_lift(case, access):
    """A button (no typed text): a refusal is explained on the case page, as withdrawing consent is."""
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            restriction.lift_restriction(actor=current_user, case=case, access=access, version=form.version.data)
        except CaseError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            flash(_("要配慮 was lifted: the duplicate check and the search find this case's people again."), "info")
    return redirect(url_for("cases.view", case_id=case.id))


@case_gate(Action.EDIT_DETAILS)
def link_add(case, access):
    form = LinkForm()
    if form.validate_on_submit():
        try:
            links.link_cases(actor=current_user, case=case, access=access, number=form.number.data,
                             reason=form.relation.data)
        except CaseError as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        else:
            flash(_("The cases are linked."), "info")
            return redirect(url_for("cases.view", case_id=case.id, _anchor="links"))
    return render_case(case, access, panel_forms={"links": form}, status=400)


@case_gate(Action.EDIT_DETAILS)
def link_end(case, access):
    form = UnlinkForm()
    if form.validate_on_submit():
        try:
            links.end_link(actor=current_user, case=case, access=access, link_id=form.link_id.data,
                           reason=form.reason.data)
        except CaseError as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        else:
            flash(_("The link was ended."), "info")
            return redirect(url_for("cases.view", case_id=case.id, _anchor="links"))
    # The refused form opens under its own link (found by its link_id), with its error summary.
    return render_case(case, access, panel_forms={"links": form}, status=400)


def links_panel(case, access, *, form: LinkForm | UnlinkForm | None = None, has_rows: bool = True) -> Panel | None:
    """The case page's linked cases, as far as the reader may know them, with the forms to link and unlink (a
    refused one with what was chosen and its problems). Only for a full reach: a summary share learns nothing of
    other cases. ``has_rows`` False (``links.any_link``): no link in force to look for."""
    if not may_open(access.scope, "person", "name"):
        return None
    refused_unlink = form if isinstance(form, UnlinkForm) else None
    linked = links.linked_cases(actor=current_user, case=case) if has_rows else []
    return Panel(name="links", title=_("Linked cases (same household)"), template="cases/panels/links.html",
                 context={"linked": linked, "form": form if isinstance(form, LinkForm) else LinkForm(),
                          # each link's unlink button; none without links
                          "unlink_form": UnlinkForm(formdata=None) if linked else None,
                          "unlink_refused": refused_unlink})
