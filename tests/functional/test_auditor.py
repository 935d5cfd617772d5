"""The auditor's workspace: their own council's events only, verification, and being audited."""

import pytest
from sqlalchemy import func, select, text

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
    page = client.get("/audit/?kind=sign_in").get_data(as_text=True)
    assert f"({auditor.username})" in page  # own sign-in
    assert outsider.username not in page  # another council's failure
    with app.app_context():
        unknown = db.session.scalars(select(AuditEvent).where(AuditEvent.council_id.is_(None))).all()
    assert unknown and all(f'data-seq="{event.seq}"' not in page for event in unknown)
    with app.app_context():
        assert db.session.scalars(select(AuditEvent.tag).order_by(AuditEvent.seq.desc())).first() == \
            "audit:log:viewed"


@pytest.mark.parametrize("role", ["caseworker", "supervisor", "coordinator", "member", "admin"])
def test_only_auditors_reach_the_audit_log(client, login, make_user, role):
    login(make_user(role))
    assert client.get("/audit/").status_code == 403
    assert client.post("/audit/verify").status_code == 403


def test_verify_page_reports_intact_then_the_altered_event(app, client, login, auditor):
    login(auditor)
    assert 'data-testid="verify-result"' in client.post("/audit/verify", follow_redirects=True).get_data(as_text=True)
    assert "status-ok" in client.post("/audit/verify", follow_redirects=True).get_data(as_text=True)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            db.session.execute(text("DROP TRIGGER audit_event_no_update"))
        else:
            db.session.execute(text("ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_update_delete"))
        db.session.execute(text("UPDATE audit_event SET reason = 'hidden' WHERE seq = 2"))
        db.session.commit()
    page = client.post("/audit/verify", follow_redirects=True).get_data(as_text=True)
    assert "status-bad" in page and "2" in page.split('data-testid="verify-result">', 1)[1][:80]


def test_the_auditor_counts_only_their_own_council_s_events(app, client, login, auditor, make_user, make_institution):
    """The chain holds every council's events; its length would show another council's activity."""
    outsider = make_user("caseworker", institution=make_institution("よその機関", council="別の協議会"))
    busy = app.test_client()
    for _ in range(3):
        busy.post("/login", data={"username": outsider.username, "password": "wrong password x"})
    login(auditor)
    with app.app_context():
        ours = db.session.scalar(select(func.count()).select_from(AuditEvent)
                                 .where(AuditEvent.council_id == auditor.council_id))
        whole = db.session.scalar(select(func.count()).select_from(AuditEvent))
    assert whole >= ours + 3
    verified = client.post("/audit/verify", follow_redirects=True).get_data(as_text=True).split(
        'data-testid="verify-result">', 1)[1]
    assert f"この協議会の {ours} 件" in verified.split("</p>", 1)[0]  # the walk's, before its own event
    assert str(whole) not in verified.split("</p>", 1)[0]
    with app.app_context():
        reason = db.session.scalars(select(AuditEvent.reason).where(AuditEvent.tag == "audit:chain:verified")).first()
    assert reason == "intact"  # the event lands in the auditor's council, so it names no deployment-wide count


@pytest.mark.parametrize("query", ["institution=99999999999999999999999", "before=99999999999999999999999",
                                   f"after={2**63 - 1}", "before=-99999999999999999999999"])
def test_oversized_numbers_in_the_log_filter_are_ignored_not_a_500(client, login, auditor, query):
    login(auditor)
    assert client.get(f"/audit/?{query}").status_code == 200


def test_an_event_about_several_cases_names_its_kind_not_none(app, client, login, auditor, make_user):
    worker = make_user("caseworker", institution=auditor.institution)
    login(worker)
    client.get("/cases/")  # one event about the cases the list showed: a target type, no one target id
    client.get("/logout")
    login(auditor)
    page = client.get("/audit/").get_data(as_text=True)
    assert "ケース一覧を閲覧" in page and "None" not in page, page.split("<tbody>")[1][:3000]
