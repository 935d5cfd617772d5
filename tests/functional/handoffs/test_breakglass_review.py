"""Who hears of a 緊急アクセス and what they do: the lead institution's supervisors (notice, the sealed reason on the
case, acknowledgement) and the council's auditors (notice, the review list, the review) — never anyone else, and
never with the person's details."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from council.audit.events import AuditTag
from council.audit.models import AuditEvent, AuditEventCase
from council.database import db
from council.handoffs.breakglass.models import BreakGlass
from tests.conftest import english, fresh, sign_in

SUBJECT, REASON = "通知 花子", "近所の人から、数日姿を見ないと連絡。安否確認が必要。"


def client_of(app, user):
    client = english(app.test_client())
    assert sign_in(app, client, user).status_code == 302
    return client


def inbox(client, kind: str) -> list[tuple[str, str]]:
    page = client.get("/").get_data(as_text=True)
    return re.findall(rf'data-testid="inbox-item" data-kind="{kind}"><a href="([^"]+)">([^<]+)</a>', page)


@pytest.fixture
def used(app, make_institution, make_user, make_case):
    """A caseworker of another institution broke into a case of the home institution."""
    home, other = make_institution("ホーム機関"), make_institution("ほかの機関")
    owner = make_user("caseworker", institution=home)
    breaker = make_user("caseworker", institution=other)
    breaker_name = "テスト 利用者"
    case = make_case(owner, name=SUBJECT, kana="ツウチ ハナコ")
    response = client_of(app, breaker).post("/break-glass/", data={
        "case_number": case.number, "risk": "missing", "reason": REASON, "confirm": "y"}, follow_redirects=True)
    assert response.request.path == f"/cases/{case.id}" and SUBJECT in response.get_data(as_text=True)
    with app.app_context():
        row_id = db.session.scalar(select(BreakGlass.id))
    return {"home": home, "other": other, "owner": owner, "breaker": breaker, "case": case, "id": row_id,
            "name": breaker_name}


def test_the_lead_supervisors_are_told_read_the_reason_and_acknowledge(app, used, make_user, make_institution):
    case = used["case"]
    supervisor = client_of(app, make_user("supervisor", institution=used["home"]))
    [(link, text)] = inbox(supervisor, "breakglass.notice")
    assert link == f"/cases/{case.id}#break_glass"
    assert f"Emergency access to case {case.number} by {used['name']} (ほかの機関)" in text
    assert "Whereabouts unknown" in text and SUBJECT not in text and REASON not in text
    page = supervisor.get(link).get_data(as_text=True)
    assert REASON in page and 'data-testid="break-glass-use"' in page
    response = supervisor.post(f"/break-glass/cases/{case.id}/{used['id']}/acknowledge", follow_redirects=True)
    assert "Acknowledged." in response.get_data(as_text=True)
    assert inbox(supervisor, "breakglass.notice") == []
    assert fresh(app, BreakGlass, used["id"]).acknowledged_at is not None
    # Nobody else is told: the breaker's institution's supervisor, the lead's caseworker, another council's.
    for user in (make_user("supervisor", institution=used["other"]), used["owner"],
                 make_user("supervisor", institution=make_institution("よそ", council="よその協議会"))):
        assert inbox(client_of(app, user), "breakglass.notice") == []
    # The lead's caseworker reads the case but not the break-glass section (it is for the supervisors).
    assert REASON not in client_of(app, used["owner"]).get(f"/cases/{case.id}").get_data(as_text=True)


def test_the_councils_auditors_are_told_and_review_it(app, used, make_user, make_institution):
    case = used["case"]
    auditor = make_user("auditor", institution=used["home"])
    client = client_of(app, auditor)
    [(link, text)] = inbox(client, "breakglass.review")
    assert link == f"/break-glass/review/{used['id']}" and case.number in text and SUBJECT not in text
    assert inbox(client_of(app, make_user("auditor", institution=make_institution("よそ", council="よその協議会"))),
                 "breakglass.review") == []
    listing = client.get("/break-glass/review").get_data(as_text=True)
    assert case.number in listing and "Not reviewed — review" in listing and "Whereabouts unknown" in listing
    assert REASON not in listing and SUBJECT not in listing
    assert f'href="/audit/?case={case.number}"' in listing
    # What was done under it: its grant, the opening, the case page it led to.
    events = int(re.search(r'(\d+) events</a>', listing).group(1))
    assert events >= 3
    page = client.get(link).get_data(as_text=True)
    assert REASON not in page and f"break_glass:{used['id']}" in page
    refused = client.post(link, data={"outcome": "follow_up", "note": ""})
    assert refused.status_code == 400 and "Say what needs following up." in refused.get_data(as_text=True)
    response = client.post(link, data={"outcome": "follow_up", "note": "所属長へ確認を依頼 (BG-1)"},
                           follow_redirects=True)
    listing = response.get_data(as_text=True)
    assert f"Review recorded for case {case.number}." in listing
    assert "Needs follow-up" in listing and "所属長へ確認を依頼 (BG-1)" in listing
    assert inbox(client, "breakglass.review") == []
    row = fresh(app, BreakGlass, used["id"])
    assert (row.review_outcome, row.reviewed_by) == ("follow_up", auditor.id)
    again = client.post(link, data={"outcome": "appropriate"})  # a second auditor a moment later: told, not redone
    assert again.status_code == 409 and "already been reviewed" in again.get_data(as_text=True)
    assert fresh(app, BreakGlass, used["id"]).review_outcome == "follow_up"
    with app.app_context():
        reviewed = db.session.scalar(select(AuditEvent).where(AuditEvent.tag == AuditTag.BREAK_GLASS_REVIEWED))
        listed = db.session.scalars(select(AuditEvent.seq).where(AuditEvent.tag == AuditTag.BREAK_GLASS_LISTED)).all()
        shown = db.session.scalars(select(AuditEventCase.case_id).where(AuditEventCase.event_seq.in_(listed))).all()
    assert reviewed.case_number == case.number and reviewed.reason == f"break_glass {used['id']}: follow_up"
    assert "所属長" not in reviewed.reason and set(shown) == {case.id}


def test_unreviewed_uses_are_listed_first(app, used, make_user, make_case):
    auditor = client_of(app, make_user("auditor", institution=used["home"]))
    auditor.post(f"/break-glass/review/{used['id']}", data={"outcome": "appropriate"})
    later = make_case(used["owner"], name="二件目 次郎")
    client_of(app, used["breaker"]).post("/break-glass/", data={
        "case_number": later.number, "risk": "life", "reason": "二件目", "confirm": "y"})
    listing = auditor.get("/break-glass/review").get_data(as_text=True)
    numbers = re.findall(r'data-testid="case-number">(\d{4}-\d{4})', listing)
    assert numbers == [later.number, used["case"].number]


def test_only_auditors_open_the_review_and_only_of_their_council(app, used, make_user, make_institution):
    for role in ("caseworker", "supervisor", "coordinator", "admin"):
        institution = make_institution("調整", coordinator=True) if role == "coordinator" else used["home"]
        client = client_of(app, make_user(role, institution=institution))
        assert client.get("/break-glass/review").status_code == 403
        assert client.get(f"/break-glass/review/{used['id']}").status_code == 403
    elsewhere = client_of(app, make_user("auditor", institution=make_institution("よそ", council="よその協議会")))
    assert used["case"].number not in elsewhere.get("/break-glass/review").get_data(as_text=True)
    assert elsewhere.get(f"/break-glass/review/{used['id']}").status_code == 404
    assert elsewhere.post(f"/break-glass/review/{used['id']}", data={"outcome": "appropriate"}).status_code == 404
