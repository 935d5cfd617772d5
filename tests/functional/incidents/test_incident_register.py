"""The incident register through its pages, on SQLite and PostgreSQL, with the clock at 23:30 UTC (Japan's next
day): who may reach it, what is stored and audited, the deadlines, conflicting edits, the log picker, the report."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import create_engine, select, text

from council.audit.models import AuditEvent, AuditEventCase
from council.core.clock import japan_today
from council.database import db
from council.incidents.models import Incident, IncidentCase
from tests.conftest import english

SUMMARY = "相談記録を印刷した書類を山田花子さん宅に誤って郵送した。"
CAUSE = "宛名の確認を一人で行った。"
PREVENTION = "宛名は二人で確認する。"


def _form(**changes) -> dict:
    """A full incident form as a browser sends it: discovered this morning, Japan time."""
    today = japan_today()
    data = {"discovered_at": f"{today.isoformat()}T08:00", "occurred_at": "", "state": "handling",
            "situations": ["sensitive"], "summary": SUMMARY, "data_items": ["name", "address", "consultation"],
            "encryption": "none", "other_persons": "0", "cause": CAUSE, "secondary_harm": "",
            "notices": "本人へ電話で謝罪した。", "publication": "", "prevention": PREVENTION,
            "preliminary_reported_on": "", "final_reported_on": "", "version": ""}
    data.update(changes)
    return data


def _register(client, **changes) -> int:
    response = client.post("/incidents/new", data=_form(**changes))
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])


@pytest.fixture
def auditor(make_user, make_institution):
    return make_user("auditor", institution=make_institution("監査担当"))


def test_an_auditor_registers_an_incident_whose_text_is_stored_only_encrypted(app, login, auditor):
    client = login(auditor)
    incident_id = _register(client)
    page = client.get(f"/incidents/{incident_id}").get_data(as_text=True)
    assert SUMMARY in page and CAUSE in page and PREVENTION in page
    engine = create_engine(app.config["DATABASE_URL"])
    with engine.connect() as connection:
        row = connection.execute(text("SELECT * FROM incident WHERE id = :id"), {"id": incident_id}).mappings().one()
        dumped = " ".join(repr(value) for value in row.values())
        for phrase in ("山田", "花子", SUMMARY, CAUSE, PREVENTION, "謝罪"):
            assert phrase not in dumped and phrase.encode() not in b"".join(
                bytes(value) for value in row.values() if isinstance(value, bytes | memoryview))
        assert row["summary_enc"] is not None and row["wrapped_key"] is not None
        events = connection.execute(text("SELECT tag, reason FROM audit_event WHERE target_type = 'incident'")).all()
    engine.dispose()
    assert [tag for tag, _ in events][:1] == ["incident:register:created"]
    assert all("山田" not in (reason or "") for _, reason in events)


def test_the_coordinator_sees_the_register_and_other_roles_do_not(app, client, login, make_user, make_institution,
                                                                  auditor):
    incident_id = _register(login(auditor))
    client.post("/logout")
    coordinator = make_user("coordinator", institution=make_institution("調整機関", coordinator=True))
    assert SUMMARY in login(coordinator).get(f"/incidents/{incident_id}").get_data(as_text=True)
    for role in ("caseworker", "supervisor", "member", "admin"):
        client.post("/logout")
        other = login(make_user(role))
        for path in ("/incidents/", f"/incidents/{incident_id}", f"/incidents/{incident_id}/report",
                     f"/incidents/{incident_id}/edit"):
            response = other.get(path)
            assert response.status_code in (403, 404), (role, path)
            assert SUMMARY not in response.get_data(as_text=True)


def test_another_councils_auditor_cannot_reach_the_incident(app, client, login, make_user, make_institution,
                                                           auditor):
    incident_id = _register(login(auditor))
    client.post("/logout")
    stranger = make_user("auditor", institution=make_institution("他市の監査", council="別市協議会"))
    other = login(stranger)
    assert "incident-row" not in other.get("/incidents/").get_data(as_text=True)
    for path in (f"/incidents/{incident_id}", f"/incidents/{incident_id}/report", f"/incidents/{incident_id}/edit"):
        assert other.get(path).status_code == 404
    response = other.post(f"/incidents/{incident_id}/edit", data=_form(summary="上書き", version="1"))
    assert response.status_code == 404
    with app.app_context():
        assert db.session.get(Incident, incident_id).version == 1


def test_deadlines_count_from_the_japan_date_and_60_days_for_a_wrongful_purpose(app, login, auditor):
    client = english(login(auditor))
    today = japan_today()  # at 23:30 UTC: already the next day in Japan
    plain = _register(client)
    malicious = _register(client, situations=["malicious"])
    with app.app_context():
        from council.incidents.deadlines import deadlines, final_due

        plain_final = deadlines(db.session.get(Incident, plain))[1]
        malicious_final = deadlines(db.session.get(Incident, malicious))[1]
        assert plain_final.due_on == final_due(today, malicious=False) >= today + dt.timedelta(days=30)
        assert malicious_final.due_on == final_due(today, malicious=True) >= today + dt.timedelta(days=60)
    page = client.get(f"/incidents/{malicious}").get_data(as_text=True)
    assert "60 days" in page and malicious_final.due_on.isoformat() in page


def test_an_overdue_report_is_highlighted_and_in_the_inbox(app, login, auditor):
    client = english(login(auditor))
    long_ago = japan_today() - dt.timedelta(days=10)
    incident_id = _register(client, discovered_at=f"{long_ago.isoformat()}T09:00")
    register = client.get("/incidents/").get_data(as_text=True)
    assert 'data-testid="deadline-preliminary" data-urgency="overdue"' in register
    assert "overdue by 5 days" in register
    inbox = client.get("/inbox").get_data(as_text=True)
    assert f"Incident No. {incident_id}: the preliminary report (速報) was due" in inbox
    assert SUMMARY not in inbox
    # Once the 速報 was made, it is done and leaves the inbox; the 確報 is still weeks away.
    form = _form(discovered_at=f"{long_ago.isoformat()}T09:00", state="preliminary_reported",
                 preliminary_reported_on=(long_ago + dt.timedelta(days=3)).isoformat(), version="1")
    assert client.post(f"/incidents/{incident_id}/edit", data=form).status_code == 302
    inbox = client.get("/inbox").get_data(as_text=True)
    assert f"Incident No. {incident_id}: the" not in inbox


def test_a_report_due_soon_is_in_the_inbox_of_the_coordinator_too(app, client, login, make_user, make_institution,
                                                                 auditor):
    four_days_ago = japan_today() - dt.timedelta(days=4)
    incident_id = _register(login(auditor), discovered_at=f"{four_days_ago.isoformat()}T09:00")
    client.post("/logout")
    coordinator = make_user("coordinator", institution=make_institution("調整機関", coordinator=True))
    inbox = english(login(coordinator)).get("/inbox").get_data(as_text=True)
    assert f"Incident No. {incident_id}: the preliminary report (速報) is due" in inbox


def test_every_change_is_audited_with_the_fields_it_changed(app, login, auditor):
    client = login(auditor)
    incident_id = _register(client)
    response = client.post(f"/incidents/{incident_id}/edit", data=_form(cause="委託先の誤送信。", version="1"))
    assert response.status_code == 302
    with app.app_context():
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.tag == "incident:register:changed")).one()
        assert event.actor_user_id == auditor.id and event.target_id == str(incident_id)
        assert event.reason.endswith("changed cause") and "委託" not in event.reason
        assert db.session.get(Incident, incident_id).version == 2


def test_a_conflicting_edit_is_refused_and_keeps_what_was_typed(app, login, auditor):
    client = english(login(auditor))
    incident_id = _register(client)
    assert client.post(f"/incidents/{incident_id}/edit",
                       data=_form(prevention="第一の対策。", version="1")).status_code == 302
    response = client.post(f"/incidents/{incident_id}/edit", data=_form(prevention="第二の対策。", version="1"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Someone else saved this page" in page
    assert "第二の対策。" in page and 'data-testid="stored-now"' in page and "第一の対策。" in page
    with app.app_context():
        from council.incidents.sealing import open_text

        assert open_text(db.session.get(Incident, incident_id), "prevention") == "第一の対策。"


def test_a_future_discovery_is_refused_with_the_form_kept(app, login, auditor):
    client = english(login(auditor))
    tomorrow = japan_today() + dt.timedelta(days=1)
    response = client.post("/incidents/new", data=_form(discovered_at=f"{tomorrow.isoformat()}T08:00"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "lies in the future" in page and SUMMARY in page


def test_affected_cases_are_picked_from_the_log_and_counted(app, client, login, make_user, make_case, auditor):
    worker = make_user("caseworker")
    case = make_case(worker)
    make_case(worker)  # another case the same day: not the one searched for
    login(worker).get(f"/cases/{case.id}")
    client.post("/logout")
    client = english(login(auditor))
    incident_id = _register(client)
    today = japan_today().isoformat()
    page = client.get(f"/incidents/{incident_id}?case={case.number}&since={today}&until={today}")
    text_ = page.get_data(as_text=True)
    assert "Case page viewed" in text_ and worker.username in text_
    assert "2 events found, about 1 cases and 1 persons" in text_ and "山田 太郎" not in text_
    response = client.post(f"/incidents/{incident_id}/cases", data={"pick-case_ids": [str(case.id)],
                                                                      "pick-version": "1"})
    assert response.status_code == 302
    with app.app_context():
        picked = db.session.scalars(select(IncidentCase)).all()
        assert [(row.case_id, row.case_number) for row in picked] == [(case.id, case.number)]
        added = db.session.scalars(select(AuditEvent).where(AuditEvent.tag == "incident:cases:added")).one()
        linked = db.session.scalars(select(AuditEventCase.case_id).where(AuditEventCase.event_seq == added.seq))
        assert list(linked) == [case.id]
    view = client.get(f"/incidents/{incident_id}").get_data(as_text=True)
    assert 'data-testid="affected-case"' in view and "1 persons" in view


def test_a_case_of_another_council_cannot_be_picked(app, client, login, make_user, make_case, make_institution,
                                                   auditor):
    stranger = make_user("caseworker", institution=make_institution("他市", council="別市協議会"))
    foreign = make_case(stranger)
    client = english(login(auditor))
    incident_id = _register(client)
    response = client.post(f"/incidents/{incident_id}/cases", data={"pick-case_ids": [str(foreign.id)],
                                                                      "pick-version": "1"}, follow_redirects=True)
    assert "Choose at least one case found in the log" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(select(IncidentCase)).all() == []


def test_a_search_without_a_case_number_is_limited_to_a_month(app, login, auditor):
    client = english(login(auditor))
    incident_id = _register(client)
    since, until = japan_today() - dt.timedelta(days=40), japan_today()
    page = client.get(f"/incidents/{incident_id}?case=&since={since}&until={until}").get_data(as_text=True)
    assert "at most 31 days at a time" in page


def test_the_report_prints_under_the_ppc_headings_and_is_audited(app, login, auditor):
    client = login(auditor)
    incident_id = _register(client)
    page = client.get(f"/incidents/{incident_id}/report").get_data(as_text=True)
    assert 'class="print"' in page and SUMMARY in page
    for heading in ("概要", "個人データの項目", "本人の数", "原因", "二次被害", "本人への対応", "公表", "再発防止"):
        assert heading in page
    with app.app_context():
        assert db.session.scalar(select(AuditEvent.actor_user_id).where(
            AuditEvent.tag == "incident:report:printed")) == auditor.id


def test_a_case_picked_by_mistake_is_taken_off_and_that_is_audited(app, client, login, make_user, make_case,
                                                                   auditor):
    case = make_case(make_user("caseworker"))
    client = english(login(auditor))
    incident_id = _register(client)
    client.post(f"/incidents/{incident_id}/cases", data={"pick-case_ids": [str(case.id)], "pick-version": "1"})
    stale = client.post(f"/incidents/{incident_id}/cases/remove", data={"case": str(case.id), "version": "1"},
                        follow_redirects=True)
    assert "Someone else saved this page" in stale.get_data(as_text=True)
    response = client.post(f"/incidents/{incident_id}/cases/remove", data={"case": str(case.id), "version": "2"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalars(select(IncidentCase)).all() == []
        removed = db.session.scalars(select(AuditEvent).where(AuditEvent.tag == "incident:cases:removed")).one()
        assert removed.reason == f"case {case.number}" and removed.actor_user_id == auditor.id
