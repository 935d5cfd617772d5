"""A handoff's state as its parties see it now. Two states are never stored but derived, so that they hold on time
with no sweeper: 期限切れ (still pending when ``respond_by`` passed — its pending grant lapsed at the same instant)
and 終了 by a consent's withdrawal (``access.grants.end_for_consent`` ended the grant the handoff made)."""

from __future__ import annotations

import datetime as dt

from council.access.grants import CONSENT_WITHDRAWN
from council.access.models import CaseGrant
from council.core.clock import utcnow
from council.handoffs.models import PENDING, Handoff, HandoffState


def is_expired(handoff: Handoff, now: dt.datetime | None = None) -> bool:
    """Still waiting for someone when its time to answer ran out."""
    return handoff.state in PENDING and handoff.respond_by <= (now or utcnow())


def consent_withdrawn(grant: CaseGrant | None) -> bool:
    """The grant the handoff made was ended by the withdrawal of the consent it rested on."""
    return grant is not None and grant.ended_at is not None and grant.end_reason == CONSENT_WITHDRAWN


def effective_state(handoff: Handoff, *, grant: CaseGrant | None = None, pending_grant: CaseGrant | None = None,
                    now: dt.datetime | None = None) -> HandoffState:
    """The state to show: the stored one, but expired past ``respond_by`` and ended once a consent's withdrawal
    ended the share (or the pending view) the handoff rests on."""
    if is_expired(handoff, now):
        return HandoffState.EXPIRED
    state = HandoffState(handoff.state)
    if state == HandoffState.ACCEPTED and consent_withdrawn(grant):
        return HandoffState.ENDED
    if state == HandoffState.REQUESTED and consent_withdrawn(pending_grant):
        return HandoffState.ENDED
    return state
