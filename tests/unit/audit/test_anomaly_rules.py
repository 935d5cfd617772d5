"""Each anomaly rule, with data that trips it and data that must not (SQLite and PostgreSQL: the rules are queries).

Events are appended in time order, as in production (the date filter relies on the chain being in time order):
each test moves the clock forward through its story.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from sqlalchemy import select, update

from council.access import grants
from council.access.models import LegalBasis
from council.audit.events import AuditTag, record, record_denial
from council.audit.filters import LogFilter
from council.audit.reviews import anomalies
from council.auth.models import Institution, User
from council.cases.models import Case
from council.core import clock
from council.database import db
from tests.conftest import db_get


def japan(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return clock.japan_to_utc(day, dt.time(hour, minute))


def last_open_day(today: dt.date) -> dt.date:
    """The most recent weekday of the last week that is not a holiday (the rules' range is 7 days)."""
    day = today - dt.timedelta(days=1)
    while anomalies.closed_day(day):
        day -= dt.timedelta(days=1)
    return day


def last_closed_day(today: dt.date) -> dt.date:
    day = today - dt.timedelta(days=1)
    while not anomalies.closed_day(day):
        day -= dt.timedelta(days=1)
    return day


@pytest.fixture
def today() -> dt.date:
    return clock.japan_today()


@pytest.fixture
def week(today) -> LogFilter:
    return LogFilter(since=today - dt.timedelta(days=6), until=today)


@pytest.fixture
def people(app, make_user, make_institution, today):
    """Three caseworkers of one council, created 40 days ago (before every event of the tests)."""
    with clock.moved_to(japan(today - dt.timedelta(days=40), 9)):
        home = make_institution("みどり市福祉課")
        return SimpleNamespace(home=home, a=make_user("caseworker", institution=home, username="a"),
                               b=make_user("caseworker", institution=home, username="b"),
                               c=make_user("caseworker", institution=home, username="c"))


def fake_case(user, n: int):
    """A case's id and number as an event records them (these rules read the log only, not the case)."""
    return SimpleNamespace(id=100_000 + n, number=f"2026-9{n:03d}", council_id=user.council_id)


def access(app, user, when: dt.datetime, *, case_n: int = 1, case=None, basis: str = "own_institution",
           tag=AuditTag.CASE_VIEWED, times: int = 1) -> None:
    with clock.moved_to(when), app.app_context():
        actor = db_get(app, User, user.id)
        for _ in range(times):
            record(tag=tag, actor=actor, case=case or fake_case(actor, case_n), basis=basis)
        db.session.commit()


def found(app, rule: str, log_filter: LogFilter) -> list[anomalies.Finding]:
    with app.app_context():
        council_id = db.session.scalar(select(Institution.council_id).limit(1))
        return anomalies.RULES_BY_KEY[rule].find(council_id, log_filter)


# -- volume

def test_volume_trips_above_the_user_s_own_history_and_not_for_a_steady_or_new_user(app, people, today):
    app.config.update(AUDIT_VOLUME_HISTORY_DAYS=5, AUDIT_VOLUME_MINIMUM=10, AUDIT_VOLUME_SIGMAS=3)
    spike = today - dt.timedelta(days=1)
    for back in range(5, -1, -1):  # five days of history, then the spike day
        day = spike - dt.timedelta(days=back)
        access(app, people.a, japan(day, 10), times=3 if back else 12)    # 3 a day, then 12: trips
        access(app, people.b, japan(day, 11), times=12)                     # always 12: their normal
    access(app, people.c, japan(spike, 12), times=9)                        # new to it, at the minimum or below
    findings = found(app, "volume", LogFilter(since=spike, until=today))
    assert [(f.user_id, f.day, f.count) for f in findings] == [(people.a.id, spike, 12)]
    assert "12" in findings[0].detail


# -- office hours

def test_outside_hours_trips_at_night_and_on_a_closed_day_not_in_office_hours(app, people, today, week):
    app.config.update(AUDIT_OFFICE_HOURS=(8, 20))
    closed, open_ = sorted([last_closed_day(today), last_open_day(today)])
    for day in (closed, open_) if closed < open_ else (open_, closed):
        if day == open_:
            access(app, people.a, japan(day, 10))          # office hours: fine
            access(app, people.b, japan(day, 22, 30))      # at night: trips
        else:
            access(app, people.c, japan(day, 10))          # Saturday, Sunday or a holiday: trips
    findings = {(f.user_id, f.day) for f in found(app, "outside_hours", week)}
    assert findings == {(people.b.id, open_), (people.c.id, closed)}


@pytest.mark.parametrize(("day", "closed"), [
    (dt.date(2026, 11, 3), True),    # 文化の日 (a Tuesday)
    (dt.date(2026, 11, 4), False),   # a Wednesday
    (dt.date(2026, 11, 7), True),    # a Saturday
    (dt.date(2026, 12, 30), True),   # year-end closing
    (dt.date(2027, 1, 4), False),    # the first working day
])
def test_closed_days_are_weekends_holidays_and_the_year_end(day, closed):
    assert anomalies.closed_day(day) is closed


# -- many cases in a short time

def test_burst_trips_on_many_different_cases_in_minutes_not_spread_out_or_one_case(app, people, make_user, today,
                                                                                  week):
    app.config.update(AUDIT_BURST_CASES=5, AUDIT_BURST_MINUTES=10, AUDIT_OFFICE_HOURS=(0, 24))
    day = today - dt.timedelta(days=1)
    for n in range(6):
        at = japan(day, 8) + dt.timedelta(minutes=15 * n)
        access(app, people.c, at, case_n=50 + n)                             # 6 cases, 15 minutes apart: fine
        access(app, people.b, at + dt.timedelta(minutes=1), case_n=1, times=2)  # one case again and again: fine
    for n in range(5):
        access(app, people.a, japan(day, 10, n), case_n=10 + n)             # 5 cases in 4 minutes: trips
    late = make_user("caseworker", institution=people.home, username="d")
    for n in range(5):
        access(app, late, japan(day, 11, 27) + dt.timedelta(minutes=n), case_n=20 + n)  # across 11:30: trips
    findings = found(app, "burst", week)
    assert [(f.user_id, f.count) for f in findings] == [(people.a.id, 5), (late.id, 5)]
    assert "10:00" in findings[0].detail and "10:04" in findings[0].detail
    assert "11:27" in findings[1].detail and "11:31" in findings[1].detail


# -- a basis no longer held

def test_lapsed_basis_trips_after_a_grant_expired_a_disabling_or_a_move(app, people, make_user, make_case,
                                                                         make_institution, today, week):
    start = today - dt.timedelta(days=3)
    with clock.moved_to(japan(start, 9)):
        other = make_institution("社協")
        partner = make_user("caseworker", institution=other, username="partner")
        case = make_case(people.a)
        with app.test_request_context():
            grants.grant(actor=db_get(app, User, people.a.id), case=db_get(app, Case, case.id), scope="summary",
                         basis="referral:77", legal_basis=LegalBasis.COUNCIL_SHARING,
                         institution=db_get(app, Institution, other.id), expires_at=japan(start, 12))
            db.session.commit()
    with app.app_context():
        case = db_get(app, Case, case.id)
    access(app, partner, japan(start, 11), case=case, basis="referral:77")      # in force: fine
    access(app, partner, japan(start, 13), case=case, basis="referral:77")      # expired an hour ago: trips
    access(app, people.b, japan(start, 14), case=case)                          # own institution: fine
    with clock.moved_to(japan(start, 15)), app.app_context():                   # b moves to 社協 …
        record(tag=AuditTag.USER_ROLE_CHANGED, actor=None, target=db_get(app, User, people.b.id),
               council_id=people.b.council_id,
               reason=f"caseworker@{people.home.id} -> caseworker@{other.id}")
        db.session.commit()
    access(app, people.b, japan(start + dt.timedelta(days=1), 9), case=case)    # … but is still recorded at home
    with app.app_context():
        db.session.execute(update(User).where(User.id == people.c.id).values(disabled_at=japan(start, 16)))
        db.session.commit()
    access(app, people.c, japan(start + dt.timedelta(days=1), 10), case=case)   # disabled yesterday: trips
    findings = {(f.user_id, f.day) for f in found(app, "lapsed_basis", week)}
    assert findings == {(partner.id, start), (people.b.id, start + dt.timedelta(days=1)),
                        (people.c.id, start + dt.timedelta(days=1))}


# -- repeated refusals

def test_refusals_trip_at_the_threshold_in_one_day_only(app, people, today, week):
    app.config.update(AUDIT_REFUSALS_PER_DAY=3)
    day = today - dt.timedelta(days=2)
    for n in range(3):
        with clock.moved_to(japan(day, 10, n)), app.app_context():
            record_denial(actor=db_get(app, User, people.a.id), case_id=900 + n, action="case:content:read")
            if n < 2:
                record_denial(actor=db_get(app, User, people.b.id), case_id=900 + n, action="case:content:read")
    with clock.moved_to(japan(day + dt.timedelta(days=1), 10)), app.app_context():
        record_denial(actor=db_get(app, User, people.b.id), case_id=999, action="case:content:read")
    findings = found(app, "refusals", week)
    assert [(f.user_id, f.day, f.count) for f in findings] == [(people.a.id, day, 3)]


def test_every_rule_is_explained_with_its_thresholds(app):
    app.config.update(AUDIT_BURST_CASES=17)
    with app.test_request_context():
        explained = {rule.key: rule.explain() for rule in anomalies.RULES}
    assert set(explained) == {"volume", "outside_hours", "burst", "lapsed_basis", "refusals"}
    assert "17" in explained["burst"] and "%(" not in "".join(explained.values())
