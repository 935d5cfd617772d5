"""The access counts kept per closed day (``audit.reviews.daily``) are derived and not hashed: a row written for a
day that is not closed is not believed, and `council audit verify` counts every kept day again, so that a count
lowered or a day marked counted with nothing in it cannot hide a user's volume quietly. Both databases."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import update

from council.audit.events import AuditTag, record
from council.audit.filters import LogFilter
from council.audit.reviews import anomalies
from council.audit.reviews.models import AuditAccessCount, AuditAccessDay
from council.auth.models import User
from council.cli import cli
from council.core import clock
from council.database import db
from tests.conftest import db_get
from tests.functional.audit.test_marks_and_counts import fake_case, japan


def _week_of_reading(app, worker_id: int, today: dt.date, per_day: dict[int, int]) -> None:
    """``per_day``: days back → accesses that day (3 on the others), a week up to today."""
    for back in range(6, -1, -1):
        with clock.moved_to(japan(today - dt.timedelta(days=back), 10)), app.app_context():
            actor = db_get(app, User, worker_id)
            for _ in range(per_day.get(back, 3)):
                record(tag=AuditTag.CASE_VIEWED, actor=actor, case=fake_case(1, actor.council_id))
            db.session.commit()


def test_a_day_marked_counted_before_it_closed_is_counted_from_the_log(app, make_user):
    app.config.update(AUDIT_VOLUME_HISTORY_DAYS=5, AUDIT_VOLUME_MINIMUM=10, AUDIT_VOLUME_SIGMAS=3)
    today = clock.japan_today()
    with clock.moved_to(japan(today - dt.timedelta(days=20), 9)):
        worker = make_user("caseworker", username="a")
    with app.app_context():
        council_id = db.session.get(User, worker.id).council_id
        # Whoever holds the app's database role marks today as counted, with nothing in it, before a spree.
        db.session.add(AuditAccessDay(council_id=council_id, day=today, counted_at=clock.utcnow(), head_seq=0))
        db.session.commit()
    _week_of_reading(app, worker.id, today, {0: 40})
    with app.test_request_context():
        found = anomalies.volume(council_id, LogFilter(since=today - dt.timedelta(days=1), until=today))
    assert [(f.day, f.count) for f in found] == [(today, 40)]


def test_verify_notices_a_kept_count_lowered(app, make_user, runner):
    app.config.update(AUDIT_VOLUME_HISTORY_DAYS=5, AUDIT_VOLUME_MINIMUM=10, AUDIT_VOLUME_SIGMAS=3)
    today = clock.japan_today()
    yesterday = today - dt.timedelta(days=1)
    with clock.moved_to(japan(today - dt.timedelta(days=20), 9)):
        worker = make_user("caseworker", username="a")
    _week_of_reading(app, worker.id, today, {1: 14})
    with app.app_context():
        council_id = db.session.get(User, worker.id).council_id
    week = LogFilter(since=yesterday, until=today)
    with app.test_request_context():
        assert [(f.day, f.count) for f in anomalies.volume(council_id, week)] == [(yesterday, 14)]
        db.session.commit()  # yesterday is closed: its counts are kept now
    assert runner.invoke(cli, ["audit", "verify"]).exit_code == 0
    with app.app_context():
        db.session.execute(update(AuditAccessCount).where(AuditAccessCount.day == yesterday).values(accesses=3))
        db.session.commit()
    with app.test_request_context():
        assert anomalies.volume(council_id, week) == []  # the rule reads what is kept ...
    result = runner.invoke(cli, ["audit", "verify"])
    assert result.exit_code == 1  # ... and verify says it is not what the log holds
    assert "access counts kept for this event's day do not match" in result.output
