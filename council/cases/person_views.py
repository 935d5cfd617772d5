"""Pages that change a case's details and its persons: the case gate loads and authorises, the handler calls the
service and renders."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from council.access.gate import case_gate
from council.access.policy import Action
from council.auth.models import User
from council.cases import persons, services
from council.cases.errors import CaseError, StaleCase
from council.cases.forms import DetailsForm, PersonForm, RemoveForm
from council.cases.models import Person
from council.core.i18n import gettext as _
from council.database import db


def _input(form: PersonForm) -> services.PersonInput:
    return services.PersonInput(name=form.name.data or "", kana=form.kana.data or "", birth_date=form.birth_date.date,
                                sex=form.sex.data or "", address=form.address.data or "", phone=form.phone.data or "",
                                notes=form.notes.data or "", relationship=form.relationship.data or "")


@case_gate(Action.EDIT_DETAILS)
def person_new(case, access):
    form = PersonForm()
    if form.validate_on_submit():
        try:
            persons.add_household_member(actor=current_user, case=case, access=access, data=_input(form))
        except CaseError as error:
            form.form_errors.append(str(error))
        else:
            flash(_("The household member was added."), "info")
            return redirect(url_for("cases.view", case_id=case.id))
    return render_template("cases/person_form.html", form=form, case=case, person=None, current=None), \
        (400 if form.errors else 200)


@case_gate(Action.EDIT_DETAILS, person=Person)
def person_edit(case, access, person):
    form, current, status = PersonForm(), None, 200
    if form.validate_on_submit():
        try:
            persons.update_person(actor=current_user, case=case, access=access, person=person, data=_input(form),
                                  version=form.version.data)
        except StaleCase as error:
            form.form_errors.append(str(error))
            db.session.rollback()
            # The stored values are shown next to what was typed.
            current = persons.read_person_page(actor=current_user, case=case, access=access, person=person)
            status = 409
            form.version.data = case.version
        except CaseError as error:
            form.form_errors.append(str(error))
            status = 400
        else:
            flash(_("The details were saved."), "info")
            return redirect(url_for("cases.view", case_id=case.id))
    elif request.method == "GET":
        view = persons.read_person_page(actor=current_user, case=case, access=access, person=person)
        form = PersonForm(formdata=None, name=view.name, kana=view.kana, relationship=view.relationship,
                          birth_date=view.birth_date.isoformat() if view.birth_date else "", sex=view.sex,
                          address=view.address, phone=view.phone, notes=view.notes, version=case.version)
    else:
        status = 400
    return render_template("cases/person_form.html", form=form, case=case, person=person, current=current), status


@case_gate(Action.EDIT_DETAILS)
def details_edit(case, access):
    workers = list(db.session.scalars(select(User).where(User.institution_id == case.lead_institution_id,
                                                         User.role.in_(("caseworker", "supervisor")),
                                                         User.disabled_at.is_(None)).order_by(User.display_name)))
    form, status, current = DetailsForm(), 200, None
    form.assigned.choices = [(u.id, u.display_name) for u in workers]
    if form.validate_on_submit():
        chosen = [u for u in workers if u.id in set(form.assigned.data)]
        try:
            persons.update_details(actor=current_user, case=case, access=access, categories=form.categories.data,
                                   risk=form.risk.data, next_review_date=form.next_review_date.date,
                                   key_person=form.key_person.data or "", assigned=chosen, version=form.version.data,
                                   referral_source=form.referral_source.data or None,
                                   contact_person=form.contact_person.data or "")
        except CaseError as error:
            form.form_errors.append(str(error))
            db.session.rollback()
            status = 409 if isinstance(error, StaleCase) else 400
            if status == 409:  # show what is stored now next to what was typed; the read is audited
                current = persons.read_details(actor=current_user, case=case, access=access)
                form.version.data = case.version
        else:
            flash(_("The details were saved."), "info")
            return redirect(url_for("cases.view", case_id=case.id))
    elif request.method == "GET":
        view = persons.read_details(actor=current_user, case=case, access=access)
        form = DetailsForm(formdata=None, categories=case.categories, risk=case.risk,
                           next_review_date=case.next_review_date.isoformat() if case.next_review_date else "",
                           key_person=view.key_person, assigned=list(view.assigned), version=case.version,
                           referral_source=case.referral_source or "", contact_person=view.contact_person)
        form.assigned.choices = [(u.id, u.display_name) for u in workers]
    else:
        status = 400
    return render_template("cases/details_form.html", form=form, case=case, current=current), status


@case_gate(Action.EDIT_DETAILS, person=Person)
def person_remove(case, access, person):
    """Confirm and remove a household member entered by mistake (their details are erased; the reason kept)."""
    form, status = RemoveForm(), 200
    if form.validate_on_submit():
        try:
            persons.remove_household_member(actor=current_user, case=case, access=access, person=person,
                                            reason=form.reason.data)
        except CaseError as error:
            db.session.rollback()
            form.form_errors.append(str(error))
            status = 400
        else:
            flash(_("The household member was removed and their details erased."), "info")
            return redirect(url_for("cases.view", case_id=case.id))
    elif request.method == "POST":
        status = 400
    view = persons.read_person_page(actor=current_user, case=case, access=access, person=person)  # names them
    return render_template("cases/person_remove.html", form=form, case=case, person=person, view=view), status
