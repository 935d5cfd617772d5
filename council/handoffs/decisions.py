"""Answering handoffs: the receiver accepts or declines, either side ends an accepted share, and anyone who may
asks the lead for a handoff (移管の申し出, つなぎの依頼). Each function owns its transaction, as in
``handoffs.services``.
"""

from __future__ import annotations

import datetime as dt

from flask import current_app
from sqlalchemy import select
from werkzeug.exceptions import NotFound

from council.access import grants
from council.access.models import CaseGrant
from council.access.permissions import Role
from council.access.policy import Access, Action, authorize
from council.access.scopes import Scope
from council.audit.events import AuditTag, record
from council.auth.models import Institution, User
from council.cases.lifecycle import change_lead
from council.cases.models import Case
from council.cases.vault import vault
from council.core.clock import utcnow
from council.core.db import lock_for_update
from council.core.editing import lock_for_edit
from council.core.i18n import gettext as _
from council.database import db
from council.handoffs import rules
from council.handoffs.errors import HandoffError, StaleHandoff
from council.handoffs.models import PENDING, Handoff, HandoffKind, HandoffState
from council.handoffs.requests.services import cancel_for_lead_change
from council.handoffs.services import end_pending, grant_terms, respond_by
from council.handoffs.states import effective_state, is_expired


def is_receiver(actor: User, handoff: Handoff) -> bool:
    """Whether ``actor`` answers ``handoff``: staff of the receiving institution (the named worker, if one is
    named). A request is answered by the lead, through ``may_answer_request``."""
    if Role(actor.role) not in rules.STAFF or actor.institution_id != handoff.receiver_institution_id:
        return False
    return handoff.receiver_user_id in (None, actor.id)


def may_end(actor: User, handoff: Handoff, *, lead: bool) -> bool:
    """Whether ``actor`` may end ``handoff``'s accepted share (its services check the rest): the lead institution's
    staff, or a party to it — for a share made to one named worker, that worker alone, not their colleagues."""
    if Role(actor.role) not in rules.STAFF:
        return False
    if lead:
        return True
    if handoff.receiver_user_id is not None:
        return actor.id == handoff.receiver_user_id
    return actor.institution_id in (handoff.sender_institution_id, handoff.receiver_institution_id)


def may_answer_request(actor: User, case: Case) -> bool:
    """The lead's staff who may share and hand the case on (MANAGE_SHARES) answer requests for it."""
    try:
        authorize(actor, Action.MANAGE_SHARES, case)
    except NotFound:
        return False
    return True


def _waiting(handoff: Handoff) -> None:
    if handoff.state != HandoffState.REQUESTED or is_expired(handoff):
        raise HandoffError(_("This handoff is no longer waiting for an answer."))


def accept(*, actor: User, case: Case, handoff: Handoff, version) -> None:
    """The receiver accepts a referral (its institution, or the named worker, gets the chosen scope) or a transfer
    (its institution becomes the lead, the accepting worker is assigned, and the former lead keeps reading for
    TRANSFER_CLOSE_OUT_DAYS). The pending view ends either way. Commits.

    A transfer also takes back what the former lead left open (``_drop_former_leads_open``): sharing is the
    lead's, and a referral or request the new lead did not send and cannot cancel must not outlive the transfer.

    The pending view (the receiver's ``request`` grant on the handoff's basis) ends last, once the acceptance is
    recorded: every event the receiver's acceptance records — the lead's change, what the former lead left open,
    the acceptance itself — rests on a grant they hold at that moment, as the auditor's "basis no longer held" rule
    asks (``audit.reviews.anomalies.lapsed_basis``). Ended first, the lead's change would carry a basis that had
    just ended.

    Raises HandoffError for anyone but the receiver, a handoff no longer waiting, one whose sender no longer leads
    the case, or a share the law no longer allows (a consent withdrawn meanwhile: ``access.grants`` refuses it)."""
    if HandoffKind(handoff.kind).is_request or not is_receiver(actor, handoff):
        raise HandoffError(_("Only the receiving institution accepts this."))
    _waiting(handoff)
    if handoff.sender_institution_id != case.lead_institution_id:
        raise HandoffError(_("The institution that sent this no longer leads the case: it can no longer be "
                             "accepted."))
    lock_for_edit(handoff, version, stale=StaleHandoff)
    basis = f"{handoff.kind}:{handoff.id}"
    if handoff.kind == HandoffKind.REFERRAL:
        row = grants.grant(actor=actor, case=case, scope=handoff.scope, basis=basis, **grant_terms(handoff))
    else:
        former = db.session.get(Institution, handoff.sender_institution_id)
        change_lead(actor=actor, case=case, institution=actor.institution, basis=basis, assigned=[actor])
        _drop_former_leads_open(actor, case, former_id=former.id, transfer=handoff)
        now = utcnow()
        row = grants.grant(actor=actor, case=case, scope=Scope.READ, basis=basis, legal_basis=handoff.legal_basis,
                           institution=former, starts_at=now, expires_at=now + close_out())
    handoff.grant_id = row.id
    handoff.state, handoff.decided_by, handoff.decided_at = HandoffState.ACCEPTED.value, actor.id, utcnow()
    record(tag=AuditTag.HANDOFF_ACCEPTED, actor=actor, target=case, basis=basis,
           reason=f"handoff {handoff.id}: {handoff.kind}; grant {row.id}")
    end_pending(actor, handoff, reason="handoff_accepted")
    db.session.commit()


#: Why a handoff, request or pending grant of the former lead ended with a transfer (a code, in audit reasons).
LEAD_CHANGED = "lead_changed"


def _drop_former_leads_open(actor: User, case: Case, *, former_id: int, transfer: Handoff) -> None:
    """Cancel every referral or transfer the former lead sent that still waits (approval or an answer), ending the
    receiver's pending view, and every information request it sent that is still open, ending its grant — each
    with its events, in the transfer's transaction. Shares already accepted stay: the new lead sees them on the
    case and may end them."""
    waiting = db.session.scalars(select(Handoff).where(
        Handoff.case_id == case.id, Handoff.sender_institution_id == former_id, Handoff.id != transfer.id,
        Handoff.kind.in_([HandoffKind.REFERRAL.value, HandoffKind.TRANSFER.value]),
        Handoff.state.in_([state.value for state in PENDING])).order_by(Handoff.id))
    for other in waiting:
        if is_expired(other):
            continue  # its pending view lapsed with it; the history keeps saying 期限切れ
        lock_for_update(db.session, other)  # the stored version, read under the lock: nobody's form is stale here
        lock_for_edit(other, other.version)
        other.state, other.decided_by, other.decided_at = HandoffState.CANCELLED.value, actor.id, utcnow()
        end_pending(actor, other, reason=LEAD_CHANGED)
        record(tag=AuditTag.HANDOFF_CANCELLED, actor=actor, target=case, basis=f"{transfer.kind}:{transfer.id}",
               reason=f"handoff {other.id}: {other.kind}; {LEAD_CHANGED} by handoff {transfer.id}")
    cancel_for_lead_change(actor=actor, case=case, former_id=former_id, reason=LEAD_CHANGED,
                           basis=f"{transfer.kind}:{transfer.id}")


def close_out() -> dt.timedelta:
    """How long a transfer's former lead keeps reading the case (TRANSFER_CLOSE_OUT_DAYS)."""
    return dt.timedelta(days=int(current_app.config["TRANSFER_CLOSE_OUT_DAYS"]))


def decline(*, actor: User, case: Case, access: Access, handoff: Handoff, reason: str, version) -> None:
    """The receiver declines a handoff, or the lead declines a request, with a reason (sealed under the case's key).
    The pending view ends: a declined referral leaves no access. Commits. Raises HandoffError for anyone else, a
    handoff no longer waiting, or no reason."""
    allowed = may_answer_request(actor, case) if HandoffKind(handoff.kind).is_request else is_receiver(actor, handoff)
    if not allowed:
        raise HandoffError(_("Only the receiving institution answers this."))
    _waiting(handoff)
    reason = rules.check_text(reason, required=True, what=_("why you decline"))
    lock_for_edit(handoff, version, stale=StaleHandoff)
    end_pending(actor, handoff, reason="handoff_declined")
    vault().seal(handoff, "decline_reason", reason, access=access)
    handoff.state, handoff.decided_by, handoff.decided_at = HandoffState.DECLINED.value, actor.id, utcnow()
    record(tag=AuditTag.HANDOFF_DECLINED, actor=actor, target=case, basis=access.basis,
           reason=f"handoff {handoff.id}: {handoff.kind}")
    db.session.commit()


def end_share(*, actor: User, case: Case, access: Access, handoff: Handoff, reason: str, version) -> None:
    """Either side ends an accepted share before its time, with a reason (sealed): the receiver, the lead
    institution, or for a transfer the former lead ending its own close-out. Commits. Raises HandoffError for
    anyone else, a share not in force, or no reason."""
    row = db.session.get(CaseGrant, handoff.grant_id) if handoff.grant_id else None
    if not may_end(actor, handoff, lead=actor.institution_id == case.lead_institution_id):
        raise HandoffError(_("Only the institutions that share it end it."))
    live = row is not None and row.ended_at is None and (row.expires_at is None or row.expires_at > utcnow())
    if effective_state(handoff, grant=row) != HandoffState.ACCEPTED or not live:
        raise HandoffError(_("This share has already ended."))
    reason = rules.check_text(reason, required=True, what=_("why the share ends"))
    lock_for_edit(handoff, version, stale=StaleHandoff)
    grants.end(actor=actor, grant=row, reason="handoff_ended")
    vault().seal(handoff, "end_reason", reason, access=access)
    handoff.state, handoff.ended_by, handoff.ended_at = HandoffState.ENDED.value, actor.id, utcnow()
    record(tag=AuditTag.HANDOFF_ENDED, actor=actor, target=case, basis=access.basis,
           reason=f"handoff {handoff.id}: {handoff.kind}; grant {row.id}")
    db.session.commit()


def ask_transfer(*, actor: User, case: Case, access: Access, message: str) -> Handoff:
    """移管の申し出: someone who works on the case in full (e.g. a referral's receiver) asks the lead to hand it
    over, saying why (sealed). The lead answers it from its inbox. Commits; returns it. Raises HandoffError."""
    rules.check_request(actor=actor, case=case, kind=HandoffKind.TRANSFER_REQUEST)
    message = rules.check_text(message, required=True, what=_("why your institution should lead the case"))
    handoff = _request(actor, case, HandoffKind.TRANSFER_REQUEST)
    vault().seal(handoff, "message", message, access=access)
    record(tag=AuditTag.HANDOFF_SENT, actor=actor, target=case, basis=access.basis,
           reason=f"handoff {handoff.id}: {handoff.kind} to institution {handoff.receiver_institution_id}")
    db.session.commit()
    return handoff


def ask_referral(*, actor: User, case: Case) -> Handoff:
    """つなぎの依頼: an institution the duplicate check told of the case (it cannot see it) asks the lead to share it.
    It carries no text: the asker holds no key to the case, and the lead answers by a referral (whose message the
    asker then reads) or declines. Commits; returns it. Raises HandoffError."""
    rules.check_request(actor=actor, case=case, kind=HandoffKind.REFERRAL_REQUEST)
    handoff = _request(actor, case, HandoffKind.REFERRAL_REQUEST)
    record(tag=AuditTag.HANDOFF_SENT, actor=actor, target=case, basis="duplicate_check",
           reason=f"handoff {handoff.id}: {handoff.kind} to institution {handoff.receiver_institution_id}")
    db.session.commit()
    return handoff


def _request(actor: User, case: Case, kind: HandoffKind) -> Handoff:
    handoff = Handoff(case_id=case.id, kind=kind.value, state=HandoffState.REQUESTED.value,
                      sender_institution_id=actor.institution_id, sender_user_id=actor.id,
                      receiver_institution_id=case.lead_institution_id, respond_by=respond_by(), created_at=utcnow())
    db.session.add(handoff)
    db.session.flush()
    return handoff
