"""Pages of information requests: thin — the case gate (or the hit token) authorises, a service acts, a page renders.

The case page's panel forms post here; a refused one is shown again on the case page, with what was typed and its
error summary (``cases.views.render_case`` with the panel's form)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.exceptions import NotFound

from council.access.gate import case_gate
from council.access.permissions import Role
from council.access.policy import Access, Action, authorize, authorize_row
from council.access.scopes import allows
from council.audit.events import AuditTag, record_denial
from council.auth.models import Institution
from council.cases.duplicates import HitRefused
from council.cases.errors import CaseError
from council.cases.models import Case, Consent, ConsentState
from council.cases.panels import Panel
from council.cases.search import case_of_hit
from council.cases.views import render_case
from council.core.i18n import gettext as _
from council.database import db
from council.handoffs.requests import queries, services
from council.handoffs.requests.forms import AnswerForm, AskHolderForm, DeclineForm, HolderAnswerForm, RequestForm
from council.handoffs.requests.models import InformationRequest, RequestOrigin
from council.handoffs.requests.states import default_due_on
from council.security.forms import ConfirmForm

PANEL = "requests"


@dataclass(frozen=True)
class RefusedForm:
    """A panel form that was refused: which (``answer``, ``decline``), for which request, as typed."""

    which: str
    form: object
    request_id: int | None = None


# -- the case page's panel ----------------------------------------------------------------------------------------


def requests_panel(case, access, *, form: RefusedForm | None = None, has_rows: bool = True) -> Panel | None:
    """The case's requests as its reader may see them, with the forms the reader may use. None for a reach that
    sees no requests (a summary share, a meeting brief). ``has_rows``: whether the case has any request at all."""
    reader = _reader()
    views = queries.for_case_page(case, access, reader, has_rows=has_rows)
    if views is None:
        return None
    answer_forms, decline_forms = {}, {}
    for view in views:
        if view.may_answer:
            refused = form is not None and form.request_id == view.row.id
            answer_forms[view.row.id] = (form.form if refused and form.which == "answer"
                                         else _answer_form(case, view.row, formdata=None))
            decline_forms[view.row.id] = (form.form if refused and form.which == "decline"
                                          else DeclineForm(prefix=f"decline-{view.row.id}", formdata=None))
    # A refused answer or decline to a request the reader may not answer (not sent to their institution, closed
    # meanwhile) has no form of its own on the page: its problem is shown above the requests.
    stray = form.form if form is not None and form.request_id not in answer_forms else None
    return Panel(name=PANEL, title=_("Information requests (情報提供依頼)"), template="requests/panel.html",
                 context={"requests": views, "may_send": reader is not None and _may_send(case, access),
                          "answer_forms": answer_forms,
                          # the cancel buttons' form, for requests there are
                          "decline_forms": decline_forms, "stray": stray,
                          "confirm_form": ConfirmForm() if views else None,
                          "registered": case.council_case_at is not None})


def _reader():
    """The signed-in user the page is for; None when the case page is composed outside a request (a command)."""
    user = current_user._get_current_object() if current_user else None
    return user if user is not None and user.is_authenticated else None


def _may_send(case: Case, access: Access) -> bool:
    """Sending shares the case: only the lead institution's own reach allows it (access.scopes.LEAD_ONLY_ACTIONS)."""
    return allows(scope=access.scope, role=Role(current_user.role), action=Action.MANAGE_SHARES,
                  by_grant=access.by_grant)


def _consent_choices(case: Case) -> list[tuple[str, str]]:
    """The case's consents in force: a share on 本人同意 names one (whether it names the receiver is checked)."""
    rows = db.session.scalars(select(Consent).where(Consent.case_id == case.id,
                                                    Consent.state == ConsentState.OBTAINED).order_by(Consent.id))
    return [("", _("— choose —"))] + [
        (str(row.id), _("Consent no. %(id)d of %(day)s", id=row.id,
                        day=row.obtained_on.isoformat() if row.obtained_on else "—")) for row in rows]


def _request_form(case: Case) -> RequestForm:
    form = RequestForm(prefix="request")
    form.to_institution.choices = [("", _("— choose —"))] + [(str(i), name) for i, name in queries.receivers(case)]
    form.consent.choices = _consent_choices(case)
    return form


def _answer_form(case: Case, row: InformationRequest, **values) -> AnswerForm:
    if row.origin == RequestOrigin.DUPLICATE_CHECK:
        form = HolderAnswerForm(prefix=f"answer-{row.id}", **values)
        form.consent.choices = _consent_choices(case)
        return form
    return AnswerForm(prefix=f"answer-{row.id}", **values)


def _legal(form) -> services.LegalChoice:
    return services.LegalChoice(legal_basis=form.legal_basis.data, consent_id=int(form.consent.data or 0) or None,
                                emergency_reason=form.emergency_reason.data or "")


def _refused(case, access, refused: RefusedForm):
    return render_case(case, access, panel_forms={PANEL: refused}, status=400)


def _back(case_id: int):
    return redirect(url_for("cases.view", case_id=case_id, _anchor=PANEL))


# -- sending, answering, declining, cancelling -------------------------------------------------------------------


@case_gate(Action.MANAGE_SHARES)
def request_new(case, access):
    """The form of a new request (its own page: it lists the council's member institutions, which the case page
    does not load) and its sending."""
    form = _request_form(case)
    if form.validate_on_submit():
        try:
            services.send(actor=current_user, case=case, access=access, to_institution_id=int(form.to_institution.data),
                          kind=form.kind.data, question=form.question.data, due_on=form.due_on.date,
                          legal=_legal(form))
        except CaseError as error:
            form.form_errors.append(str(error))
        else:
            flash(_("The request was sent."), "info")
            return _back(case.id)
    elif request.method == "GET":
        form.due_on.data = default_due_on().isoformat()
    status = 400 if form.errors or form.form_errors else 200
    return render_template("requests/new.html", form=form, case=case,
                           registered=case.council_case_at is not None), status


@case_gate(Action.ANSWER_REQUEST, information_request=InformationRequest)
def request_answer(case, access, information_request):
    access = _answering(case, information_request)
    form = _answer_form(case, information_request)
    if form.validate_on_submit():
        legal = _legal(form) if isinstance(form, HolderAnswerForm) else None
        try:
            services.answer(actor=current_user, case=case, access=access, row=information_request,
                            text=form.answer.data, legal=legal)
        except CaseError as error:
            form.form_errors.append(str(error))
        else:
            flash(_("Your answer was sent; it is recorded on the case as information provided by your "
                    "institution."), "info")
            return _after_answering(case)
    return _refused(case, access, RefusedForm("answer", form, information_request.id))


@case_gate(Action.ANSWER_REQUEST, information_request=InformationRequest)
def request_decline(case, access, information_request):
    access = _answering(case, information_request)
    form = DeclineForm(prefix=f"decline-{information_request.id}")
    if form.validate_on_submit():
        try:
            services.decline(actor=current_user, case=case, access=access, row=information_request,
                             reason=form.reason.data)
        except CaseError as error:
            form.form_errors.append(str(error))
        else:
            flash(_("You declined the request."), "info")
            return _after_answering(case)
    return _refused(case, access, RefusedForm("decline", form, information_request.id))


def _answering(case: Case, row: InformationRequest) -> Access:
    """The reach a receiver answers ``row`` by: the grant resting on that request (``request:<id>``), not merely the
    widest reach the gate found (the same institution may also hold a pending referral's reach), or its own full
    one. 404, recorded, when it holds none that opens the request."""
    try:
        return authorize_row(current_user, Action.ANSWER_REQUEST, case, "information_request", row.id)
    except NotFound:
        record_denial(actor=current_user, case_id=case.id, action=Action.ANSWER_REQUEST)
        raise


def _after_answering(case: Case):
    """Back to the case if the answerer still reaches it (its own case, another share), else to the list: the
    request's grant ended with the answer."""
    try:
        authorize(current_user, Action.READ_SUMMARY, case)
    except NotFound:
        return redirect(url_for("requests.list"))
    return _back(case.id)


def request_cancel(request_id: int):
    """The sender withdraws a request. No case in the URL: the asker of a case's holder does not reach the case.
    Who may cancel is the policy's answer for a request from the case page (sharing the case), and the asking
    institution's for a question to a holder; anyone else gets 404, recorded as a refusal on the case."""
    row = db.session.get(InformationRequest, request_id)
    basis = _cancelling_basis(row) if row is not None else None
    if basis is None:
        if row is not None:
            record_denial(actor=current_user, case_id=row.case_id, action=Action.MANAGE_SHARES)
        raise NotFound()
    if ConfirmForm().validate_on_submit():
        try:
            services.cancel(actor=current_user, row=row, basis=basis)
        except CaseError as error:
            flash(str(error), "error")
        else:
            flash(_("The request was cancelled."), "info")
    if row.origin == RequestOrigin.CASE:
        return _back(row.case_id)
    return redirect(url_for("requests.list"))


def _cancelling_basis(row: InformationRequest) -> str | None:
    """On what basis the current user may cancel ``row``, or None when they may not."""
    if row.from_institution_id != current_user.institution_id:
        return None
    if row.origin == RequestOrigin.DUPLICATE_CHECK:
        return RequestOrigin.DUPLICATE_CHECK.value
    try:
        return authorize(current_user, Action.MANAGE_SHARES, db.session.get(Case, row.case_id)).basis
    except NotFound:
        return None


# -- the list and the question to a holder -------------------------------------------------------------------------


def request_list():
    listed = queries.for_institution(current_user)
    return render_template("requests/list.html", listed=listed, confirm_form=ConfirmForm())


def ask_holder():
    """Ask the institution holding a case the duplicate check showed, without seeing the case: the hit token names
    the case (signed, bound to this user, for an hour), and the case must still be one the check would show
    (``cases.search.case_of_hit``: not marked 要配慮 since). Anything else shows the same "no longer valid" page; a
    genuine token refused (another user's, such a case) is recorded as a denial first."""
    token = request.args.get("hit", "")
    try:
        case = case_of_hit(token, current_user)
    except HitRefused as refused:
        record_denial(actor=current_user, case_id=refused.case_id, action=AuditTag.REQUEST_SENT)
        case = None
    if case is None:
        return render_template("requests/ask.html", form=None, holder=None, token=""), 400
    holder = db.session.get(Institution, case.lead_institution_id)
    form = AskHolderForm()
    if form.validate_on_submit():
        try:
            services.ask_holder(actor=current_user, case=case, kind=form.kind.data, question=form.question.data,
                                due_on=form.due_on.date)
        except CaseError as error:
            form.form_errors.append(str(error))
        else:
            flash(_("Your question was sent to %(institution)s.", institution=holder.name), "info")
            return redirect(url_for("requests.list"))
    elif request.method == "GET":
        form.due_on.data = default_due_on().isoformat()
    return render_template("requests/ask.html", form=form, holder=holder, token=token), (400 if form.errors or
                                                                                         form.form_errors else 200)
