"""``council backup`` / ``council restore``: an encrypted, signed backup of both databases and the keys, restored
into an empty instance that then proves itself — and never brings back a case purged after it was taken."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import select

from council.audit.models import AuditEvent
from council.backups.archive import BackupError
from council.backups.services import Places, _key_files, create_backup, open_backup, restore_backup
from council.cases.models import Case
from council.cli import cli
from council.core import clock
from council.database import db
from council.instance import create_keys
from tests.conftest import FAST_HASH, _database_url, _pg_dsn, _sqlalchemy_pg

PASSPHRASE = "みどり市の控えは金庫へ-2026"


def places_of(app, platform_app) -> Places:
    return Places(council_url=app.config["MIGRATION_DATABASE_URL"],
                  council_keys=app.config["INSTANCE_PATH"] / "keys", platform_url=platform_app.config["DATABASE_URL"],
                  platform_folder=platform_app.config["INSTANCE_PATH"])


def backup_of(app, platform_app, **options) -> bytes:
    out = io.BytesIO()
    with app.app_context():
        create_backup(out, passphrase=PASSPHRASE, places=places_of(app, platform_app), **options)
    return out.getvalue()


@pytest.fixture
def app_config(tmp_path, templates, backend):
    """Each test its own instance folder: these tests rotate and retire key versions."""
    folder = tmp_path / "instance"
    create_keys(folder)
    url = _database_url(templates, backend, "council")
    yield {"TESTING": True, "INSTANCE_PATH": folder, "DATABASE_URL": url, "PASSWORD_HASH": FAST_HASH,
           "WTF_CSRF_ENABLED": False}
    templates.drop(url)


@pytest.fixture
def target(tmp_path, monkeypatch, backend):
    """A new, empty instance: its folders in the environment, and new empty databases."""
    folder = tmp_path / "restored"
    names = []
    if backend == "sqlite":
        council_url, platform_url = f"sqlite:///{folder}/council.db", f"sqlite:///{folder}/platform/platform.db"
        (folder / "platform").mkdir(parents=True)
    else:
        names = [f"restored_{kind}_{tmp_path.name[-12:].lower()}".replace("-", "_") for kind in ("c", "p")]
        with psycopg.connect(_pg_dsn("postgres"), autocommit=True) as connection:
            for name in names:
                connection.execute(f'CREATE DATABASE "{name}"')
        council_url, platform_url = (_sqlalchemy_pg(name) for name in names)
    for variable, value in (("COUNCIL_INSTANCE_PATH", folder), ("PLATFORM_INSTANCE_PATH", folder / "platform"),
                            ("COUNCIL_DATABASE_URL", council_url), ("PLATFORM_DATABASE_URL", platform_url)):
        monkeypatch.setenv(variable, str(value))
    monkeypatch.delenv("COUNCIL_MIGRATION_DATABASE_URL", raising=False)
    yield folder
    if names:
        with psycopg.connect(_pg_dsn("postgres"), autocommit=True) as connection:
            for name in names:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_backup_restores_into_an_empty_instance_that_proves_itself(app, platform_app, make_case, target):
    case = make_case()
    data = backup_of(app, platform_app, include_keks=True)

    restored = restore_backup(io.BytesIO(data), passphrase=PASSPHRASE)

    assert restored.cases_checked >= 1 and restored.events > 0
    from council import create_app

    again = create_app()
    with again.app_context():
        assert db.session.scalar(select(Case.number).where(Case.id == case.id)) == case.number
        tags = list(db.session.scalars(select(AuditEvent.tag).order_by(AuditEvent.seq.desc()).limit(3)))
        assert "operations:backup:restored" in tags
    assert (target / "keys" / "kek-0001.key").stat().st_mode & 0o777 == 0o600


def test_the_backup_file_shows_nothing_and_refuses_a_wrong_passphrase_and_any_change(app, platform_app, make_case):
    case = make_case()
    data = backup_of(app, platform_app)
    for visible in (case.number.encode(), "テスト市".encode(), b"SQLite format", b"PGDMP", b"case_file"):
        assert visible not in data
    with pytest.raises(BackupError, match="passphrase is wrong"):
        open_backup(io.BytesIO(data), passphrase="not the passphrase at all")
    middle = bytearray(data)
    middle[len(data) // 2] ^= 1
    for damaged in (bytes(middle), data[:-100], data[: len(data) // 2], data + b"x"):
        with pytest.raises(BackupError):
            open_backup(io.BytesIO(damaged), passphrase=PASSPHRASE)
    assert open_backup(io.BytesIO(data), passphrase=PASSPHRASE).header.includes_keks is False


def test_without_its_keks_a_restore_names_them_and_writes_nothing(app, platform_app, make_case, target):
    make_case()
    data = backup_of(app, platform_app)

    with pytest.raises(BackupError, match=r"kek-0001\.key"):
        restore_backup(io.BytesIO(data), passphrase=PASSPHRASE)
    assert not (target / "council.db").exists() and not (target / "keys").exists()


def test_a_restore_refuses_an_instance_that_is_not_empty(app, platform_app, make_case, target):
    make_case()
    data = backup_of(app, platform_app, include_keks=True)
    restore_backup(io.BytesIO(data), passphrase=PASSPHRASE)

    with pytest.raises(BackupError, match="not empty"):
        restore_backup(io.BytesIO(data), passphrase=PASSPHRASE)


def test_a_case_purged_after_the_backup_stays_purged_once_the_old_key_version_is_retired(
        app, platform_app, make_case, target):
    """The rule docs/operations.md gives: after a purge, rotate, back up again and retire. The old backup then
    opens no case key, the purged case's included; only a backup made after the purge restores."""
    from council import create_app
    from council.cases.keys import remove_unused_versions, rotate
    from council.cases.lifecycle import purge_expired

    purged, kept = make_case(), make_case()
    with app.app_context():
        closed = db.session.get(Case, purged.id)
        closed.status, closed.closed_on, closed.purge_after = "closed", dt.date(2020, 1, 1), dt.date(2025, 1, 1)
        db.session.commit()
    before = backup_of(app, platform_app)
    with app.app_context():
        assert purge_expired() == [purged.number]
        rotate()
        with clock.moved_to(clock.utcnow() + dt.timedelta(minutes=11)):
            assert remove_unused_versions() == [1]
    after = backup_of(app, platform_app)
    (target / "keys").mkdir(parents=True)
    for key in (app.config["INSTANCE_PATH"] / "keys").glob("kek-*.key"):
        (target / "keys" / key.name).write_bytes(key.read_bytes())
        (target / "keys" / key.name).chmod(0o600)

    with pytest.raises(BackupError, match=r"kek-0001\.key"):
        restore_backup(io.BytesIO(before), passphrase=PASSPHRASE)
    restored = restore_backup(io.BytesIO(after), passphrase=PASSPHRASE)
    assert restored.cases_checked == 1
    with create_app().app_context():
        assert db.session.get(Case, purged.id).wrapped_key is None
        assert db.session.get(Case, kept.id).key_version == 2


def test_the_commands_write_a_backup_and_check_it(app, runner, make_case, tmp_path, monkeypatch):
    make_case()
    monkeypatch.setenv("COUNCIL_BACKUP_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("PLATFORM_INSTANCE_PATH", str(tmp_path / "no-platform-keys"))
    monkeypatch.setenv("PLATFORM_DATABASE_URL", app.config["DATABASE_URL"])  # any database: the command dumps it
    out = tmp_path / "council.backup"

    written = runner.invoke(cli, ["backup", "--out", str(out)])
    assert written.exit_code == 0, written.output
    assert "KEK version(s) 1 (kept apart" in written.output
    assert runner.invoke(cli, ["backup", "--out", str(out)]).exit_code == 1  # never overwrites

    checked = runner.invoke(cli, ["restore", "--check-only", str(out)])
    assert checked.exit_code == 0, checked.output
    assert "intact and signed" in checked.output
    Path(out).write_bytes(out.read_bytes()[:-10])
    assert runner.invoke(cli, ["restore", "--check-only", str(out)]).exit_code == 1


def test_a_backup_takes_the_instances_keys_not_its_database_files(tmp_path):
    for name in ("council.db", "council.db-wal", "council.db-shm", "council.db-writer", "config.py", "secret_key",
                 "kek-0001.key"):
        (tmp_path / name).write_bytes(b"x")
    assert [path.name for path in _key_files(tmp_path, keks=False)] == ["secret_key"]
    assert [path.name for path in _key_files(tmp_path, keks=True)] == ["kek-0001.key", "secret_key"]
