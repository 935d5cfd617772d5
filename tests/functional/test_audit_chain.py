"""The audit chain on the real databases: append-only, tamper-evident, never forked by concurrent writers."""

import multiprocessing
import threading

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from council.audit.events import AuditTag, record
from council.audit.models import AuditEvent
from council.database import db
from council.security import auditchain


def _append(app, n: int, reason: str = "test") -> None:
    with app.app_context():
        for _ in range(n):
            record(tag=AuditTag.AUDIT_LOG_VIEWED, reason=reason)
            db.session.commit()


def _verify(app) -> auditchain.Verification:
    with app.app_context():
        return auditchain.verify(db.session, AuditEvent)


def _disable_protection(session) -> None:
    """What someone with direct database access would do before editing rows behind the app's back."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("DROP TRIGGER audit_event_no_update"))
        session.execute(text("DROP TRIGGER audit_event_no_delete"))
    else:
        session.execute(text("ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_update_delete"))


def test_events_form_an_intact_chain(app):
    _append(app, 5)
    result = _verify(app)
    assert result.intact and result.checked == 5
    with app.app_context():
        seqs = db.session.scalars(text("SELECT seq FROM audit_event ORDER BY seq")).all()
    assert seqs == [1, 2, 3, 4, 5]


@pytest.mark.parametrize("statement", ["UPDATE audit_event SET reason = 'edited' WHERE seq = 2",
                                       "DELETE FROM audit_event WHERE seq = 2",
                                       "UPDATE audit_event_case SET case_id = 99 WHERE event_seq = 3",
                                       "DELETE FROM audit_event_case WHERE event_seq = 3"])
def test_database_refuses_changes_to_audit_rows(app, statement):
    _append(app, 2)
    with app.app_context():
        record(tag=AuditTag.CASE_LISTED, cases=[7, 8])
        db.session.commit()
    with app.app_context(), pytest.raises(DBAPIError, match="append-only"):
        db.session.execute(text(statement))
    assert _verify(app).intact


def test_postgres_refuses_truncate(app):
    _append(app, 1)
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("TRUNCATE exists on PostgreSQL only")
        with pytest.raises(DBAPIError, match="append-only"):
            # CASCADE, as whoever wants the log gone would write (the reviews beside it reference its events)
            db.session.execute(text("TRUNCATE audit_event, audit_event_case CASCADE"))


@pytest.mark.parametrize(("tamper", "bad_seq"), [
    ("UPDATE audit_event SET reason = 'nothing happened' WHERE seq = 3", 3),
    ("UPDATE audit_event SET actor_user_id = 99 WHERE seq = 4", 4),
    ("DELETE FROM audit_event WHERE seq = 3", 3),
])
def test_verification_finds_the_first_altered_or_removed_event(app, tamper, bad_seq):
    _append(app, 5)
    with app.app_context():
        _disable_protection(db.session)
        db.session.execute(text(tamper))
        db.session.commit()
    result = _verify(app)
    assert not result.intact and result.first_bad_seq == bad_seq


def test_verification_finds_an_inserted_event(app):
    _append(app, 4)
    with app.app_context():
        _disable_protection(db.session)
        # Make room at seq 3 and insert a forged event there, with a correct-looking own hash.
        for seq in (4, 3):
            db.session.execute(text("UPDATE audit_event SET seq = seq + 1 WHERE seq = :s"), {"s": seq})
        second = db.session.get(AuditEvent, 2)
        fields = {"seq": 3, "occurred_at": second.occurred_at, "tag": "account:login:succeeded", "outcome": "allowed",
                  "prev_hash": second.hash}
        forged = AuditEvent(**fields, hash=auditchain.event_hash(second.hash, fields))
        db.session.add(forged)
        db.session.commit()
    result = _verify(app)
    assert not result.intact and result.first_bad_seq == 3


def test_failed_transaction_leaves_no_event(app):
    with app.app_context():
        record(tag=AuditTag.AUDIT_LOG_VIEWED)
        db.session.rollback()
    assert _verify(app).checked == 0


def test_concurrent_threads_never_fork_or_gap_the_chain(app):
    threads = [threading.Thread(target=_append, args=(app, 15, f"t{i}")) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result = _verify(app)
    assert result.intact and result.checked == 90


def _append_in_process(config: dict, n: int) -> None:
    from council import create_app

    _append(create_app(config), n)


def test_concurrent_processes_never_fork_or_gap_the_chain(app, app_config):
    context = multiprocessing.get_context("spawn")
    processes = [context.Process(target=_append_in_process, args=(app_config, 10)) for _ in range(4)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=120)
        assert process.exitcode == 0
    result = _verify(app)
    assert result.intact and result.checked == 40


def test_checkpoint_detects_a_cut_off_tail(app):
    from council.audit.checkpoints import CheckpointError, check_checkpoint, create_checkpoint

    _append(app, 5)
    with app.app_context():
        checkpoint = create_checkpoint()  # signs the head, seq 5, then records itself as seq 6
        assert check_checkpoint(checkpoint).seq == 5
        _disable_protection(db.session)
        db.session.execute(text("DELETE FROM audit_event WHERE seq >= 5"))
        db.session.commit()
        assert auditchain.verify(db.session, AuditEvent).intact  # the chain alone cannot see this
        with pytest.raises(CheckpointError) as caught:
            check_checkpoint(checkpoint)
        assert caught.value.first_bad_seq == 5


def test_forged_checkpoint_is_rejected(app):
    from council.audit.checkpoints import CheckpointError, check_checkpoint, create_checkpoint

    _append(app, 2)
    with app.app_context():
        checkpoint = create_checkpoint()
        with pytest.raises(CheckpointError, match="signature"):
            check_checkpoint({**checkpoint, "hash": "0" * 64})
