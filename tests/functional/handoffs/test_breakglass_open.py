"""緊急アクセス as the user who needs it: naming a case, saying why, reading it for a few hours under its own basis,
ending it — and every way it is refused (another council's number, a purged case, roles outside casework)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

from council.access.models import CaseGrant
from council.audit.events import AuditTag
from council.audit.models import AuditEvent
from council.cases.duplicates import issue_hit_token
from council.cases.models import Case
from council.core import clock
from council.database import db
from council.handoffs.breakglass.models import BreakGlass
from tests.conftest import db_get, english, fresh, sign_in

SUBJECT, REASON = "緊急 太郎", "姉から電話。三日間連絡が取れず、安否の確認が必要。"


@pytest.fixture
def scene(app, make_institution, make_user, make_case):
    """A case of the home institution, and a caseworker of another institution of the same council."""
    home = make_institution("ホーム機関")
    owner = make_user("caseworker", institution=home)
    outsider = make_user("caseworker", institution=make_institution("ほかの機関"))
    case = make_case(owner, name=SUBJECT, kana="キンキュウ タロウ")
    return {"home": home, "owner": owner, "outsider": outsider, "case": case}


def client_of(app, user):
    client = english(app.test_client())
    assert sign_in(app, client, user).status_code == 302
    return client


def form(number: str, **overrides) -> dict:
    return {"case_number": number, "risk": "life", "reason": REASON, "confirm": "y", **overrides}


def rows(app) -> list[BreakGlass]:
    with app.app_context():
        found = list(db.session.scalars(select(BreakGlass).order_by(BreakGlass.id)))
        for row in found:
            db.session.expunge(row)
        return found


def test_a_caseworker_opens_a_case_by_its_number_and_everything_read_carries_the_basis(app, scene):
    case, client = scene["case"], client_of(app, scene["outsider"])
    assert client.get(f"/cases/{case.id}").status_code == 404
    response = client.post("/break-glass/", data=form(case.number))
    assert response.status_code == 302 and response.headers["Location"] == f"/cases/{case.id}#break_glass"
    [row] = rows(app)
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    until = clock.in_japan(row.expires_at).strftime("%H:%M")
    assert SUBJECT in page and f"Emergency access in use — until {until} (Japan time)" in page
    assert REASON in page and "emergency access (緊急アクセス)" in page
    # At the top, not after the case's sections: the reader must not miss it while working on the case.
    assert page.index('data-testid="break-glass-banner"') < page.index('data-testid="person-name"')
    # The grant: the user's, full, 緊急, for four hours; the reason sealed, not stored as text.
    grant = fresh(app, CaseGrant, row.grant_id)
    assert (grant.user_id, grant.scope, grant.legal_basis, grant.basis) == (
        scene["outsider"].id, "full", "emergency", f"break_glass:{row.id}")
    assert grant.expires_at - grant.starts_at == dt.timedelta(hours=4) == row.expires_at - row.opened_at
    assert REASON.encode() not in row.reason_enc and (row.risk, row.via) == ("life", "number")
    client.get(f"/cases/{case.id}/print")
    with app.app_context():
        reads = list(db.session.scalars(select(AuditEvent.basis).where(
            AuditEvent.case_id == case.id, AuditEvent.actor_user_id == scene["outsider"].id,
            AuditEvent.tag.in_([AuditTag.CASE_VIEWED, AuditTag.CASE_PRINTED]))))
        opened = db.session.scalar(select(AuditEvent).where(AuditEvent.tag == AuditTag.BREAK_GLASS_OPENED))
    assert reads and set(reads) == {f"break_glass:{row.id}"}
    assert opened.case_number == case.number and opened.basis == f"break_glass:{row.id}"
    assert REASON not in (opened.reason or "") and "risk life" in opened.reason


def test_the_access_ends_by_itself_after_four_hours(app, app_config, scene):
    """Seen by one signed-in user across the hours: the same database, served by an app whose sessions outlast
    the grant (by default they end after 30 idle minutes, long before)."""
    from council import create_app
    from council.database import db as database

    patient = create_app({**app_config, "SESSION_IDLE": dt.timedelta(hours=8)})
    try:
        case, client = scene["case"], client_of(patient, scene["outsider"])
        client.post("/break-glass/", data=form(case.number))
        [row] = rows(app)
        with clock.moved_to(row.expires_at - dt.timedelta(minutes=1)):
            assert client.get(f"/cases/{case.id}").status_code == 200
        with clock.moved_to(row.expires_at + dt.timedelta(minutes=1)):
            assert client.get(f"/cases/{case.id}").status_code == 404
            assert "Emergency access in use" not in client.get("/cases/").get_data(as_text=True)
    finally:
        database.dispose(patient)


def test_the_hours_are_a_setting(app, app_config, scene):
    from council import create_app
    from council.database import db as database

    brief = create_app({**app_config, "BREAK_GLASS_HOURS": 1})
    try:
        client_of(brief, scene["outsider"]).post("/break-glass/", data=form(scene["case"].number))
        [row] = rows(app)
        assert row.expires_at - row.opened_at == dt.timedelta(hours=1)
    finally:
        database.dispose(brief)


def test_the_user_ends_it_early_and_the_case_closes_to_them(app, scene):
    case, client = scene["case"], client_of(app, scene["outsider"])
    client.post("/break-glass/", data=form(case.number))
    [row] = rows(app)
    page = client.post(f"/break-glass/cases/{case.id}/{row.id}/end", follow_redirects=True).get_data(as_text=True)
    assert f"Your emergency access to case {case.number} has ended." in page
    assert client.get(f"/cases/{case.id}").status_code == 404
    grant = fresh(app, CaseGrant, row.grant_id)
    assert grant.ended_by == scene["outsider"].id and grant.end_reason == "break_glass_ended_by_user"


def test_another_councils_case_number_answers_like_a_missing_one(app, scene, make_institution, make_user,
                                                                 make_case):
    elsewhere = make_user("caseworker", institution=make_institution("よその機関", council="よその協議会"))
    make_case(elsewhere, name="よその 一郎")
    theirs = make_case(elsewhere, name="よその 花子")  # numbered per council: this council has no such number yet
    with app.app_context():
        assert db.session.scalar(select(Case.id).where(Case.council_id == scene["home"].council_id,
                                                       Case.number == theirs.number)) is None
    client = client_of(app, scene["outsider"])
    answers = []
    for number in (theirs.number, "2026-0999"):
        response = client.post("/break-glass/", data=form(number))
        assert response.status_code == 400
        answers.append(re.sub(r"(value|nonce)=\"[^\"]*\"|\d{4}-\d{4}", "", response.get_data(as_text=True)))
    assert answers[0] == answers[1]
    assert "There is no case with this number in your council." in answers[0]
    assert rows(app) == []
    with app.app_context():
        refusals = list(db.session.scalars(select(AuditEvent).where(AuditEvent.tag == AuditTag.BREAK_GLASS_REFUSED)))
    assert [(e.case_id, e.case_number, e.reason, e.outcome) for e in refusals] == [
        (None, None, "no_such_case", "denied")] * 2
    assert all(e.council_id == scene["home"].council_id for e in refusals)


def test_a_refused_form_keeps_what_was_typed(app, scene):
    case, client = scene["case"], client_of(app, scene["outsider"])
    response = client.post("/break-glass/", data=form(case.number, confirm="", risk="missing"))
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and 'data-testid="error-summary"' in page
    assert "Confirm that you understand how emergency access is reviewed." in page
    assert REASON in page and f'value="{case.number}"' in page and '<option selected value="missing">' in page
    response = client.post("/break-glass/", data=form("2026-9999", reason=""))
    page = response.get_data(as_text=True)
    assert "Say why you must open this case now." in page and "There is no case with this number" in page
    assert 'value="2026-9999"' in page and rows(app) == []


def test_a_user_who_already_reaches_the_case_is_sent_to_it(app, scene, make_user):
    case = scene["case"]
    for user in (scene["owner"], make_user("supervisor", institution=scene["home"])):
        client = client_of(app, user)
        response = client.post("/break-glass/", data=form(case.number), follow_redirects=True)
        assert f"You can already open case {case.number}; no emergency access is needed." in \
            response.get_data(as_text=True)
        assert response.request.path == f"/cases/{case.id}"
    assert rows(app) == []


@pytest.mark.parametrize("role", ["coordinator", "member", "auditor", "admin"])
def test_roles_outside_casework_cannot_break_glass(app, scene, make_user, make_institution, role):
    institution = make_institution("調整機関", coordinator=True) if role == "coordinator" else scene["home"]
    client = client_of(app, make_user(role, institution=institution))
    assert client.get("/break-glass/").status_code == 403
    assert client.post("/break-glass/", data=form(scene["case"].number)).status_code == 403
    assert rows(app) == []


def test_a_purged_case_cannot_be_opened(app, scene):
    case = scene["case"]
    with app.app_context():
        stored = db_get(app, Case, case.id)
        stored.wrapped_key, stored.key_version, stored.purged_at = None, None, clock.utcnow()
        db.session.commit()
    response = client_of(app, scene["outsider"]).post("/break-glass/", data=form(case.number))
    assert response.status_code == 400 and "This case was purged" in response.get_data(as_text=True)
    assert rows(app) == []


def test_a_restricted_case_can_be_opened_and_the_notice_says_so(app, scene):
    case = scene["case"]
    with app.app_context():
        db_get(app, Case, case.id).restricted = True
        db.session.commit()
    client = client_of(app, scene["outsider"])
    client.post("/break-glass/", data=form(case.number))
    [row] = rows(app)
    assert row.restricted
    assert "This case is marked 要配慮" in client.get(f"/cases/{case.id}").get_data(as_text=True)


def test_a_summary_share_may_break_glass_to_the_whole_case(app, scene):
    from council.access import grants
    from council.auth.models import Institution, User

    case, outsider = scene["case"], scene["outsider"]
    with app.app_context():
        grants.grant(actor=db_get(app, User, scene["owner"].id), case=db_get(app, Case, case.id), scope="summary",
                     basis="referral:1", legal_basis="council_sharing",
                     institution=db_get(app, Institution, outsider.institution_id))
        db.session.commit()
    client = client_of(app, outsider)
    assert SUBJECT not in client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert client.post("/break-glass/", data=form(case.number)).status_code == 302
    assert SUBJECT in client.get(f"/cases/{case.id}").get_data(as_text=True)


def test_the_duplicate_checks_hit_names_the_case_without_its_number(app, scene):
    case, outsider = scene["case"], scene["outsider"]
    with app.test_request_context():
        token = issue_hit_token(case.id, outsider)
        someone_elses = issue_hit_token(case.id, scene["owner"])
    client = client_of(app, outsider)
    page = client.get(f"/break-glass/?hit={token}").get_data(as_text=True)
    assert "The case found by the duplicate check, held by ホーム機関." in page
    assert case.number not in page and 'name="case_number"' not in page
    response = client.post("/break-glass/", data={"hit": token, "risk": "body", "reason": REASON, "confirm": "y"})
    assert response.status_code == 302
    [row] = rows(app)
    assert row.via == "duplicate_check" and row.case_id == case.id
    page = client.get(f"/break-glass/?hit={someone_elses}").get_data(as_text=True)
    assert "The link from the duplicate check has expired. Enter the case number instead." in page
    assert 'name="case_number"' in page


def test_a_hit_for_a_purged_case_asks_for_the_number_instead(app, scene):
    case, outsider = scene["case"], scene["outsider"]
    with app.test_request_context():
        token = issue_hit_token(case.id, outsider)
    with app.app_context():
        stored = db_get(app, Case, case.id)
        stored.wrapped_key, stored.key_version, stored.purged_at = None, None, clock.utcnow()
        db.session.commit()
    page = client_of(app, outsider).get(f"/break-glass/?hit={token}").get_data(as_text=True)
    assert "This case was purged" in page and 'name="case_number"' in page
    assert re.search(r'name="hit"[^>]*value=""|value=""[^>]*name="hit"', page)


def test_the_access_is_the_users_alone(app, scene, make_user, make_institution):
    """A user grant: the breaker's colleagues, another institution and another council stay outside; the lead
    institution's own staff are unaffected."""
    case, outsider = scene["case"], scene["outsider"]
    client_of(app, outsider).post("/break-glass/", data=form(case.number))
    outside = (make_user("caseworker", institution=db_get_institution(app, outsider)),
               make_user("supervisor", institution=db_get_institution(app, outsider)),
               make_user("caseworker", institution=make_institution("第三の機関")),
               make_user("supervisor", institution=make_institution("よその機関", council="よその協議会")))
    for user in outside:
        assert client_of(app, user).get(f"/cases/{case.id}").status_code == 404, user.role
    owner_page = client_of(app, scene["owner"]).get(f"/cases/{case.id}").get_data(as_text=True)
    assert SUBJECT in owner_page and 'data-testid="break-glass-banner"' not in owner_page


def db_get_institution(app, user):
    from council.auth.models import Institution

    with app.app_context():
        institution = db_get(app, Institution, user.institution_id)
        db.session.expunge(institution)
        return institution
