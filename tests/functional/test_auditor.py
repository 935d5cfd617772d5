"""The auditor's workspace: their own council's events only, verification, and being audited."""

import pytest
from sqlalchemy import select, text

from council.audit.models import AuditEvent
from council.database import db


@pytest.fixture
def auditor(make_user, make_institution):
    return make_user("auditor", institution=make_institution("監査室"))


def test_auditor_sees_own_council_events_only(app, client, login, auditor, make_user, make_institution):
    outsider = make_user("caseworker", institution=make_institution("よその機関", council="別の協議会"))
    client_other = app.test_client()
    client_other.post("/login", data={"username": outsider.username, "password": "wrong password x"})
    app.test_client().post("/login", data={"username": "no-such-user", "password": "wrong password x"})
    login(auditor)
    page = client.get("/audit/?tag=auth").get_data(as_text=True)
    assert f"user_account {auditor.id}" in page  # own sign-in
    assert f"user_account {outsider.id}" not in page  # another council's failure
    with app.app_context():
        unknown = db.session.scalars(select(AuditEvent).where(AuditEvent.council_id.is_(None))).all()
    assert unknown and all(f"<td>{event.seq}</td>" not in page for event in unknown)
    with app.app_context():
        assert db.session.scalars(select(AuditEvent.tag).order_by(AuditEvent.seq.desc())).first() == \
            "audit.log_viewed"


@pytest.mark.parametrize("role", ["caseworker", "supervisor", "coordinator", "member", "admin"])
def test_only_auditors_reach_the_audit_log(client, login, make_user, role):
    login(make_user(role))
    assert client.get("/audit/").status_code == 403
    assert client.post("/audit/verify").status_code == 403


def test_verify_page_reports_intact_then_the_altered_event(app, client, login, auditor):
    login(auditor)
    assert 'data-testid="verify-result"' in client.post("/audit/verify").get_data(as_text=True)
    assert "status-ok" in client.post("/audit/verify").get_data(as_text=True)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            db.session.execute(text("DROP TRIGGER audit_event_no_update"))
        else:
            db.session.execute(text("ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_update_delete"))
        db.session.execute(text("UPDATE audit_event SET reason = 'hidden' WHERE seq = 2"))
        db.session.commit()
    page = client.post("/audit/verify").get_data(as_text=True)
    assert "status-bad" in page and "2" in page.split('data-testid="verify-result">', 1)[1][:80]
