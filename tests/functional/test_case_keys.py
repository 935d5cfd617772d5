"""Key rotation, crypto-shredding, and loud failure on a wrong or missing key."""

import datetime as dt

import pytest
from sqlalchemy import select

from council.access.policy import Access
from council.access.reads import record_read
from council.access.scopes import Scope
from council.audit.events import AuditTag
from council.cases.models import Case, Person
from council.cases.page import read_case_page
from council.cases.vault import CasePurged, vault
from council.core.clock import japan_today
from council.database import db
from council.security import auditchain
from tests.conftest import db_get


def test_rotation_rewraps_every_data_key_and_data_still_reads(app, make_case, tmp_path):
    import shutil

    from council.crypto.keyring import FileKeyProvider, Keyring

    keys = tmp_path / "keys"
    shutil.copytree(app.config["INSTANCE_PATH"] / "keys", keys)
    with app.app_context():
        vault().keyring = Keyring(FileKeyProvider(keys))
    first, second = make_case(name="一 一"), make_case(name="二 二")
    with app.app_context():
        from council.cases.keys import KeyRetireTooSoon, key_usage, remove_unused_versions, rotate

        version, count = rotate()
        assert count == 2 and key_usage() == {1: 0, version: 2}
        from council.audit.models import AuditEvent, AuditEventCase

        rewrapped = db.session.execute(select(AuditEvent.council_id, AuditEventCase.case_id).join(
            AuditEventCase, AuditEventCase.event_seq == AuditEvent.seq)
            .where(AuditEvent.tag == "keys:case_key:rewrapped").order_by(AuditEventCase.case_id)).all()
        assert rewrapped == [(first.council_id, first.id), (second.council_id, second.id)]  # in each case's history
        with pytest.raises(KeyRetireTooSoon):  # a case opened just before the rotation may still be committing
            remove_unused_versions()
        import council.cases.keys as keys_module

        keys_module.RETIRE_GRACE = dt.timedelta(0)
        try:
            assert remove_unused_versions() == [1]
        finally:
            keys_module.RETIRE_GRACE = dt.timedelta(minutes=10)
        assert not (keys / "kek-0001.key").exists()
    with app.app_context():
        vault().keyring = Keyring(FileKeyProvider(keys))  # a fresh process: only the new key exists
        for case, name in ((first, "一 一"), (second, "二 二")):
            stored = db_get(app, Case, case.id)
            page = read_case_page(actor=None, case=stored, access=Access(basis="test", scope=Scope.FULL,
                                                                         case_id=stored.id))
            assert page.persons[0].name == name


def test_purge_destroys_the_key_keeps_the_audit_trail(app, make_case):
    from council.cases.lifecycle import purge_expired

    case = make_case()
    with app.app_context():
        stored = db_get(app, Case, case.id)
        stored.status, stored.purge_after = "closed", dt.date(2020, 1, 1)
        db.session.commit()
        assert purge_expired() == [case.number]
        stored = db_get(app, Case, case.id)
        assert stored.wrapped_key is None and stored.purged_at is not None
        person = db.session.scalars(select(Person).where(Person.case_id == case.id)).one()
        assert person.name_enc is not None and person.name_kana_index is None  # ciphertext stays, unreadable
        with pytest.raises(CasePurged):
            vault().forget(stored)
            vault().check_key(stored)
        from council.audit.models import AuditEvent

        tags = db.session.scalars(select(AuditEvent.tag).where(AuditEvent.case_id == case.id)).all()
        assert "case:file:created" in tags and "case:file:purged" in tags
        assert auditchain.verify(db.session, AuditEvent).intact


def test_purge_leaves_cases_within_retention(app, make_case):
    from council.cases.lifecycle import purge_expired

    case = make_case()
    with app.app_context():
        stored = db_get(app, Case, case.id)
        stored.status, stored.purge_after = "closed", japan_today() + dt.timedelta(days=1)
        db.session.commit()
        assert purge_expired() == []


def test_a_wrong_key_fails_loudly_instead_of_showing_garbage(app, make_case, tmp_path):
    import os

    from council.crypto.errors import DecryptionFailed
    from council.crypto.keyring import FileKeyProvider, Keyring

    case = make_case()
    (tmp_path / "kek-0001.key").write_bytes(os.urandom(32))
    (tmp_path / "kek-0001.key").chmod(0o600)
    with app.app_context():
        vault().keyring = Keyring(FileKeyProvider(tmp_path))
        stored = db_get(app, Case, case.id)
        record_read(tag=AuditTag.CASE_VIEWED, actor=None, case=stored,
                    access=Access(basis="test", scope=Scope.FULL, case_id=stored.id))
        with pytest.raises(DecryptionFailed):
            vault().open(stored.subject, "name")


def test_cli_rotate_and_purge(app, make_case, tmp_path):
    import shutil

    from flask.cli import ScriptInfo

    from council.cli import cli
    from council.crypto.keyring import FileKeyProvider, Keyring

    keys = tmp_path / "keys"
    shutil.copytree(app.config["INSTANCE_PATH"] / "keys", keys)
    with app.app_context():
        vault().keyring = Keyring(FileKeyProvider(keys))
    make_case()
    runner = app.test_cli_runner()
    result = runner.invoke(cli, ["keys", "rotate"], obj=ScriptInfo(create_app=lambda: app))
    assert result.exit_code == 0 and "now wraps 1 case keys" in result.output
    result = runner.invoke(cli, ["keys", "status"], obj=ScriptInfo(create_app=lambda: app))
    assert "version 2: 1 data keys (case 1)" in result.output
    result = runner.invoke(cli, ["purge-expired"], obj=ScriptInfo(create_app=lambda: app))
    assert result.exit_code == 0 and "Purged 0" in result.output


def test_a_missing_key_gives_a_clear_page_not_garbage(app, client, login, make_user, make_case, tmp_path):
    from council.crypto.keyring import FileKeyProvider, Keyring

    worker = make_user("caseworker")
    case = make_case(worker)
    with app.app_context():
        vault().keyring = Keyring(FileKeyProvider(tmp_path))  # an instance whose key files were lost
    login(worker)
    response = client.get(f"/cases/{case.id}")
    assert response.status_code == 503
    body = response.get_data(as_text=True)
    assert "council keys status" in body and "山田" not in body
