"""Checkpoints kept outside the database prove the log was neither cut nor rewritten: ``council audit checkpoint``
appends signed lines to ``audit-checkpoints.jsonl`` in the instance folder, and ``council audit verify --checkpoint``
checks every line of it. Tampering by UPDATE, DELETE, INSERT, a cut-off tail and a full rewrite all fail it."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select, text

from council.audit.checkpoints import CHECKPOINT_FILE
from council.audit.events import AuditTag, record
from council.audit.models import AuditEvent
from council.cli import cli
from council.database import db
from council.security import auditchain
from tests.functional.audit.own_instance import app_with_own_instance  # noqa: F401  (the fixture ``app``)


def council(app, *args):
    return app.test_cli_runner().invoke(cli, list(args))


def append(app, n: int) -> None:
    with app.app_context():
        for _ in range(n):
            record(tag=AuditTag.AUDIT_LOG_VIEWED, reason="test")
            db.session.commit()


def tamper(app, *statements: str) -> None:
    """What someone with direct database access does: lift the append-only triggers, then change rows."""
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            db.session.execute(text("DROP TRIGGER audit_event_no_update"))
            db.session.execute(text("DROP TRIGGER audit_event_no_delete"))
            db.session.execute(text("DROP TRIGGER IF EXISTS audit_event_case_no_delete"))
        else:
            db.session.execute(text("ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_update_delete"))
            db.session.execute(text("ALTER TABLE audit_event_case DISABLE TRIGGER USER"))
        for statement in statements:
            db.session.execute(text(statement))
        db.session.commit()


def checkpoint_file(app):
    return app.config["INSTANCE_PATH"] / CHECKPOINT_FILE


def events(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(AuditEvent))


# -- council audit checkpoint ------------------------------------------------------------------------------------


def test_checkpoint_without_options_appends_a_line_to_the_instance_file(app):
    append(app, 3)
    first = council(app, "audit", "checkpoint")
    append(app, 2)
    second = council(app, "audit", "checkpoint")
    assert first.exit_code == 0 and second.exit_code == 0, first.output + second.output
    assert f"event 3 appended to {checkpoint_file(app)}" in first.output
    lines = checkpoint_file(app).read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["seq"] for line in lines] == [3, 6]  # the first checkpoint's own event is seq 4
    assert all(json.loads(line)["format"] == "council-audit-checkpoint/1" for line in lines)
    result = council(app, "audit", "verify", "--checkpoint", str(checkpoint_file(app)))
    assert result.exit_code == 0, result.output
    assert "event 3 signed" in result.output and "event 6 signed" in result.output


def test_checkpoint_out_appends_elsewhere_and_leaves_the_instance_file_alone(app, tmp_path):
    elsewhere = tmp_path / "offsite.jsonl"
    for _ in range(2):
        assert council(app, "audit", "checkpoint", "--out", str(elsewhere)).exit_code == 0
    assert len(elsewhere.read_text(encoding="utf-8").splitlines()) == 2
    assert not checkpoint_file(app).exists()


def test_checkpoint_to_a_folder_that_does_not_exist_fails_with_a_message_and_records_nothing(app, tmp_path):
    append(app, 1)
    result = council(app, "audit", "checkpoint", "--out", str(tmp_path / "missing" / "c.jsonl"))
    assert result.exit_code == 1 and "Cannot write" in result.output and "Traceback" not in result.output
    assert events(app) == 1


# -- council audit verify --checkpoint: every kind of tampering ---------------------------------------------------


def checkpointed(app) -> str:
    """Five events, a checkpoint of event 5 (its own event is 6), three more events (7-9): the file's path."""
    append(app, 5)
    assert council(app, "audit", "checkpoint").exit_code == 0
    append(app, 3)
    return str(checkpoint_file(app))


def assert_broken_at(result, seq: int) -> None:
    assert result.exit_code == 1, result.output
    assert f"Audit chain broken at sequence {seq}" in result.output


def test_an_untouched_log_verifies_against_its_checkpoints(app):
    result = council(app, "audit", "verify", "--checkpoint", checkpointed(app))
    assert result.exit_code == 0 and "Audit chain intact: 9 events." in result.output


@pytest.mark.parametrize(("statement", "seq"), [
    ("UPDATE audit_event SET reason = 'nothing happened' WHERE seq = 3", 3),
    ("DELETE FROM audit_event WHERE seq = 2", 2),
])
def test_update_and_delete_are_found(app, statement, seq):
    path = checkpointed(app)
    tamper(app, statement)
    assert_broken_at(council(app, "audit", "verify", "--checkpoint", path), seq)


def test_an_inserted_event_is_found(app):
    path = checkpointed(app)
    with app.app_context():
        second = db.session.get(AuditEvent, 2)
        fields = {"seq": 3, "occurred_at": second.occurred_at, "tag": "account:login:succeeded",
                  "outcome": "allowed", "prev_hash": second.hash}
        forged = auditchain.event_hash(second.hash, fields)
    shifts = [f"UPDATE audit_event SET seq = seq + 1 WHERE seq = {seq}" for seq in range(9, 2, -1)]
    tamper(app, *shifts, "INSERT INTO audit_event (seq, occurred_at, tag, outcome, prev_hash, hash) "
                         f"SELECT 3, occurred_at, 'account:login:succeeded', 'allowed', hash, '{forged}' "
                         "FROM audit_event WHERE seq = 2")
    assert_broken_at(council(app, "audit", "verify", "--checkpoint", path), 3)


def test_a_cut_off_tail_is_found_only_by_the_checkpoint(app):
    path = checkpointed(app)
    tamper(app, "DELETE FROM audit_event WHERE seq >= 5")
    assert council(app, "audit", "verify").exit_code == 0  # what is left is a perfect chain
    assert_broken_at(council(app, "audit", "verify", "--checkpoint", path), 5)


def test_a_log_rewritten_from_scratch_with_a_valid_chain_is_found_only_by_the_checkpoint(app):
    path = checkpointed(app)
    tamper(app, "DELETE FROM audit_event_case", "DELETE FROM audit_event")
    append(app, 9)  # a fresh, perfectly linked chain of as many events, written by the app itself
    assert council(app, "audit", "verify").exit_code == 0
    result = council(app, "audit", "verify", "--checkpoint", path)
    assert_broken_at(result, 5)
    assert "differs from the one signed" in result.output


def test_every_line_of_the_file_is_checked(app):
    path = checkpointed(app)  # line 1: event 5
    assert council(app, "audit", "checkpoint").exit_code == 0  # line 2: event 9 (its own event is 10)
    tamper(app, "DELETE FROM audit_event WHERE seq >= 8")  # cut after the first checkpoint, before the second
    result = council(app, "audit", "verify", "--checkpoint", path)
    assert "event 5 signed" in result.output  # the first line still holds
    assert_broken_at(result, 8)


def test_a_forged_line_in_the_file_fails_it(app):
    path = checkpointed(app)
    line = json.loads(checkpoint_file(app).read_text(encoding="utf-8"))
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(json.dumps({**line, "seq": 7}) + "\n")
    result = council(app, "audit", "verify", "--checkpoint", path)
    assert result.exit_code == 1 and "signature is not valid" in result.output
