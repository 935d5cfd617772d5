"""The PPC deadlines of an incident, counted in Japan dates: the 速報's guidance window, the 確報's 30 or 60 days past
closed days, and how each stands today in Japan (the suite's clock is at 23:30 UTC, Japan's next morning)."""

from __future__ import annotations

import datetime as dt

import pytest

from council.core.clock import JAPAN, japan_today, moved_to
from council.incidents.deadlines import Urgency, deadlines, final_due, is_closed_day
from council.incidents.models import Incident, IncidentState


@pytest.mark.parametrize(("day", "closed"), [
    (dt.date(2026, 12, 5), True),    # Saturday
    (dt.date(2026, 12, 6), True),    # Sunday
    (dt.date(2026, 11, 23), True),   # 勤労感謝の日 (Monday)
    (dt.date(2026, 12, 29), True),   # year-end closing
    (dt.date(2027, 1, 4), False),    # first working day of the year
    (dt.date(2026, 12, 7), False),   # an ordinary Monday
])
def test_closed_days_are_weekends_holidays_and_the_year_end(day, closed):
    assert is_closed_day(day) is closed


def test_the_final_report_is_due_on_the_30th_day_after_the_day_known():
    # Known on Monday 2026-06-01: the 30th day after is Wednesday 2026-07-01, a working day.
    assert final_due(dt.date(2026, 6, 1), malicious=False) == dt.date(2026, 7, 1)


def test_a_wrongful_purpose_gives_60_days():
    # 2026-06-01 + 60 days = Friday 2026-07-31.
    assert final_due(dt.date(2026, 6, 1), malicious=True) == dt.date(2026, 7, 31)


def test_a_due_date_on_a_closed_day_moves_to_the_next_working_day():
    # 2026-11-30 + 30 = 2026-12-30 (year-end): due Monday 2027-01-04.
    assert final_due(dt.date(2026, 11, 30), malicious=False) == dt.date(2027, 1, 4)
    # 2026-10-07 + 30 = Friday 2026-11-06 stays; 2026-10-08 + 30 = Saturday 11-07 → Monday 11-09.
    assert final_due(dt.date(2026, 10, 7), malicious=False) == dt.date(2026, 11, 6)
    assert final_due(dt.date(2026, 10, 8), malicious=False) == dt.date(2026, 11, 9)


def _incident(discovered_at: dt.datetime, **fields) -> Incident:
    return Incident(discovered_at=discovered_at, situations=fields.pop("situations", ""),
                    state=fields.pop("state", IncidentState.HANDLING.value), **fields)


def test_deadlines_count_from_the_japan_date_not_the_utc_one(app):
    # Known at 23:30 UTC on 2026-06-01 = 08:30 on 2026-06-02 in Japan: the 30 days count from 06-02.
    known = dt.datetime(2026, 6, 1, 23, 30, tzinfo=dt.UTC)
    with app.app_context(), moved_to(known):
        preliminary, final = deadlines(_incident(known))
    assert (preliminary.window_start, preliminary.due_on) == (dt.date(2026, 6, 5), dt.date(2026, 6, 7))
    assert final.due_on == dt.date(2026, 7, 2)
    assert preliminary.days_left == 5 and preliminary.urgency == Urgency.OPEN


def test_a_deadline_within_two_days_is_due_soon_and_a_past_one_overdue(app):
    with app.app_context():
        today = japan_today()
        known_four_days_ago = dt.datetime.combine(today - dt.timedelta(days=4), dt.time(9), tzinfo=JAPAN)
        known_six_days_ago = dt.datetime.combine(today - dt.timedelta(days=6), dt.time(9), tzinfo=JAPAN)
        soon, _ = deadlines(_incident(known_four_days_ago))
        late, _ = deadlines(_incident(known_six_days_ago))
    assert (soon.days_left, soon.urgency, soon.needs_attention) == (1, Urgency.SOON, True)
    assert (late.days_left, late.urgency, late.needs_attention) == (-1, Urgency.OVERDUE, True)


def test_a_report_made_is_met_and_a_closed_incident_is_no_longer_tracked(app):
    with app.app_context():
        long_ago = dt.datetime.combine(japan_today() - dt.timedelta(days=40), dt.time(9), tzinfo=JAPAN)
        reported = _incident(long_ago, preliminary_reported_on=japan_today() - dt.timedelta(days=37))
        preliminary, final = deadlines(reported)
        assert preliminary.urgency == Urgency.MET and final.urgency == Urgency.OVERDUE
        closed = deadlines(_incident(long_ago, state=IncidentState.CLOSED.value))
        assert all(d.urgency == Urgency.MET and not d.needs_attention for d in closed)


def test_the_preliminary_window_is_configurable(app):
    app.config["INCIDENTS_PRELIMINARY_DAYS"] = (2, 4)
    known = dt.datetime(2026, 6, 2, 9, tzinfo=JAPAN)
    with app.app_context(), moved_to(known):
        preliminary, _ = deadlines(_incident(known))
    assert (preliminary.window_start, preliminary.due_on) == (dt.date(2026, 6, 4), dt.date(2026, 6, 6))


def test_a_malicious_incident_uses_60_days(app):
    known = dt.datetime(2026, 6, 1, 9, tzinfo=JAPAN)
    with app.app_context(), moved_to(known):
        _, final = deadlines(_incident(known, situations="sensitive,malicious"))
    assert final.due_on == dt.date(2026, 7, 31)
