"""The disk fills up: writes fail cleanly with a page that says so, nothing is half-written or corrupted, and the
app works again by itself once space is freed. A real full disk: the instance and its SQLite database on a small
tmpfs (mounting needs root, as CI has here; elsewhere the test is skipped)."""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess

import pytest
from sqlalchemy import func, select

from council.audit.verification import verify_chain
from council.cases.models import SupportRecord
from council.database import db
from council.instance import create_keys
from tests.conftest import FAST_HASH, english, sign_in


@pytest.fixture
def disk(tmp_path):
    """A 16 MiB disk of its own."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(mount)],
                                           capture_output=True, check=False).returncode != 0:
        pytest.skip("mounting a small disk needs root")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


@pytest.fixture
def app_config(disk, templates):
    """The instance folder and the council database on the small disk."""
    create_keys(disk / "instance")
    source = templates.sqlite_url("council").removeprefix("sqlite:///")
    shutil.move(source, disk / "council.db")
    return {"TESTING": True, "INSTANCE_PATH": disk / "instance", "DATABASE_URL": f"sqlite:///{disk}/council.db",
            "PASSWORD_HASH": FAST_HASH, "WTF_CSRF_ENABLED": False}


@contextlib.contextmanager
def filled(disk):
    """Fill the disk to its last byte, then give the space back."""
    filler = disk / "filler"
    with open(filler, "wb", buffering=0) as handle, contextlib.suppress(OSError):
        while True:
            handle.write(b"\0" * 65536)
    with contextlib.suppress(OSError), open(filler, "ab", buffering=0) as handle:
        while True:
            handle.write(b"\0")
    try:
        yield
    finally:
        filler.unlink()


def records_of(app, case) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(SupportRecord)
                                 .where(SupportRecord.case_id == case.id))


def test_a_full_disk_refuses_writes_cleanly_and_the_app_recovers_when_space_returns(app, disk, make_user,
                                                                                  make_case):
    caseworker = make_user("caseworker")
    case = make_case(caseworker)
    client = english(app.test_client())
    assert sign_in(app, client, caseworker).status_code == 302
    new_record = {"occurred_at": "2026-11-30T08:00", "kind": "phone", "body": "電話で様子を確認した。"}
    before = records_of(app, case)

    with filled(disk):
        refused = client.post(f"/cases/{case.id}/records", data=new_record)
        assert refused.status_code == 503
        assert "storage is full" in refused.get_data(as_text=True)
        assert records_of(app, case) == before

    saved = client.post(f"/cases/{case.id}/records", data=new_record)
    assert saved.status_code == 302, saved.get_data(as_text=True)[:2000]
    assert records_of(app, case) == before + 1
    with sqlite3.connect(disk / "council.db") as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    with app.app_context():
        assert verify_chain().intact
