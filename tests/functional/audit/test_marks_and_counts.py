"""The auditor's pages at 10 million events (issue 12, migration 0022), on SQLite and PostgreSQL: the marks that
「要確認のみ」 and the basis 緊急アクセス walk (same events as the text tests they replace, set for old events by the
migration, checked by verification, walked through their partial indexes), the per-day access counts the volume rule
keeps (same findings as counting the log), and the sample's two ways to the same draw."""

from __future__ import annotations

import datetime as dt
import heapq
import importlib.util
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import delete, func, select, text, update

from council.audit import marks
from council.audit.events import AuditTag, record, record_denial, recorder
from council.audit.filters import LogFilter, filtered
from council.audit.models import AuditEvent
from council.audit.reviews import anomalies, daily, sampling
from council.audit.reviews.models import AuditAccessCount, AuditAccessDay
from council.auth.models import User
from council.cli import cli
from council.core import clock
from council.database import db
from council.security.auditchain import Outcome
from tests.conftest import db_get

_MIGRATION = Path(__file__).resolve().parents[3] / "migrations/council/versions/0022_audit_marks_and_access_counts.py"


def migration():
    spec = importlib.util.spec_from_file_location("migration_0022", _MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def fake_case(n: int, council_id: int):
    return SimpleNamespace(id=100_000 + n, number=f"2026-9{n:03d}", council_id=council_id)


@pytest.fixture
def variety(app, make_user):
    """Every kind of event the two marks tell apart, recorded through the one recorder."""
    user = make_user("caseworker", username="sato")
    with app.test_request_context():
        actor = db_get(app, User, user.id)
        council = actor.council_id
        case = fake_case(1, council)
        record(tag=AuditTag.CASE_VIEWED, actor=actor, case=case, basis="own_institution")
        record(tag=AuditTag.CASE_VIEWED, actor=actor, case=case, basis="break_glass:7")               # read under 緊急
        record(tag=AuditTag.CASE_LISTED, actor=actor, basis="own_institution,break_glass")            # a list's kinds
        record(tag=AuditTag.CASE_LISTED, actor=actor, basis="break_glass,referral")
        record(tag=AuditTag.CASE_LISTED, actor=actor, basis="referral,break_glass,consent")
        record(tag=AuditTag.CASE_VIEWED, actor=actor, case=case, basis="break_glassy:1")              # not a kind
        record(tag=AuditTag.BREAK_GLASS_OPENED, actor=actor, case=case, basis="break_glass:7")         # both marks
        record(tag=AuditTag.BREAK_GLASS_LISTED, actor=actor)                                           # neither
        record(tag=AuditTag.GRANT_CREATED, actor=actor, case=case, basis="referral:3",
               reason="grant 3: summary to institution 2; emergency; from 2026-11-30T09:00")           # 緊急 share
        record(tag=AuditTag.GRANT_CREATED, actor=actor, case=case, basis="referral:4",
               reason="grant 4: summary to institution 2; council_sharing; from 2026-11-30T09:00")
        record(tag=AuditTag.CASE_UNREADABLE, actor=actor, case=case, outcome=Outcome.ERROR)
        db.session.commit()
        record_denial(actor=actor, case_id=case.id, action="case:content:read")
    return SimpleNamespace(council_id=council, user_id=user.id)


def seqs_where(app, *where, seq=AuditEvent.seq) -> list[int]:
    with app.app_context():
        return list(db.session.scalars(select(seq).where(*where).order_by(seq)))


def test_the_marks_find_what_the_text_tests_found(app, variety):
    old = migration()
    flagged = seqs_where(app, marks.flagged())
    assert flagged == seqs_where(app, old.flagged_condition(), seq=old._events.c.seq) and len(flagged) == 4
    glass = seqs_where(app, marks.under_break_glass())
    assert glass == seqs_where(app, old.break_glass_condition(), seq=old._events.c.seq) and len(glass) == 5
    with app.app_context():
        tags = dict(db.session.execute(select(AuditEvent.seq, AuditEvent.tag)).all())
    assert sorted({tags[s] for s in flagged}) == sorted({AuditTag.CASE_ACCESS_DENIED, AuditTag.CASE_UNREADABLE,
                                                          AuditTag.BREAK_GLASS_OPENED, AuditTag.GRANT_CREATED})
    # The log's filters ask the columns: the same events as the page finds.
    with app.app_context():
        page = list(db.session.scalars(filtered(variety.council_id, LogFilter(flagged=True))
                                       .with_only_columns(AuditEvent.seq).order_by(AuditEvent.seq)))
        basis = list(db.session.scalars(filtered(variety.council_id, LogFilter(basis="break_glass"))
                                        .with_only_columns(AuditEvent.seq).order_by(AuditEvent.seq)))
    assert page == flagged and basis == glass


def _set_aside_trigger(connection) -> None:
    if connection.dialect.name == "sqlite":
        connection.execute(text("DROP TRIGGER audit_event_no_update"))
    else:
        connection.execute(text("ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_update_delete"))


def test_the_migration_marks_old_events_as_the_recorder_does_and_the_chain_still_verifies(app, variety):
    with app.app_context():
        recorded = db.session.execute(select(AuditEvent.seq, AuditEvent.flagged, AuditEvent.break_glass)
                                      .order_by(AuditEvent.seq)).all()
    engine = app.extensions["council.db"][0]
    with engine.begin() as connection:  # as the events stood before 0022: nothing marked
        _set_aside_trigger(connection)
        connection.execute(update(AuditEvent.__table__).values(flagged=False, break_glass=False))
    with engine.begin() as connection:
        migration().mark_existing(connection)
    with app.app_context():
        assert db.session.execute(select(AuditEvent.seq, AuditEvent.flagged, AuditEvent.break_glass)
                                  .order_by(AuditEvent.seq)).all() == recorded
        assert recorder.verify().intact  # the marks are not hashed: the chain is untouched
        with pytest.raises(Exception, match="append-only"):  # and the table refuses UPDATE again
            db.session.execute(update(AuditEvent).values(flagged=True))
            db.session.flush()


def test_verification_reports_a_mark_changed_behind_the_application_s_back(app, variety, runner):
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(marks.mismatched())) == 0
        refusal = db.session.scalar(select(AuditEvent.seq).where(AuditEvent.outcome == Outcome.DENIED))
    with app.extensions["council.db"][0].begin() as connection:  # hide the refusal from 「要確認のみ」
        _set_aside_trigger(connection)
        connection.execute(update(AuditEvent.__table__).where(AuditEvent.seq == refusal).values(flagged=False))
    result = runner.invoke(cli, ["audit", "verify"])
    assert result.exit_code == 1 and f"sequence {refusal}: the event's marks" in result.output
    with app.app_context():
        assert db.session.scalars(select(AuditEvent.seq).where(marks.mismatched())).all() == [refusal]


def _plan(app, statement) -> str:
    with app.app_context():
        compiled = statement.compile(dialect=db.session.get_bind().dialect, compile_kwargs={"literal_binds": True})
        if db.session.get_bind().dialect.name == "sqlite":
            return " ".join(str(row[-1]) for row in db.session.execute(text(f"EXPLAIN QUERY PLAN {compiled}")))
        db.session.execute(text("SET LOCAL enable_seqscan = off"))
        return " ".join(row[0] for row in db.session.execute(text(f"EXPLAIN {compiled}")))


@pytest.mark.parametrize(("log_filter", "index"), [
    (LogFilter(flagged=True), "ix_audit_event_council_flagged_seq"),
    (LogFilter(basis="break_glass"), "ix_audit_event_council_break_glass_seq"),
])
def test_a_page_of_marked_events_walks_their_partial_index(app, variety, log_filter, index):
    """The partial index is used only when the query says what its WHERE says: this is what keeps the page fast."""
    page = filtered(variety.council_id, log_filter).order_by(AuditEvent.seq.desc()).limit(101)
    assert index in _plan(app, page)


# -- accesses counted per day

def japan(day: dt.date, hour: int) -> dt.datetime:
    return clock.japan_to_utc(day, dt.time(hour))


def test_volume_gives_the_same_findings_from_kept_counts_and_keeps_closed_days_only(app, make_user):
    app.config.update(AUDIT_VOLUME_HISTORY_DAYS=5, AUDIT_VOLUME_MINIMUM=10, AUDIT_VOLUME_SIGMAS=3)
    today = clock.japan_today()
    with clock.moved_to(japan(today - dt.timedelta(days=20), 9)):
        worker = make_user("caseworker", username="a")
    for back in range(6, -1, -1):
        with clock.moved_to(japan(today - dt.timedelta(days=back), 10)), app.app_context():
            actor = db_get(app, User, worker.id)
            for _ in range({0: 40, 1: 14}.get(back, 3)):  # 3 a day, then 14 yesterday and 40 today
                record(tag=AuditTag.CASE_VIEWED, actor=actor, case=fake_case(1, actor.council_id))
            db.session.commit()
    week = LogFilter(since=today - dt.timedelta(days=1), until=today)
    with app.test_request_context():
        council_id = db.session.get(User, worker.id).council_id
        counted = anomalies.volume(council_id, week)
        db.session.commit()
        kept_days = set(db.session.scalars(select(AuditAccessDay.day)))
        again = anomalies.volume(council_id, week)
        kept = {(row.day, row.accesses) for row in db.session.scalars(select(AuditAccessCount))}
    assert [(f.day, f.count) for f in counted] == [(today - dt.timedelta(days=1), 14), (today, 40)]
    assert again == counted
    assert today not in kept_days and today - dt.timedelta(days=1) in kept_days  # today is still open
    assert (today - dt.timedelta(days=2), 3) in kept and (today - dt.timedelta(days=1), 14) in kept
    with app.test_request_context():  # the kept counts are what counting the log gives
        for day in kept_days:
            assert daily.count_day(council_id, day) == \
                {(row.user_id, row.day): (row.accesses, row.last_seq) for row in db.session.scalars(
                    select(AuditAccessCount).where(AuditAccessCount.day == day))}
        db.session.execute(delete(AuditAccessCount))
        db.session.execute(delete(AuditAccessDay))
        assert anomalies.volume(council_id, week) == counted  # derived: dropping them only recounts


# -- the sample's two ways

def test_the_walk_over_places_and_reading_every_match_draw_the_same_sample(app, make_user):
    worker, other = make_user("caseworker", username="w"), make_user("caseworker", username="o")
    with app.test_request_context():
        actors = [db_get(app, User, worker.id), db_get(app, User, other.id)]
        for n in range(240):
            record(tag=AuditTag.CASE_VIEWED if n % 3 else AuditTag.CASE_LISTED, actor=actors[n % 2],
                   case=fake_case(n, actors[0].council_id))
        db.session.commit()
        today = clock.japan_today()
        start, end = clock.day_bounds(today)
        low, high = 1, db.session.scalar(select(func.max(AuditEvent.seq))) + 1
        query = filtered(actors[0].council_id, LogFilter()).where(daily.is_access(), AuditEvent.occurred_at >= start,
                                                                  AuditEvent.occurred_at < end)
        matching = list(db.session.scalars(query.with_only_columns(AuditEvent.seq)))
        for seed in (1, 42, 987654321):
            permutation = sampling.Permutation(seed, high)
            expected = heapq.nsmallest(20, matching, key=permutation.place)  # in Python, whatever the database
            walked = sampling.drawn_seqs(query, permutation, low, high, 20, read_whole=0)
            assert walked == expected == sampling.drawn_seqs(query, permutation, low, high, 20)
            narrow = query.where(AuditEvent.actor_user_id == worker.id)
            theirs = set(db.session.scalars(narrow.with_only_columns(AuditEvent.seq)))
            assert sampling.drawn_seqs(narrow, permutation, low, high, 20, read_whole=0) == heapq.nsmallest(
                20, theirs, key=permutation.place)
        assert len(sampling.drawn_seqs(query, sampling.Permutation(5, high), low, high, 500, read_whole=0)) == \
            len(matching)  # more asked for than there are: every match, once
