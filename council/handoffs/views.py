"""Handoff pages. The case gate loads the case (and the handoff of the URL) and authorises; each handler calls a
service and renders. A refused answer shows the case page again with the panel's error summary and what was typed;
an approval, a button with nothing typed, is refused with a message on the case page."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.exceptions import NotFound

from council.access.gate import case_gate
from council.access.models import LegalBasis
from council.access.policy import Action, authorize, authorize_row
from council.access.scopes import Scope
from council.audit.events import AuditTag, record_denial
from council.auth.models import Institution, User
from council.cases.duplicates import HitRefused
from council.cases.errors import CaseError
from council.cases.models import Case, Consent, ConsentPurpose, ConsentState
from council.cases.search import case_of_hit
from council.cases.views import render_case
from council.core.i18n import gettext as _
from council.core.web import query_int
from council.database import db
from council.handoffs import decisions, services
from council.handoffs.forms import AskReferralForm, AskTransferForm, ReasonForm, SendForm
from council.handoffs.models import Handoff, HandoffKind
from council.handoffs.rules import SHARING_PURPOSES, STAFF


def _back(case: Case):
    return redirect(url_for("cases.view", case_id=case.id, _anchor="handoffs"))


def _after_answer(case: Case):
    """Back to the case — unless the answer took it out of the user's reach (a declined referral, a cancelled
    request's receiver): then to the inbox, where the next thing to do is, rather than to a page that is not found."""
    try:
        authorize(current_user, Action.READ_SUMMARY, case)
    except NotFound:
        return redirect(url_for("inbox.page"))
    return _back(case)


# -- sending ---------------------------------------------------------------------------------------------------


@case_gate(Action.MANAGE_SHARES)
def send(case, access):
    """The form of a referral or transfer; ``?answers=<id>`` answers a request (its kind and asker preselected)."""
    form = SendForm()
    answers = _request_answered(case, form.answers.data or request.args.get("answers", type=query_int))
    _fill_choices(form, case)
    if request.method == "GET" and answers is not None:
        form.answers.data = str(answers.id)
        form.receiver.data = answers.sender_institution_id
        if answers.kind == HandoffKind.TRANSFER_REQUEST:
            form.kind.data = HandoffKind.TRANSFER.value
    if form.validate_on_submit():
        try:
            handoff = services.send(actor=current_user, case=case, access=access, data=_input(form, answers))
        except CaseError as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        else:
            flash(_("The transfer awaits a supervisor's approval.") if handoff.state == "awaiting_approval"
                  else _("Sent. The receiver sees the summary and your message until it answers."), "info")
            return _back(case)
    return render_template("handoffs/send.html", form=form, case=case, answers=answers,
                           consents=_consents(case)), (400 if form.errors or form.form_errors else 200)


def _request_answered(case: Case, handoff_id) -> Handoff | None:
    try:
        row = db.session.get(Handoff, int(handoff_id)) if handoff_id else None
    except (TypeError, ValueError):
        return None
    return row if row is not None and row.case_id == case.id and HandoffKind(row.kind).is_request else None


def _fill_choices(form: SendForm, case: Case) -> None:
    institutions = list(db.session.scalars(select(Institution).where(
        Institution.council_id == case.council_id, Institution.id != case.lead_institution_id)
        .order_by(Institution.name)))
    form.receiver.choices = [(i.id, i.name) for i in institutions]
    names = {i.id: i.name for i in institutions}
    workers = db.session.scalars(select(User).where(User.institution_id.in_(names), User.role.in_(STAFF),
                                                    User.disabled_at.is_(None)).order_by(User.institution_id, User.id))
    form.receiver_user.choices = [(0, _("Anyone of the institution"))] + [
        (u.id, f"{names[u.institution_id]} — {u.display_name}") for u in workers]
    form.consent.choices = [(0, _("None"))] + [(c.id, label) for c, label in _consents(case)]


def _consents(case: Case) -> list[tuple[Consent, str]]:
    """Consents in force for a sharing purpose, described by plaintext only (purpose code, date, recipients)."""
    rows = db.session.scalars(select(Consent).where(Consent.case_id == case.id, Consent.state == ConsentState.OBTAINED,
                                                    Consent.purpose_code.in_([p.value for p in SHARING_PURPOSES]))
                              .order_by(Consent.id))
    names = dict(db.session.execute(select(Institution.id, Institution.name)
                                    .where(Institution.council_id == case.council_id)).all())
    # Worded as the information request's form words it: the consent's number and day, then what it is for and whom.
    return [(c, _("Consent no. %(id)d of %(day)s", id=c.id, day=c.obtained_on.isoformat() if c.obtained_on else "—")
             + f" {ConsentPurpose(c.purpose_code).label}: " + "、".join(names.get(i, "") for i in
                                                                   c.recipient_institution_ids)) for c in rows]


def _input(form: SendForm, answers: Handoff | None) -> services.HandoffInput:
    receiver_user = db.session.get(User, form.receiver_user.data) if form.receiver_user.data else None
    consent = db.session.get(Consent, form.consent.data) if form.consent.data else None
    return services.HandoffInput(kind=HandoffKind(form.kind.data), receiver=db.session.get(Institution,
                                                                                             form.receiver.data),
                                 receiver_user=receiver_user, scope=Scope(form.scope.data),
                                 legal_basis=LegalBasis(form.legal_basis.data), consent=consent,
                                 message=form.message.data or "", emergency_reason=form.emergency_reason.data or "",
                                 answers=answers)


@case_gate(Action.MANAGE_SHARES, handoff=Handoff)
def approve(case, access, handoff):
    form = ReasonForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.approve(actor=current_user, case=case, handoff=handoff, version=form.version.data)
    except CaseError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        flash(_("Approved. The receiver can now see and answer it."), "info")
    return _back(case)


# -- answering -------------------------------------------------------------------------------------------------


def _answer(case, access, handoff, act, done: str):
    """Run ``act(form)``; on success back to the case, on refusal the case page with the panel's error summary."""
    form = ReasonForm()
    if form.validate_on_submit():
        try:
            act(form)
        except CaseError as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        else:
            flash(done, "info")
            return _after_answer(case)
    form.handoff.data = str(handoff.id)
    return render_case(case, access, panel_forms={"handoffs": form}, status=400)


def _party_access(case, access, handoff):
    """The reach a party writes its reason into ``handoff`` by: the grant resting on that handoff (or a full reach),
    not merely the widest the gate found — a grant opens and seals its own handoff's texts only
    (``access.scopes.ROW_BOUND``). Anyone with no such reach is no party to it: the gate's access lets the service
    refuse them, on the case page, before anything is sealed."""
    try:
        return authorize_row(current_user, Action.ANSWER_HANDOFF, case, "handoff", handoff.id)
    except NotFound:
        return access


@case_gate(Action.ANSWER_HANDOFF, handoff=Handoff)
def accept(case, access, handoff):
    """Accept a handoff; for a request, the lead answers it by making the handoff asked for (the form)."""
    if HandoffKind(handoff.kind).is_request and decisions.may_answer_request(current_user, case) \
            and handoff.state == "requested":
        return redirect(url_for("handoffs.send", case_id=case.id, answers=handoff.id))
    done = _("Transfer accepted. Your institution now leads this case.") if handoff.kind == HandoffKind.TRANSFER \
        else _("Accepted. The case is now shared with your institution.")
    return _answer(case, access, handoff, lambda form: decisions.accept(
        actor=current_user, case=case, handoff=handoff, version=form.version.data), done)


@case_gate(Action.ANSWER_HANDOFF, handoff=Handoff)
def decline(case, access, handoff):
    access = _party_access(case, access, handoff)
    return _answer(case, access, handoff, lambda form: decisions.decline(
        actor=current_user, case=case, access=access, handoff=handoff, reason=form.reason.data,
        version=form.version.data), _("Declined. The sender sees your reason."))


@case_gate(Action.ANSWER_HANDOFF, handoff=Handoff)
def cancel(case, access, handoff):
    return _answer(case, access, handoff, lambda form: services.cancel(
        actor=current_user, case=case, access=access, handoff=handoff, version=form.version.data),
        _("Cancelled. The receiver no longer sees the case."))


@case_gate(Action.ANSWER_HANDOFF, handoff=Handoff)
def end(case, access, handoff):
    access = _party_access(case, access, handoff)
    return _answer(case, access, handoff, lambda form: decisions.end_share(
        actor=current_user, case=case, access=access, handoff=handoff, reason=form.reason.data,
        version=form.version.data), _("The share has ended."))


# -- asking ----------------------------------------------------------------------------------------------------


@case_gate(Action.ASK_TRANSFER)
def ask_transfer(case, access):
    """移管の申し出, from someone who works on the case in full but is not its lead."""
    lead = case.lead_institution_id == current_user.institution_id
    if lead and request.method == "POST":
        flash(_("Your institution leads this case: there is nobody to ask."), "error")
        return _back(case)
    form = AskTransferForm()
    if not lead and form.validate_on_submit():
        try:
            decisions.ask_transfer(actor=current_user, case=case, access=access, message=form.message.data)
        except CaseError as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        else:
            flash(_("Your request was sent to the lead institution."), "info")
            return _back(case)
    lead_name = db.session.get(Institution, case.lead_institution_id).name
    return render_template("handoffs/ask_transfer.html", form=form, case=case, lead=lead, lead_name=lead_name), \
        (400 if form.errors or form.form_errors else 200)


def ask_referral():
    """つなぎの依頼, from the duplicate check at intake: the asker cannot see the case; the hit token (signed, bound
    to the user, one hour) proves the check showed it to them, and the case must still be one the check would show
    (``cases.search.case_of_hit``: not marked 要配慮 since). Anything else is not found; a genuine token refused
    (another user's, such a case) is recorded as a denial."""
    form = AskReferralForm()
    token = form.hit.data if request.method == "POST" else request.args.get("hit")
    try:
        case = case_of_hit(token, current_user)
    except HitRefused as refused:
        record_denial(actor=current_user, case_id=refused.case_id, action=AuditTag.HANDOFF_SENT)
        abort(404)
    if case is None:
        abort(404)
    form.hit.data = token
    if form.validate_on_submit():
        try:
            decisions.ask_referral(actor=current_user, case=case)
        except CaseError as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        else:
            flash(_("Your request was sent. The lead institution answers it by sharing the case or explaining why "
                    "not."), "info")
            return redirect(url_for("auth.home"))
    lead_name = db.session.get(Institution, case.lead_institution_id).name
    return render_template("handoffs/ask_referral.html", form=form, lead_name=lead_name), \
        (400 if form.form_errors else 200)
