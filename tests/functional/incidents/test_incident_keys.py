"""An incident's own data key: wrapped by the KEK under its own label, re-wrapped by ``council keys rotate``, and
counted before an old KEK version may be retired — so a rotation never orphans an incident's text."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest

from council.cases.vault import vault
from council.core.clock import utcnow
from council.crypto.errors import DecryptionFailed
from council.crypto.keyring import FileKeyProvider, Keyring
from council.database import db
from council.incidents import sealing, services
from council.incidents.models import Incident
from tests.conftest import db_get


def _incident(app, auditor, summary: str) -> int:
    with app.test_request_context():
        actor = db_get(app, type(auditor), auditor.id)
        data = services.IncidentInput(discovered_at=utcnow() - dt.timedelta(hours=1), texts={"summary": summary})
        return services.create(actor=actor, data=data).id


def test_rotation_rewraps_incident_keys_and_retiring_counts_them(app, make_user, make_case, tmp_path):
    keys = tmp_path / "keys"
    shutil.copytree(app.config["INSTANCE_PATH"] / "keys", keys)
    with app.app_context():
        vault().keyring = Keyring(FileKeyProvider(keys))
    incident_id = _incident(app, make_user("auditor"), "USBメモリを紛失した。")
    with app.app_context():
        from council.cases.keys import key_usage, rotate

        assert key_usage() == {1: 1}  # the incident's key counts: version 1 may not be retired
        version, _ = rotate()
        assert key_usage() == {1: 0, version: 1}
        assert db.session.get(Incident, incident_id).key_version == version
        from council.audit.models import AuditEvent

        rewrapped = db.session.query(AuditEvent).filter_by(tag="keys:incident_key:rewrapped").one()
        assert rewrapped.reason == f"version {version}, incidents {incident_id}"
        (keys / "kek-0001.key").unlink()
    with app.test_request_context():
        vault().keyring = Keyring(FileKeyProvider(keys))  # a fresh process: only the new key exists
        assert sealing.open_text(db.session.get(Incident, incident_id), "summary") == "USBメモリを紛失した。"


def test_an_incident_key_never_unwraps_as_the_case_key_of_the_same_id(app, make_user):
    incident_id = _incident(app, make_user("auditor"), "誤送信。")
    with app.app_context():
        incident = db.session.get(Incident, incident_id)
        with pytest.raises(DecryptionFailed):
            vault().keyring.unwrap(incident.wrapped_key, version=incident.key_version, case_id=incident.id)


def test_a_sealed_value_moved_to_another_column_does_not_open(app, make_user):
    incident_id = _incident(app, make_user("auditor"), "誤送信。")
    with app.test_request_context():
        incident = db.session.get(Incident, incident_id)
        incident.cause_enc = incident.summary_enc
        with pytest.raises(DecryptionFailed):
            sealing.open_text(incident, "cause")
