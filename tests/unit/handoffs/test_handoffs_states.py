"""The states a handoff shows that are never stored: 期限切れ past ``respond_by`` and 終了 by a consent's withdrawal."""

from __future__ import annotations

import datetime as dt

import pytest

from council.access.grants import CONSENT_WITHDRAWN
from council.access.models import CaseGrant
from council.handoffs.models import Handoff, HandoffKind, HandoffState
from council.handoffs.states import effective_state, is_expired

NOW = dt.datetime(2026, 11, 30, 23, 30, tzinfo=dt.UTC)


def handoff(state: HandoffState, *, due_in: dt.timedelta = dt.timedelta(days=1)) -> Handoff:
    return Handoff(kind=HandoffKind.REFERRAL.value, state=state.value, respond_by=NOW + due_in)


@pytest.mark.parametrize("state", [HandoffState.REQUESTED, HandoffState.AWAITING_APPROVAL])
def test_a_pending_handoff_expires_exactly_at_its_due_time(state):
    assert effective_state(handoff(state), now=NOW) == state
    due = handoff(state, due_in=dt.timedelta(0))
    assert is_expired(due, NOW) and effective_state(due, now=NOW) == HandoffState.EXPIRED
    assert effective_state(due, now=NOW - dt.timedelta(seconds=1)) == state


@pytest.mark.parametrize("state", [HandoffState.ACCEPTED, HandoffState.DECLINED, HandoffState.CANCELLED,
                                   HandoffState.ENDED])
def test_a_decided_handoff_never_expires(state):
    assert effective_state(handoff(state, due_in=-dt.timedelta(days=30)), now=NOW) == state


def test_an_accepted_share_ended_by_the_consents_withdrawal_reads_as_ended():
    ended = CaseGrant(ended_at=NOW, end_reason=CONSENT_WITHDRAWN)
    revoked = CaseGrant(ended_at=NOW, end_reason="handoff_ended")
    accepted = handoff(HandoffState.ACCEPTED)
    assert effective_state(accepted, grant=ended, now=NOW) == HandoffState.ENDED
    assert effective_state(accepted, grant=revoked, now=NOW) == HandoffState.ACCEPTED  # stored state says ended
    assert effective_state(handoff(HandoffState.REQUESTED), pending_grant=ended, now=NOW) == HandoffState.ENDED


def test_requests_are_the_kinds_that_share_nothing():
    assert {k for k in HandoffKind if k.is_request} == {HandoffKind.TRANSFER_REQUEST, HandoffKind.REFERRAL_REQUEST}
