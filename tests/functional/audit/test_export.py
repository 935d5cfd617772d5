"""The CSV export: the filtered screen's events in the same words, readable by Excel, formulas neutralised,
bounded, and itself audited."""

import csv
import io
import re

import pytest
from sqlalchemy import select

from council.audit import export
from council.audit.events import AuditTag, record
from council.audit.models import AuditEvent
from council.auth.models import User
from council.database import db
from tests.conftest import db_get


@pytest.fixture
def auditor(make_user, make_institution):
    return make_user("auditor", institution=make_institution("監査室"))


def parse(body: bytes) -> list[list[str]]:
    assert body.startswith("\ufeff".encode())  # Excel in Japanese reads UTF-8 only with its byte-order mark
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_the_csv_holds_exactly_the_filtered_screen(app, client, login, auditor, make_user, make_case):
    worker = make_user("caseworker", username="sato")
    case = make_case(worker)
    stranger = make_user("caseworker", username="tanaka")
    login(stranger)
    client.get(f"/cases/{case.id}")
    client.get("/logout")
    login(auditor)
    query = f"case={case.number}&kind=case"
    screen = client.get(f"/audit/?{query}").get_data(as_text=True)
    response = client.get(f"/audit/export.csv?{query}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    header, *lines = parse(response.data)
    assert header[:3] == ["番号", "日時（日本時間）", "内容"]
    assert [int(line[0]) for line in lines] == [int(s) for s in re.findall(r'<tr data-seq="(\d+)"', screen)]
    refused = next(line for line in lines if line[3] == AuditTag.CASE_ACCESS_DENIED)
    assert refused[2] == "ケースへのアクセスを拒否" and refused[5] == "tanaka" and refused[9] == case.number
    assert refused[13] == "拒否"
    assert "山田" not in response.data.decode("utf-8-sig")  # case numbers only


def test_the_export_is_audited_with_its_case(app, client, login, auditor, make_case):
    case = make_case()
    login(auditor)
    client.get(f"/audit/export.csv?case={case.number}")
    with app.app_context():
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.tag == AuditTag.AUDIT_LOG_EXPORTED)).one()
    assert (event.actor_user_id, event.case_number) == (auditor.id, case.number)
    assert event.reason.endswith("events")


def test_formulas_are_neutralised(app, client, login, auditor):
    with app.test_request_context():
        record(tag=AuditTag.GRANT_ENDED, actor=db_get(app, User, auditor.id), reason="=HYPERLINK(\"http://x\")")
        record(tag=AuditTag.GRANT_ENDED, actor=db_get(app, User, auditor.id), reason="@SUM(A1)")
        db.session.commit()
    login(auditor)
    _header, *lines = parse(client.get("/audit/export.csv?kind=shares").data)
    assert sorted(line[14] for line in lines) == ["'=HYPERLINK(\"http://x\")", "'@SUM(A1)"]


@pytest.mark.parametrize(("value", "cell"), [("=1+2", "'=1+2"), ("+81", "'+81"), ("-3", "'-3"), ("@x", "'@x"),
                                             ("\tx", "'\tx"), ("2026-0001", "2026-0001"), (None, ""), (42, "42")])
def test_neutralise(value, cell):
    assert export.neutralise(value) == cell


def test_the_export_is_bounded(app, client, login, auditor, monkeypatch):
    monkeypatch.setattr(export, "EXPORT_LIMIT", 5)
    with app.test_request_context():
        for _ in range(8):
            record(tag=AuditTag.CASE_SEARCHED, actor=db_get(app, User, auditor.id))
        db.session.commit()
    login(auditor)
    _header, *lines = parse(client.get("/audit/export.csv?kind=lists").data)
    assert len(lines) == 5
    with app.app_context():
        reason = db.session.scalar(select(AuditEvent.reason).where(AuditEvent.tag == AuditTag.AUDIT_LOG_EXPORTED))
    assert reason == "5 events, limit reached"
