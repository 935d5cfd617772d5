"""The minutes' 議事概要 is sealed at rest under the meeting's own data key (``meetings.sealing``): not in the
database in plaintext, its key rotated and counted with the cases', and summaries saved before sealing existed are
sealed at start-up. The migration that adds the columns goes up and down on both databases."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from council.audit.models import AuditEvent
from council.cases.vault import vault
from council.core import migrate
from council.core.db import make_engine
from council.crypto.errors import DecryptionFailed
from council.crypto.keyring import FileKeyProvider, Keyring
from council.database import db
from council.meetings import sealing
from council.meetings.models import Meeting
from tests.functional.meetings.minutes_world import (  # noqa: F401  (world_fixture: the fixture ``world``)
    client_of,
    fresh_meeting,
    record_attendance,
    world_fixture,
)
from tests.functional.test_audit_formats import _upgrade, empty_database  # noqa: F401  (the fixture)

SUMMARY = "山田 太郎さんの長男の進学について学校と調整した。"


def _save_summary(app, world, summary: str = SUMMARY):
    coordinator = client_of(app, world.users["coordinator"])
    record_attendance(coordinator, world)
    version = fresh_meeting(app, world).version
    saved = coordinator.post(f"/meetings/{world.meeting.id}/minutes/edit",
                             data={"summary": summary, "version": str(version)})
    assert saved.status_code == 302, saved.get_data(as_text=True)[-2000:]
    return coordinator


def _raw(app, meeting_id: int):
    with app.app_context():
        return db.session.execute(text("SELECT summary, summary_enc, wrapped_key, key_version FROM meeting "
                                       "WHERE id = :id"), {"id": meeting_id}).one()


def test_the_summary_is_shown_to_participants_and_sealed_at_rest(app, world):
    coordinator = _save_summary(app, world)
    assert SUMMARY in coordinator.get(f"/meetings/{world.meeting.id}/minutes").get_data(as_text=True)
    assert SUMMARY in client_of(app, world.users["member"]).get(
        f"/meetings/{world.meeting.id}/minutes/print").get_data(as_text=True)
    plain, sealed, wrapped, version = _raw(app, world.meeting.id)
    assert plain is None and sealed and wrapped and version == 1
    assert SUMMARY.encode() not in bytes(sealed)
    url = app.config["DATABASE_URL"]
    if url.startswith("sqlite"):
        database = Path(url.split("///", 1)[1])
        for path in database.parent.glob(f"{database.name}*"):  # the file, its WAL and journal
            assert SUMMARY.encode() not in path.read_bytes(), path.name


def test_a_meeting_key_never_unwraps_as_a_case_key_or_an_incident_key(app, world):
    _save_summary(app, world)
    with app.app_context():
        meeting = db.session.get(Meeting, world.meeting.id)
        with pytest.raises(DecryptionFailed):
            vault().keyring.unwrap(meeting.wrapped_key, version=meeting.key_version, case_id=meeting.id)
        with pytest.raises(DecryptionFailed):
            vault().keyring.unwrap_for(meeting.wrapped_key, label=b"council/incident-dek", owner_id=meeting.id,
                                       version=meeting.key_version)


def test_a_summary_saved_in_plaintext_before_is_sealed_at_start_up(app, world):
    with app.app_context():
        db.session.execute(text("UPDATE meeting SET summary = :text WHERE id = :id"),
                           {"text": SUMMARY, "id": world.meeting.id})
        db.session.commit()
    with app.test_request_context():
        assert sealing.seal_plaintext_summaries() == 1
        assert sealing.seal_plaintext_summaries() == 0  # idempotent
    plain, sealed, wrapped, _version = _raw(app, world.meeting.id)
    assert plain is None and sealed and wrapped
    with app.test_request_context():
        assert sealing.summary_of(db.session.get(Meeting, world.meeting.id)) == SUMMARY
    assert SUMMARY in client_of(app, world.users["member"]).get(
        f"/meetings/{world.meeting.id}/minutes").get_data(as_text=True)


def test_rotation_rewraps_meeting_keys_and_status_and_backups_count_them(app, world, tmp_path):
    from council.cases.keys import key_usage, rotate
    from council.cli import cli

    keys = tmp_path / "keys"
    shutil.copytree(app.config["INSTANCE_PATH"] / "keys", keys)
    with app.app_context():
        vault().keyring = Keyring(FileKeyProvider(keys))
    _save_summary(app, world)
    with app.app_context():
        before = key_usage()
        assert before[1] >= 2  # the case's key and the meeting's
        version, _ = rotate()
        assert key_usage() == {1: 0, version: before[1]}
        assert db.session.get(Meeting, world.meeting.id).key_version == version
        rewrapped = db.session.query(AuditEvent).filter_by(tag="keys:meeting_key:rewrapped").one()
        assert rewrapped.reason == f"version {version}, meetings {world.meeting.id}"
        (keys / "kek-0001.key").unlink()
    result = app.test_cli_runner().invoke(cli, ["keys", "status"])
    assert f"version {version}: {before[1]} data keys (case " in result.output and "meeting 1)" in result.output
    with app.test_request_context():
        vault().keyring = Keyring(FileKeyProvider(keys))  # a fresh process: only the new key exists
        assert sealing.summary_of(db.session.get(Meeting, world.meeting.id)) == SUMMARY


def test_migration_0018_adds_the_sealed_columns_and_goes_back(empty_database):  # noqa: F811  (the fixture)
    engine = make_engine(empty_database)
    _upgrade(engine, "council", "0017")
    migrate.upgrade(engine, "council")
    columns = {c["name"] for c in inspect(engine).get_columns("meeting")}
    assert {"summary", "summary_enc", "wrapped_key", "key_version"} <= columns
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(migrate.MIGRATIONS_ROOT / "council"))
    with engine.connect() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0017")
        connection.commit()
    columns = {c["name"] for c in inspect(engine).get_columns("meeting")}
    assert "summary_enc" not in columns and "summary" in columns
    engine.dispose()
