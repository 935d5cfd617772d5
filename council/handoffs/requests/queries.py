"""What pages and inboxes show of information requests: the case page's panel, the institution's list, the inbox.

The panel runs after the case page recorded its read, and opens what the reader's reach allows: a full reach every
request of the case, a request reach the one request it rests on (``access.scopes.ROW_BOUND``; the vault refuses
any other). The list and the inbox open nothing sealed: case numbers, kinds, institutions, dates and states — and
the case number only where the reader reaches the case.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import url_for
from sqlalchemy import or_, select

from council.access.models import GrantBasis
from council.access.permissions import Role
from council.access.policy import Access, accesses, reaches_of
from council.access.reads import record_read
from council.access.scopes import Action, Scope, allows, may_open
from council.audit.events import AuditTag
from council.auth.models import Institution, User
from council.cases.models import Case
from council.cases.services import institution_names
from council.cases.vault import vault
from council.core.clock import japan_today, utcnow
from council.core.i18n import gettext as _
from council.database import db
from council.handoffs.requests.models import InformationRequest, RequestKind, RequestOrigin, RequestState
from council.handoffs.requests.states import state_of
from council.inbox.registry import InboxItem

#: How long an answer stays in the sender's inbox.
ANSWER_NEWS_DAYS = 14


@dataclass
class RequestView:
    """One request as a page shows it; sealed texts are None where the reader may not open them."""

    row: InformationRequest
    state: RequestState
    from_name: str
    to_name: str
    question: str | None = None
    answer: str | None = None
    decline_reason: str | None = None
    emergency_reason: str | None = None
    #: The reader's institution was asked and may answer or decline now.
    may_answer: bool = False
    #: The reader may cancel it (the sending lead institution's staff, while it is open).
    may_cancel: bool = False
    #: The case's number, where the reader reaches the case (the list page); None otherwise.
    case_number: str | None = None


def any_rows(case_id: int):
    """Whether the case has any information request (the case page asks before listing them)."""
    return select(InformationRequest.id).where(InformationRequest.case_id == case_id).exists()


def for_case_page(case: Case, access: Access, actor: User | None, *,
                  has_rows: bool = True) -> list[RequestView] | None:
    """The requests of ``case`` its reader sees, newest first: all of them for a full reach, the one its grant
    rests on for a request reach; None for any other reach (a summary share sees none). With no ``actor`` (a page
    composed by a command) nothing may be answered or cancelled. ``has_rows`` False (``any_rows`` found none): an
    empty list without asking."""
    if access.scope not in (Scope.FULL, Scope.REQUEST):
        return None
    if not has_rows:
        return []
    query = select(InformationRequest).where(InformationRequest.case_id == case.id)
    if access.scope == Scope.REQUEST:
        query = query.where(InformationRequest.id.in_(_requests_held(case, access, actor)))
    rows = list(db.session.scalars(query.order_by(InformationRequest.sent_at.desc(), InformationRequest.id.desc())))
    names = institution_names(i for row in rows for i in (row.from_institution_id, row.to_institution_id))
    role = Role(actor.role) if actor is not None else None
    may_manage = role is not None and allows(scope=access.scope, role=role, action=Action.MANAGE_SHARES,
                                             by_grant=access.by_grant)
    may_answer = role is not None and allows(scope=access.scope, role=role, action=Action.ANSWER_REQUEST,
                                             by_grant=access.by_grant)
    views = []
    for row in rows:
        state = state_of(row)
        view = RequestView(row=row, state=state, from_name=names.get(row.from_institution_id, ""),
                           to_name=names.get(row.to_institution_id, ""), question=vault().text(row, "question"))
        if may_open(access.scope, "information_request", "answer"):
            view.answer = vault().text(row, "answer")
        if may_open(access.scope, "information_request", "decline_reason"):
            view.decline_reason = vault().text(row, "decline_reason")
            view.emergency_reason = vault().text(row, "emergency_reason")
        view.may_answer = state.is_open and may_answer and row.to_institution_id == actor.institution_id
        view.may_cancel = (state.is_open and may_manage and row.origin == RequestOrigin.CASE
                           and row.from_institution_id == actor.institution_id)
        views.append(view)
    return views


def _request_id(basis: str) -> int | None:
    """The request a ``request:<id>`` basis rests on; None for any other basis (``referral:<id>`` names a handoff,
    not a request of the same number)."""
    kind, _sep, number = basis.partition(":")
    return int(number) if kind == GrantBasis.REQUEST and number.isdigit() else None


def _requests_held(case: Case, access: Access, actor: User | None) -> list[int]:
    """The requests a request-scope reader of ``case`` sees: the one its page's reach rests on, and those of the
    reader's other request grants of the case (a pending referral's receiver may also be asked a question: the
    page was read by one of the two). Each other grant's read is recorded before its request opens."""
    held = [access] if actor is None else [each for each in reaches_of(actor, case) if each.scope == Scope.REQUEST]
    ids = []
    for each in held:
        request_id = _request_id(each.basis)
        if request_id is None:
            continue
        if each.basis != access.basis:
            record_read(tag=AuditTag.CASE_VIEWED, actor=actor, case=case, access=each, reason=f"request {request_id}")
        ids.append(request_id)
    return ids


# -- the institution's list ---------------------------------------------------------------------------------------


@dataclass
class RequestList:
    received: list[RequestView]
    sent: list[RequestView]


def for_institution(actor: User) -> RequestList:
    """The requests sent and received by the actor's institution, overdue first, then open by due date, then the
    rest newest first. Records which cases the page showed (by number), and opens nothing sealed."""
    rows = list(db.session.scalars(select(InformationRequest).where(or_(
        InformationRequest.from_institution_id == actor.institution_id,
        InformationRequest.to_institution_id == actor.institution_id))))
    reached = _reached(actor, rows)
    numbers = dict(db.session.execute(select(Case.id, Case.number).where(Case.id.in_(list(reached)))).all())
    shown = [reached[case_id] for case_id in numbers]
    if shown:
        record_read(tag=AuditTag.CASE_LISTED, actor=actor, reached=shown, only=(), reason="information requests")
    names = institution_names(i for row in rows for i in (row.from_institution_id, row.to_institution_id))
    views = [RequestView(row=row, state=state_of(row), from_name=names.get(row.from_institution_id, ""),
                         to_name=names.get(row.to_institution_id, ""), case_number=numbers.get(row.case_id))
             for row in rows]
    views.sort(key=_urgency)
    return RequestList(received=[v for v in views if v.row.to_institution_id == actor.institution_id],
                       sent=[v for v in views if v.row.from_institution_id == actor.institution_id])


def _urgency(view: RequestView) -> tuple:
    order = {RequestState.OVERDUE: 0, RequestState.SENT: 1}.get(view.state, 2)
    if order < 2:
        return order, view.row.due_on.toordinal(), view.row.id
    return order, -(view.row.closed_at or view.row.sent_at).timestamp(), -view.row.id


# -- the inbox ----------------------------------------------------------------------------------------------------


def _items(actor: User, rows: list[InformationRequest], text) -> list[InboxItem]:
    """One inbox item per request: the case's number where the reader reaches the case (a link to its panel),
    else the list page; never anything sealed."""
    reached = _reached(actor, rows)
    numbers = dict(db.session.execute(select(Case.id, Case.number).where(Case.id.in_(list(reached)))).all())
    names = institution_names(row.to_institution_id for row in rows)
    items = []
    for row in rows:
        number = numbers.get(row.case_id)
        url = (url_for("cases.view", case_id=row.case_id, _anchor="requests") if number
               else url_for("requests.list"))
        if number is None and row.origin == RequestOrigin.DUPLICATE_CHECK:
            number = _("a case held by %(institution)s", institution=names.get(row.to_institution_id, ""))
        kind, wording = text(row, number or _("a case of your institution"))
        items.append(InboxItem(kind=kind, text=wording, url=url, case_ids=(row.case_id,) if row.case_id in numbers
                               else ()))
    return items


def _reached(actor: User, rows: list[InformationRequest]) -> dict[int, Access]:
    """The cases of ``rows`` the actor reaches in a scope that has a case page (not the ledger's metadata)."""
    return {case_id: access for case_id, access in accesses(actor, {row.case_id for row in rows}).items()
            if access.scope != Scope.LEDGER}


def _open_rows(*conditions) -> list[InformationRequest]:
    rows = db.session.scalars(select(InformationRequest).where(InformationRequest.state == RequestState.SENT,
                                                               *conditions)
                              .order_by(InformationRequest.due_on, InformationRequest.id))
    return [row for row in rows if state_of(row).is_open]


def to_answer(actor: User) -> list[InboxItem]:
    """Requests the actor's institution was asked and may still answer (not yet overdue: those are overdue items)."""
    rows = [row for row in _open_rows(InformationRequest.to_institution_id == actor.institution_id)
            if state_of(row) == RequestState.SENT]
    return _items(actor, rows, lambda row, case: (
        "requests.to_answer", _("Information request to answer: case %(case)s (%(kind)s), due %(due)s",
                                case=case, kind=_kind(row), due=row.due_on.isoformat())))


def overdue(actor: User) -> list[InboxItem]:
    """Overdue requests, in the inboxes of both the sending and the receiving institution."""
    institution = actor.institution_id
    rows = [row for row in _open_rows(or_(InformationRequest.to_institution_id == institution,
                                          InformationRequest.from_institution_id == institution),
                                      InformationRequest.due_on < japan_today())
            if state_of(row) == RequestState.OVERDUE]
    return _items(actor, rows, lambda row, case: (
        "requests.overdue", _("Overdue information request: case %(case)s (%(kind)s), was due %(due)s",
                              case=case, kind=_kind(row), due=row.due_on.isoformat())))


def answered(actor: User) -> list[InboxItem]:
    """Answers the actor's institution received in the last ANSWER_NEWS_DAYS days."""
    since = utcnow() - dt.timedelta(days=ANSWER_NEWS_DAYS)
    rows = list(db.session.scalars(select(InformationRequest).where(
        InformationRequest.from_institution_id == actor.institution_id,
        InformationRequest.state == RequestState.ANSWERED, InformationRequest.closed_at >= since)
        .order_by(InformationRequest.closed_at.desc())))
    return _items(actor, rows, lambda row, case: (
        "requests.answered", _("An information request was answered: case %(case)s (%(kind)s)",
                               case=case, kind=_kind(row))))


def _kind(row: InformationRequest) -> str:
    return str(RequestKind(row.kind).label)


def receivers(case: Case) -> list[tuple[int, str]]:
    """The member institutions a request about ``case`` may go to: its council's, but the lead."""
    return list(db.session.execute(select(Institution.id, Institution.name).where(
        Institution.council_id == case.council_id, Institution.id != case.lead_institution_id)
        .order_by(Institution.id)).all())
