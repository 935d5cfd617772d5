"""Due dates and states of information requests are Japan dates: at the suite's 23:30 UTC it is already tomorrow
in Japan, and a request due "today" must be today in Japan."""

from __future__ import annotations

import datetime as dt

import pytest

from council.core import clock
from council.handoffs.requests.models import InformationRequest, RequestState
from council.handoffs.requests.states import (
    DEFAULT_DUE_DAYS,
    GRACE_DAYS,
    RequestError,
    answerable_until,
    check_due_on,
    default_due_on,
    state_of,
)


def request(state: str = "sent", due_on: dt.date | None = None) -> InformationRequest:
    return InformationRequest(state=state, due_on=due_on or clock.japan_today())


def test_the_suite_runs_where_utc_and_japan_disagree_about_today():
    assert clock.japan_today() == clock.utcnow().date() + dt.timedelta(days=1)


def test_the_default_due_date_counts_from_today_in_japan():
    assert default_due_on() == clock.japan_today() + dt.timedelta(days=DEFAULT_DUE_DAYS)


def test_today_in_japan_is_a_valid_due_date_yesterday_in_japan_is_not():
    check_due_on(clock.japan_today())
    with pytest.raises(RequestError, match="has passed"):
        check_due_on(clock.utcnow().date())  # UTC's today is yesterday in Japan
    with pytest.raises(RequestError):
        check_due_on(None)
    with pytest.raises(RequestError, match="within"):
        check_due_on(clock.japan_today() + dt.timedelta(days=365))


def test_a_sent_request_is_overdue_the_day_after_its_due_date_then_expires_after_the_grace():
    today = clock.japan_today()
    assert state_of(request(due_on=today)) == RequestState.SENT
    assert state_of(request(due_on=today - dt.timedelta(days=1))) == RequestState.OVERDUE
    assert state_of(request(due_on=today - dt.timedelta(days=GRACE_DAYS))) == RequestState.OVERDUE
    assert state_of(request(due_on=today - dt.timedelta(days=GRACE_DAYS + 1))) == RequestState.EXPIRED
    assert state_of(request(due_on=today - dt.timedelta(days=1)), today=today - dt.timedelta(days=1)) == \
        RequestState.SENT


@pytest.mark.parametrize("stored", ["answered", "declined", "cancelled"])
def test_a_closed_request_keeps_its_state_whatever_the_date(stored):
    row = request(stored, due_on=clock.japan_today() - dt.timedelta(days=100))
    assert state_of(row) == RequestState(stored) and not state_of(row).is_open


def test_only_sent_and_overdue_requests_are_open():
    assert {state for state in RequestState if state.is_open} == {RequestState.SENT, RequestState.OVERDUE}


def test_the_receivers_share_lapses_at_the_end_of_the_graces_last_day_in_japan():
    due = dt.date(2026, 12, 1)
    ends = answerable_until(due)
    assert ends == dt.datetime(2026, 12, 1 + GRACE_DAYS, 15, 0, tzinfo=dt.UTC)  # midnight in Japan
    assert clock.japan_date(ends - dt.timedelta(seconds=1)) == due + dt.timedelta(days=GRACE_DAYS)
