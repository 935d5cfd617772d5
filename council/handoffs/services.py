"""Sending handoffs: a referral (つなぎ) or a transfer (移管) by the lead, its approval by a supervisor, its
cancellation by the sender. Deciding and ending them is in ``handoffs.decisions``; the rules of who may send what
on which legal basis in ``handoffs.rules``.

Each function owns its transaction: the handoff, the grants it makes or ends (``access.grants``) and the audit events
commit together or not at all. Audit reasons carry ids and codes only; what people wrote is sealed under the
case's key.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import current_app
from werkzeug.exceptions import NotFound

from council.access import grants
from council.access.models import CaseGrant, LegalBasis
from council.access.policy import Access, Action, authorize
from council.access.scopes import Scope
from council.audit.events import AuditTag, record
from council.auth.models import Institution, User
from council.cases.models import Case, Consent
from council.cases.vault import vault
from council.core.clock import utcnow
from council.core.editing import lock_for_edit
from council.core.i18n import gettext as _
from council.database import db
from council.handoffs import rules
from council.handoffs.errors import HandoffError, StaleHandoff
from council.handoffs.models import PENDING, Handoff, HandoffKind, HandoffState
from council.handoffs.states import is_expired


def respond_by(now: dt.datetime | None = None) -> dt.datetime:
    """When a handoff sent (or approved) now must be answered by (HANDOFF_RESPOND_DAYS)."""
    return (now or utcnow()) + dt.timedelta(days=int(current_app.config["HANDOFF_RESPOND_DAYS"]))


@dataclass
class HandoffInput:
    """What the lead chose on the form."""

    kind: HandoffKind
    receiver: Institution
    legal_basis: LegalBasis
    scope: Scope = Scope.SUMMARY
    receiver_user: User | None = None
    consent: Consent | None = None
    message: str = ""
    emergency_reason: str = ""
    #: The request (移管の申し出, つなぎの依頼) this handoff answers, if any.
    answers: Handoff | None = None


def send(*, actor: User, case: Case, access: Access, data: HandoffInput) -> Handoff:
    """Send a referral or a transfer of ``case`` (the caller's gate authorised MANAGE_SHARES). Commits; returns it.

    A transfer, and any handoff of a 要配慮 case, waits for a supervisor's approval — unless a supervisor sends it,
    which approves it. Otherwise the receiver may see at once what it is asked to take on: a ``request``-scope grant
    until ``respond_by``. Raises HandoffError when the rules refuse it (``handoffs.rules``)."""
    rules.check_send(actor=actor, case=case, data=data)
    needs_approval = data.kind == HandoffKind.TRANSFER or case.restricted
    handoff = Handoff(case_id=case.id, kind=data.kind.value, sender_institution_id=actor.institution_id,
                      sender_user_id=actor.id, receiver_institution_id=data.receiver.id,
                      receiver_user_id=data.receiver_user.id if data.receiver_user else None,
                      scope=Scope.FULL.value if data.kind == HandoffKind.TRANSFER else Scope(data.scope).value,
                      legal_basis=data.legal_basis.value, consent_id=data.consent.id if data.consent else None,
                      emergency=data.legal_basis == LegalBasis.EMERGENCY, respond_by=respond_by(),
                      needs_approval=needs_approval, state=HandoffState.AWAITING_APPROVAL.value,
                      answers_id=data.answers.id if data.answers else None, created_at=utcnow())
    db.session.add(handoff)
    db.session.flush()
    vault().seal(handoff, "message", data.message.strip(), access=access)
    vault().seal(handoff, "emergency_reason", data.emergency_reason.strip(), access=access)
    record(tag=AuditTag.HANDOFF_SENT, actor=actor, target=case, basis=access.basis, reason=describe(handoff))
    if not needs_approval or _may_approve(actor, case):
        if needs_approval:
            handoff.approved_by, handoff.approved_at = actor.id, utcnow()  # a supervisor's own: sending approves
            record(tag=AuditTag.HANDOFF_APPROVED, actor=actor, target=case, basis=access.basis,
                   reason=f"handoff {handoff.id}: approved by its sender")
        _open(actor, case, handoff)
    if data.answers is not None:
        _answer_request(actor, case, data.answers, handoff)
    db.session.commit()
    return handoff


def approve(*, actor: User, case: Case, handoff: Handoff, version) -> None:
    """A supervisor of the sending institution approves a transfer (or a 要配慮 case's referral): the receiver may
    now see and answer it, with a fresh period to answer. Commits. Raises HandoffError when the actor is not such a
    supervisor or the handoff does not await approval (expired included); StaleHandoff when it changed meanwhile."""
    if not _may_approve(actor, case) or actor.institution_id != handoff.sender_institution_id:
        raise HandoffError(_("Only a supervisor of the sending institution approves this."))
    if handoff.state != HandoffState.AWAITING_APPROVAL or is_expired(handoff):
        raise HandoffError(_("This handoff does not await approval."))
    lock_for_edit(handoff, version, stale=StaleHandoff)
    handoff.approved_by, handoff.approved_at, handoff.respond_by = actor.id, utcnow(), respond_by()
    record(tag=AuditTag.HANDOFF_APPROVED, actor=actor, target=case, reason=f"handoff {handoff.id}: {handoff.kind}")
    _open(actor, case, handoff)
    db.session.commit()


def cancel(*, actor: User, case: Case, access: Access, handoff: Handoff, version) -> None:
    """The sender takes back a handoff or request nobody has answered yet: the receiver keeps no access. Commits.
    Raises HandoffError for anyone but the sending institution's staff or a handoff no longer pending."""
    if actor.institution_id != handoff.sender_institution_id:
        raise HandoffError(_("Only the institution that sent it can cancel it."))
    if handoff.state not in PENDING or is_expired(handoff):
        raise HandoffError(_("Only a handoff still waiting for an answer can be cancelled."))
    lock_for_edit(handoff, version, stale=StaleHandoff)
    handoff.state, handoff.decided_by, handoff.decided_at = HandoffState.CANCELLED.value, actor.id, utcnow()
    end_pending(actor, handoff, reason="handoff_cancelled")
    record(tag=AuditTag.HANDOFF_CANCELLED, actor=actor, target=case, basis=access.basis,
           reason=f"handoff {handoff.id}: {handoff.kind}")
    db.session.commit()


# -- inside the transaction of the functions above and of handoffs.decisions -------------------------------------


def _may_approve(actor: User, case: Case) -> bool:
    """A supervisor of the lead institution (the role that may transfer: ``access.scopes``)."""
    try:
        authorize(actor, Action.TRANSFER, case)
    except NotFound:
        return False
    return True


def _open(actor: User, case: Case, handoff: Handoff) -> None:
    """The handoff now waits for its receiver, who may see what it is asked to take on until ``respond_by``: the
    summary and the message (a ``request`` grant). A request (移管の申し出 …) goes to the lead, which sees the case
    anyway: no grant."""
    handoff.state = HandoffState.REQUESTED.value
    if HandoffKind(handoff.kind).is_request:
        return
    row = grants.grant(actor=actor, case=case, scope=Scope.REQUEST, basis=f"{handoff.kind}:{handoff.id}",
                       **grant_terms(handoff), expires_at=handoff.respond_by)
    handoff.pending_grant_id = row.id


def grant_terms(handoff: Handoff) -> dict:
    """Legal basis, consent and recipient of a grant to the handoff's receiver."""
    consent = db.session.get(Consent, handoff.consent_id) if handoff.consent_id else None
    receiver = {"user": db.session.get(User, handoff.receiver_user_id)} if handoff.receiver_user_id else \
        {"institution": db.session.get(Institution, handoff.receiver_institution_id)}
    return {"legal_basis": handoff.legal_basis, "consent": consent, **receiver}


def end_pending(actor: User, handoff: Handoff, *, reason: str) -> None:
    """End the receiver's ``request`` grant if it is still in force (a decision, a cancellation): whatever happens
    next, being asked gives no lasting access."""
    row = db.session.get(CaseGrant, handoff.pending_grant_id) if handoff.pending_grant_id else None
    if row is not None and row.ended_at is None and (row.expires_at is None or row.expires_at > utcnow()):
        grants.end(actor=actor, grant=row, reason=reason)


def _answer_request(actor: User, case: Case, request: Handoff, answer: Handoff) -> None:
    """The lead made the referral or transfer a request asked for: the request is accepted by it."""
    lock_for_edit(request, request.version, stale=StaleHandoff)
    request.state, request.decided_by, request.decided_at = HandoffState.ACCEPTED.value, actor.id, utcnow()
    record(tag=AuditTag.HANDOFF_ACCEPTED, actor=actor, target=case,
           reason=f"handoff {request.id}: {request.kind} answered by handoff {answer.id}")


def describe(handoff: Handoff) -> str:
    """An audit reason for a handoff: ids and codes only (the case is the event's target)."""
    to = f"institution {handoff.receiver_institution_id}"
    if handoff.receiver_user_id:
        to += f" user {handoff.receiver_user_id}"
    legal = f"{handoff.legal_basis} {handoff.consent_id}" if handoff.consent_id else handoff.legal_basis or "-"
    flags = " emergency" if handoff.emergency else ""
    flags += " needs_approval" if handoff.needs_approval else ""
    return f"handoff {handoff.id}: {handoff.kind} to {to}; scope {handoff.scope or '-'}; {legal}{flags}"
