"""Pages a role may not open answer 403 and leave one audit event (``page:access:denied``): who, which page (its
endpoint, never its URL or query string), refused. The auditor reads it in Japanese and English; the anomaly rule
"repeated refusals" keeps counting refused case requests only. Both databases."""

from __future__ import annotations

import datetime as dt

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from council.audit.describe import tag_label
from council.audit.events import AuditTag
from council.audit.filters import LogFilter
from council.audit.models import AuditEvent
from council.audit.reasons import reason_words
from council.audit.reviews import anomalies
from council.core import clock
from council.database import db
from tests.conftest import english, sign_in


@pytest.fixture
def auditor(make_user, make_institution):
    return make_user("auditor", institution=make_institution("監査室"))


def _client(app, user):
    client = app.test_client()
    assert sign_in(app, client, user).status_code == 302
    return client


def _events(app, tag: str = AuditTag.PAGE_ACCESS_DENIED) -> list[AuditEvent]:
    with app.app_context():
        rows = list(db.session.scalars(select(AuditEvent).where(AuditEvent.tag == tag).order_by(AuditEvent.seq)))
        for row in rows:
            db.session.expunge(row)
        return rows


def test_a_caseworker_opening_the_auditors_workspace_gets_403_and_one_event(app, make_user, auditor):
    caseworker = make_user("caseworker", username="curious")
    client = _client(app, caseworker)
    assert client.get("/audit/?user=山田&case=2026-0001").status_code == 403
    (event,) = _events(app)
    assert (event.actor_user_id, event.actor_institution_id) == (caseworker.id, caseworker.institution_id)
    assert (event.outcome, event.target_type, event.target_id) == ("denied", "page", "audit.log")
    assert event.reason == "audit:log:view audit.log"
    assert event.council_id == caseworker.council_id and event.case_id is None
    stored = " ".join(str(value) for value in (event.reason, event.target_id, event.basis, event.case_number))
    assert "山田" not in stored and "2026-0001" not in stored and "?" not in stored
    # The auditor reads it, in English and in Japanese, among the refused pages.
    reader = english(_client(app, auditor))
    page = reader.get("/audit/?kind=pages_refused").get_data(as_text=True)
    assert f'data-seq="{event.seq}"' in page and "Page refused: the role may not open it" in page
    assert "open the auditor&#39;s workspace (page audit.log)" in page and "(curious)" in page
    with app.test_request_context(), force_locale("ja"):
        assert tag_label(AuditTag.PAGE_ACCESS_DENIED) == "権限のない画面へのアクセスを拒否"
        assert reason_words(event.tag, event.reason) == "求めた操作：監査担当者の画面を開く（画面 audit.log）"


@pytest.mark.parametrize(("role", "path", "endpoint", "permission"), [
    ("caseworker", "/admin/users", "auth.users", "admin:users:manage"),
    ("auditor", "/cases/ledger", "ledger.page", "cases:ledger:view"),
    ("admin", "/audit/anomalies", "audit.anomaly_list", "audit:log:view"),
])
def test_every_page_refused_by_role_is_recorded_once(app, make_user, role, path, endpoint, permission):
    user = make_user(role)
    client = _client(app, user)
    assert client.get(path).status_code == 403
    assert [(e.actor_user_id, e.target_id, e.reason) for e in _events(app)] == [
        (user.id, endpoint, f"{permission} {endpoint}")]


def test_anonymous_requests_go_to_login_and_are_not_recorded(app):
    response = app.test_client().get("/audit/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert _events(app) == []


def test_a_case_url_refused_by_role_stays_a_refused_case_request(app, make_user, make_case, auditor):
    case = make_case(make_user("caseworker"))
    assert _client(app, auditor).get(f"/cases/{case.id}").status_code == 404
    assert _events(app) == []
    assert [e.actor_user_id for e in _events(app, AuditTag.CASE_ACCESS_DENIED)] == [auditor.id]


def test_a_coordinator_of_another_institution_is_refused_the_scheduling_page_and_recorded(app, make_user,
                                                                                          make_institution):
    coordinator = make_user("coordinator", institution=make_institution("地域包括"))  # not the 調整機関
    assert _client(app, coordinator).get("/meetings/new").status_code == 403
    assert [(e.actor_user_id, e.reason) for e in _events(app)] == [
        (coordinator.id, "meetings:meeting:manage meetings.new")]


def test_the_repeated_refusals_rule_counts_refused_case_requests_not_pages(app, make_user):
    app.config.update(AUDIT_REFUSALS_PER_DAY=2)
    client = _client(app, make_user("caseworker"))
    for _ in range(3):
        assert client.get("/audit/").status_code == 403
    today = clock.japan_today()
    with app.test_request_context():
        council_id = _events(app)[0].council_id
        found = anomalies.RULES_BY_KEY["refusals"].find(council_id, LogFilter(since=today - dt.timedelta(days=1),
                                                                               until=today))
    assert len(_events(app)) == 3 and found == []
    for number in range(2):
        assert client.get(f"/cases/{900_000 + number}").status_code == 404
    with app.test_request_context():
        found = anomalies.RULES_BY_KEY["refusals"].find(council_id, LogFilter(since=today - dt.timedelta(days=1),
                                                                               until=today))
    assert [finding.count for finding in found] == [2]
