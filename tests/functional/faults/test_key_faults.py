"""A key file missing, truncated or wrong stops the start naming the fix; at run time a value that does not
authenticate is an error page and an audit event, never garbage."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import select

from council import create_app
from council.audit.models import AuditEvent
from council.cases.models import Case, Person
from council.config import ConfigError
from council.database import db
from council.instance import create_keys
from tests.conftest import FAST_HASH, _database_url


@pytest.fixture
def app_config(tmp_path, templates, backend):
    """Each test its own instance folder: these tests damage its keys."""
    folder = tmp_path / "instance"
    create_keys(folder)
    url = _database_url(templates, backend, "council")
    yield {"TESTING": True, "INSTANCE_PATH": folder, "DATABASE_URL": url, "PASSWORD_HASH": FAST_HASH,
           "WTF_CSRF_ENABLED": False}
    templates.drop(url)


def replace_key(app_config, name: str, data: bytes) -> None:
    path = app_config["INSTANCE_PATH"] / "keys" / name
    path.write_bytes(data)
    path.chmod(0o600)


@pytest.mark.parametrize("name", ["kek-0001.key", "index.key"])
def test_a_truncated_key_file_stops_the_start_naming_it(app, app_config, name):
    replace_key(app_config, name, os.urandom(20))
    with pytest.raises(ConfigError, match=rf"{name} does not hold a 32-byte key.*Restore it from your key backup"):
        create_app(app_config)


def test_a_wrong_key_encryption_key_stops_the_start_once_cases_use_it(app, app_config, make_case):
    make_case()
    replace_key(app_config, "kek-0001.key", os.urandom(32))
    with pytest.raises(ConfigError, match=r"kek-0001\.key\) does not open the case keys it wrapped"):
        create_app(app_config)


def test_a_missing_key_version_the_cases_need_stops_the_start(app, app_config, make_case):
    from council.cases.keys import rotate

    make_case()
    with app.app_context():
        rotate()
    (app_config["INSTANCE_PATH"] / "keys" / "kek-0001.key").rename(app_config["INSTANCE_PATH"] / "kek-0001.bak")
    # Version 2 wraps every case key now: the instance starts without version 1 …
    create_app(app_config)
    (app_config["INSTANCE_PATH"] / "keys" / "kek-0002.key").unlink()
    (app_config["INSTANCE_PATH"] / "kek-0001.bak").rename(app_config["INSTANCE_PATH"] / "keys" / "kek-0001.key")
    # … but not without version 2.
    with pytest.raises(ConfigError, match=r"version 2 .*kek-0002\.key.* is missing. Restore it from your key backup"):
        create_app(app_config)


def test_a_value_that_does_not_authenticate_is_an_error_page_and_an_audit_event(app, client, login, make_user,
                                                                                 make_case):
    caseworker = make_user("caseworker")
    login(caseworker)
    case, other = make_case(caseworker, name="改竄 対象"), make_case(caseworker, name="別人 花子")
    with app.app_context():
        # A database administrator moves another case's name into this case's person: it was sealed for another
        # row under another key, so it must not open here.
        subject = db.session.scalar(select(Person).where(Person.case_id == case.id))
        subject.name_enc = db.session.scalar(select(Person.name_enc).where(Person.case_id == other.id))
        db.session.commit()

    page = client.get(f"/cases/{case.id}")

    assert page.status_code == 503
    html = page.get_data(as_text=True)
    assert "別人" not in html and "改竄" not in html and "Traceback" not in html
    with app.app_context():
        event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1)).one()
        assert (event.tag, event.case_number, event.outcome) == ("case:content:unreadable", case.number, "error")
        assert "person.name of row" in event.reason and "別人" not in event.reason
        assert db.session.get(Case, case.id).wrapped_key is not None
