"""Information requests (情報提供依頼, Act Art. 16): sending, answering, declining and cancelling them.

Every change is one transaction with its audit event (``case:request:*``); each refusal raises RequestError before
anything is written, or rolls back what was. What a request shares is always a grant (``access.grants``):

- A request **to a member institution** (from the case page, by the lead institution) grants that institution the
  case in scope ``request`` (the question and the summary), basis ``request:<id>``, until the end of its due date
  in Japan plus GRACE_DAYS. Answering, declining or cancelling ends the grant at once: the receiver's part is done
  and nothing it did not need stays open. A request past its due date is shown as overdue (期限超過) and may still
  be answered during the grace — a late answer helps the person more than none — then expires (期限切れ) by itself:
  its grant lapses in SQL, with no sweeper.
- A question **to a case's holder** (from a duplicate-check hit, by a worker who cannot see the case) grants
  nothing while it is open. If the holder answers, the asker's institution is granted scope ``request`` on the same
  basis — the question, its answer and the summary — for ANSWER_READABLE_DAYS, on the legal basis the holder
  states; if the holder declines, the asker learns nothing but that.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from council.access import grants
from council.access.models import CaseGrant, LegalBasis
from council.access.permissions import Role
from council.access.policy import Access
from council.access.reads import asking
from council.access.scopes import Scope
from council.audit.events import AuditTag, record
from council.auth.models import Institution, User
from council.cases.models import Case, Consent, RecordKind, SupportRecord
from council.cases.records import new_record, require_open
from council.cases.vault import vault
from council.core.clock import day_bounds, japan_today, utcnow
from council.core.db import lock_for_update
from council.core.i18n import gettext as _
from council.database import db
from council.handoffs.requests.models import InformationRequest, RequestKind, RequestOrigin, RequestState
from council.handoffs.requests.states import RequestError, answerable_until, check_due_on, state_of

#: Days the asker of a case's holder reads the holder's answer (and the case's summary) after it was given.
ANSWER_READABLE_DAYS = 30
#: Longest question, answer or reason.
LONGEST_TEXT = 5000
#: The end reasons of the receiver's grant (codes, never about the person).
ENDED = {RequestState.ANSWERED: "request_answered", RequestState.DECLINED: "request_declined",
         RequestState.CANCELLED: "request_cancelled"}


@dataclass(frozen=True)
class LegalChoice:
    """The legal basis a sender (or a holder answering) states for a share: 本人同意 with the consent's id,
    協議会内の情報共有, or 緊急 with a written reason."""

    legal_basis: str
    consent_id: int | None = None
    emergency_reason: str = ""


# -- sending ---------------------------------------------------------------------------------------------------


def send(*, actor: User, case: Case, access: Access, to_institution_id: int, kind: str, question: str,
         due_on: dt.date | None, legal: LegalChoice) -> InformationRequest:
    """Ask a member institution of the case's council about ``case`` (the caller's gate authorised sharing it):
    seal the question, grant the receiver scope ``request`` until the request expires, record the event. Commits.

    Raises RequestError (or GrantRefused) for a closed case; a restricted (要配慮) case sent by anyone but a
    supervisor; an unknown receiver, another council's, or the lead itself; a request to that institution still
    open; an empty or too long question; a due date in the past; a legal basis that does not hold (a consent not
    in force or not naming the receiver, an unregistered case for 協議会内の情報共有, 緊急 without a reason)."""
    require_open(case)
    if case.restricted and Role(actor.role) != Role.SUPERVISOR:
        raise RequestError(_("This case is restricted (要配慮): only a supervisor of its institution shares it."))
    receiver = db.session.get(Institution, to_institution_id)
    if receiver is None or receiver.council_id != case.council_id or receiver.id == case.lead_institution_id:
        raise RequestError(_("Choose another member institution of the council."))
    if _open_request(case, receiver.id) is not None:
        raise RequestError(_("A request to %(institution)s about this case is still open: wait for its answer "
                             "or cancel it first.", institution=receiver.name))
    question, kind = _text(question, _("Write what you ask.")), RequestKind(kind)
    check_due_on(due_on)
    consent = _check_legal(case, legal)
    row = InformationRequest(case_id=case.id, kind=kind.value, origin=RequestOrigin.CASE.value,
                             from_institution_id=case.lead_institution_id, to_institution_id=receiver.id,
                             sent_by=actor.id, sent_at=utcnow(), due_on=due_on, state=RequestState.SENT.value,
                             legal_basis=legal.legal_basis, consent_id=consent.id if consent else None)
    with _all_or_nothing():
        db.session.add(row)
        db.session.flush()
        vault().seal(row, "question", question, access=access)
        vault().seal(row, "emergency_reason", legal.emergency_reason.strip(), access=access)
        row.grant_id = grants.grant(actor=actor, case=case, scope=Scope.REQUEST, basis=_basis(row),
                                    legal_basis=legal.legal_basis, consent=consent, institution=receiver,
                                    expires_at=answerable_until(due_on)).id
        record(tag=AuditTag.REQUEST_SENT, actor=actor, target=row, case=case, basis=access.basis,
               reason=_describe(row))
    db.session.commit()
    return row


def ask_holder(*, actor: User, case: Case, kind: str, question: str, due_on: dt.date | None) -> InformationRequest:
    """Ask the institution holding ``case`` about it, for a worker the duplicate check showed it to (the caller
    checked the hit) and who cannot see it: the question is sealed under the case's key and nothing is granted
    until the holder answers. Commits.

    Raises RequestError when the worker's own institution holds the case, the case is of another council or
    purged, a question to that holder about it is still open, or for the question and due date as ``send``."""
    if case.purged_at is not None or case.council_id != actor.council_id:
        raise RequestError(_("This case can no longer be asked about."))
    if case.lead_institution_id == actor.institution_id:
        raise RequestError(_("Your own institution holds this case: open it from the case list."))
    question, kind = _text(question, _("Write what you ask.")), RequestKind(kind)
    check_due_on(due_on)
    if _open_request(case, case.lead_institution_id, asker=actor.institution_id) is not None:
        raise RequestError(_("Your institution's question about this case is still open: wait for its answer."))
    row = InformationRequest(case_id=case.id, kind=kind.value, origin=RequestOrigin.DUPLICATE_CHECK.value,
                             from_institution_id=actor.institution_id, to_institution_id=case.lead_institution_id,
                             sent_by=actor.id, sent_at=utcnow(), due_on=due_on, state=RequestState.SENT.value)
    with _all_or_nothing():
        db.session.add(row)
        db.session.flush()
        vault().seal(row, "question", question, access=asking(case, row.id))
        record(tag=AuditTag.REQUEST_SENT, actor=actor, target=row, case=case, basis=RequestOrigin.DUPLICATE_CHECK,
               reason=_describe(row))
    db.session.commit()
    return row


# -- answering, declining, cancelling ------------------------------------------------------------------------------


def answer(*, actor: User, case: Case, access: Access, row: InformationRequest, text: str,
           legal: LegalChoice | None = None) -> SupportRecord:
    """Answer ``row`` for the institution it was sent to: seal the answer, write it on the case as a support record
    of the answering institution (kind 情報提供), end the receiver's grant — or, for a question from a
    duplicate-check hit, grant the asker's institution the answer on ``legal``. Commits; returns the record.

    Raises RequestError when the request was not sent to the actor's institution, is no longer open, the case is
    closed, the text is empty, or (a question to the holder) the legal basis does not hold or a restricted case is
    answered by anyone but a supervisor."""
    text = _text(text, _("Write your answer."))
    require_open(case)
    with _all_or_nothing():
        _lock_open(row, actor, receiving=True)
        vault().seal(row, "answer", text, access=access)
        written = new_record(case, actor=actor, access=access, occurred_at=utcnow(),
                             kind=RecordKind.INFORMATION_ANSWER, body=text)
        row.answer_record_id = written.id
        if row.origin == RequestOrigin.DUPLICATE_CHECK:
            _share_answer(actor=actor, case=case, access=access, row=row, legal=legal)
        _close(actor=actor, case=case, row=row, state=RequestState.ANSWERED)
        record(tag=AuditTag.RECORD_CREATED, actor=actor, target=written, case=case, basis=access.basis,
               reason=f"request {row.id}")
        shared = f"; grant {row.grant_id}" if row.origin == RequestOrigin.DUPLICATE_CHECK else ""
        record(tag=AuditTag.REQUEST_ANSWERED, actor=actor, target=row, case=case, basis=access.basis,
               reason=f"request {row.id}: record {written.id}{shared}")
    db.session.commit()
    return written


def decline(*, actor: User, case: Case, access: Access, row: InformationRequest, reason: str) -> None:
    """Decline ``row`` for the institution it was sent to, with a reason (sealed: only the case's readers open it);
    the receiver's grant ends. Commits. Raises RequestError when the request was not sent to the actor's
    institution, is no longer open, or the reason is empty."""
    reason = _text(reason, _("Say why you decline."))
    with _all_or_nothing():
        _lock_open(row, actor, receiving=True)
        vault().seal(row, "decline_reason", reason, access=access)
        _close(actor=actor, case=case, row=row, state=RequestState.DECLINED)
        record(tag=AuditTag.REQUEST_DECLINED, actor=actor, target=row, case=case, basis=access.basis,
               reason=f"request {row.id}")
    db.session.commit()


def cancel(*, actor: User, row: InformationRequest, basis: str) -> None:
    """Withdraw ``row`` for the institution that sent it; the receiver's grant ends. Reads and writes nothing
    sealed. Commits. The caller checked that the actor may, and says on what ``basis`` (their reach of the case, or
    ``duplicate_check`` for the asker of a case's holder). Raises RequestError when the request is no longer open."""
    case = db.session.get(Case, row.case_id)
    with _all_or_nothing():
        _lock_open(row, actor, receiving=False)
        _close(actor=actor, case=case, row=row, state=RequestState.CANCELLED)
        record(tag=AuditTag.REQUEST_CANCELLED, actor=actor, target=row, case=case, basis=basis,
               reason=f"request {row.id}")
    db.session.commit()


def cancel_for_lead_change(*, actor: User, case: Case, former_id: int, reason: str, basis: str) -> None:
    """Cancel every request the former lead (``former_id``) sent about ``case`` that is still open, ending its
    receiver's grant, with one event each — inside the caller's transaction (a transfer's acceptance). Asking for
    the case is the lead's: the new lead did not send these and could not take them back."""
    rows = db.session.scalars(select(InformationRequest).where(
        InformationRequest.case_id == case.id, InformationRequest.origin == RequestOrigin.CASE,
        InformationRequest.from_institution_id == former_id, InformationRequest.state == RequestState.SENT)
        .order_by(InformationRequest.id))
    for row in rows:
        if not state_of(row).is_open:
            continue  # expired: its grant lapsed with it
        lock_for_update(db.session, row)
        row.state, row.closed_at, row.closed_by = RequestState.CANCELLED.value, utcnow(), actor.id
        held = db.session.get(CaseGrant, row.grant_id) if row.grant_id is not None else None
        if held is not None and held.ended_at is None:
            grants.end(actor=actor, grant=held, reason=reason)
        record(tag=AuditTag.REQUEST_CANCELLED, actor=actor, target=row, case=case, basis=basis,
               reason=f"request {row.id}: {reason}")


# -- the parts -----------------------------------------------------------------------------------------------------


class _all_or_nothing:
    """Roll back whatever a refused change wrote so far (the view then renders, and a read commits)."""

    def __enter__(self):
        return self

    def __exit__(self, kind, error, traceback):
        if error is not None:
            db.session.rollback()
        return False


def _basis(row: InformationRequest) -> str:
    return f"request:{row.id}"


def _text(value: str | None, empty: str) -> str:
    value = (value or "").strip()
    if not value:
        raise RequestError(empty)
    if len(value) > LONGEST_TEXT:
        raise RequestError(_("Write at most %(n)d characters.", n=LONGEST_TEXT))
    return value


def _open_request(case: Case, to_institution_id: int, *, asker: int | None = None) -> InformationRequest | None:
    """The request about ``case`` to that institution (from ``asker``) that is still open, if any."""
    query = select(InformationRequest).where(InformationRequest.case_id == case.id,
                                             InformationRequest.to_institution_id == to_institution_id,
                                             InformationRequest.state == RequestState.SENT)
    if asker is not None:
        query = query.where(InformationRequest.from_institution_id == asker)
    return next((row for row in db.session.scalars(query) if state_of(row).is_open), None)


def _check_legal(case: Case, legal: LegalChoice | None) -> Consent | None:
    """The consent a share on ``legal`` rests on (None for the other legal bases), once the basis holds for
    ``case``; whether the consent names the receiver is checked by ``access.grants``."""
    if legal is None or legal.legal_basis not in set(LegalBasis):
        raise RequestError(_("Choose the legal basis of the share."))
    basis = LegalBasis(legal.legal_basis)
    if basis == LegalBasis.COUNCIL_SHARING and case.council_case_at is None:
        raise RequestError(_("Sharing within the council (協議会内の情報共有) needs a registered council case "
                             "(協議会ケース); this case is not registered."))
    if basis == LegalBasis.EMERGENCY and not legal.emergency_reason.strip():
        raise RequestError(_("Write why life or body is at risk (緊急)."))
    if basis != LegalBasis.CONSENT:
        return None
    consent = db.session.get(Consent, legal.consent_id) if legal.consent_id else None
    if consent is None or consent.case_id != case.id:
        raise RequestError(_("Choose the consent the share rests on."))
    return consent


def _lock_open(row: InformationRequest, actor: User, *, receiving: bool) -> None:
    """Lock the request (of two people acting on it at once, the second is told) and check it is open and the
    actor's institution is its receiver (``receiving``) or its sender."""
    lock_for_update(db.session, row)
    party = row.to_institution_id if receiving else row.from_institution_id
    if party != actor.institution_id:
        raise RequestError(_("This request was not sent to your institution.") if receiving
                           else _("Only the institution that sent this request cancels it."))
    if not state_of(row).is_open:
        raise RequestError(_("This request is %(state)s: it can no longer be changed.", state=state_of(row).label))


def _close(*, actor: User, case: Case, row: InformationRequest, state: RequestState) -> None:
    """Set the final state; end the receiver's grant (a question to the holder has none: its grant is the
    asker's answer, made just now)."""
    row.state, row.closed_at, row.closed_by = state.value, utcnow(), actor.id
    if row.origin == RequestOrigin.CASE and row.grant_id is not None:
        held = db.session.get(CaseGrant, row.grant_id)
        if held.ended_at is None:
            grants.end(actor=actor, grant=held, reason=ENDED[state])


def _share_answer(*, actor: User, case: Case, access: Access, row: InformationRequest,
                  legal: LegalChoice | None) -> None:
    """Grant the asker's institution the answer to its question, on the holder's legal basis."""
    if case.restricted and Role(actor.role) != Role.SUPERVISOR:
        raise RequestError(_("This case is restricted (要配慮): only a supervisor of its institution shares it."))
    consent = _check_legal(case, legal)
    row.legal_basis, row.consent_id = legal.legal_basis, consent.id if consent else None
    vault().seal(row, "emergency_reason", legal.emergency_reason.strip(), access=access)
    until = day_bounds(japan_today() + dt.timedelta(days=ANSWER_READABLE_DAYS))[1]
    row.grant_id = grants.grant(actor=actor, case=case, scope=Scope.REQUEST, basis=_basis(row),
                                legal_basis=legal.legal_basis, consent=consent,
                                institution=db.session.get(Institution, row.from_institution_id),
                                expires_at=until).id


def _describe(row: InformationRequest) -> str:
    """The event's reason: ids and codes only."""
    legal = f"; {row.legal_basis}" + (f" {row.consent_id}" if row.consent_id else "") if row.legal_basis else ""
    return (f"request {row.id}: {row.kind} from institution {row.from_institution_id} to institution "
            f"{row.to_institution_id}; {row.origin}; due {row.due_on.isoformat()}{legal}")
