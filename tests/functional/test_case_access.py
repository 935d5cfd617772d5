"""Every case route × every kind of user × case states: deny by default, 404 for cases one may not see."""

import pytest
from sqlalchemy import select

from council.auth.models import Institution
from council.cases.models import Attachment, Case, Consent, Person, SupportRecord
from council.database import db
from tests.conftest import db_get

#: who → may they read and write the case? (None: their role has no case pages at all → 403)
WHO = {
    "assigned caseworker": True,
    "colleague caseworker, not assigned": False,
    "colleague caseworker, institution lets all see": True,
    "supervisor of the institution": True,
    "caseworker of another institution": False,
    "supervisor of another institution": False,
    "coordinator of the coordinator institution": False,
    "caseworker of another council": False,
    "member": None,
    "auditor": None,
    "admin": None,
}


def routes(case_id: int, record_id: int, attachment_id: int, consent_id: int,
           person_id: int) -> list[tuple[str, str, dict]]:
    return [
        ("GET", f"/cases/{case_id}/records/{record_id}/history", {}),
        ("GET", f"/cases/{case_id}/plan/history", {}),
        ("GET", f"/cases/{case_id}/attachments/{attachment_id}", {}),
        ("GET", f"/cases/{case_id}", {}),
        ("POST", f"/cases/{case_id}/records", {"occurred_at": "2026-04-05T10:00", "kind": "phone", "body": "x"}),
        ("GET", f"/cases/{case_id}/records/{record_id}/edit", {}),
        ("POST", f"/cases/{case_id}/records/{record_id}/edit",
         {"occurred_at": "2026-04-05T10:00", "kind": "phone", "body": "y", "version": "1"}),
        ("POST", f"/cases/{case_id}/records/{record_id}/delete", {"reason": "z"}),
        ("GET", f"/cases/{case_id}/plan", {}),
        ("POST", f"/cases/{case_id}/plan", {"assessment": "a", "plan": "p", "goals": "g", "based_on": "0"}),
        ("GET", f"/cases/{case_id}/consents", {}),
        ("POST", f"/cases/{case_id}/consents", {"purpose_code": "other", "purpose": "p", "recipients": "r",
                                                "scope": "s", "obtained_on": "2026-04-01", "obtained_how": "oral"}),
        ("GET", f"/cases/{case_id}/print", {}),
        ("GET", f"/cases/{case_id}/edit", {}),
        ("GET", f"/cases/{case_id}/persons/new", {}),
        ("POST", f"/cases/{case_id}/persons/new", {"name": "n", "kana": "ナ", "relationship": "兄"}),
        ("POST", f"/cases/{case_id}/attachments", {}),
        ("POST", f"/cases/{case_id}/consents/{consent_id}/withdraw", {"version": "1"}),
        ("POST", f"/cases/{case_id}/status", {"status": "assessment", "reason": "r", "version": "1"}),
        # Last: once removed, the member and the file are gone for everyone (404).
        ("GET", f"/cases/{case_id}/persons/{person_id}/remove", {}),
        ("GET", f"/cases/{case_id}/attachments/{attachment_id}/remove", {}),
        ("POST", f"/cases/{case_id}/persons/{person_id}/remove", {"reason": "誤登録"}),
        ("POST", f"/cases/{case_id}/attachments/{attachment_id}/remove", {"reason": "誤登録"}),
    ]


@pytest.fixture
def world(app, make_user, make_institution, make_case):
    home = make_institution("ホーム機関")
    other = make_institution("ほかの機関")
    coordinator_institution = make_institution("調整機関", coordinator=True)
    elsewhere = make_institution("よその協議会の機関", council="よその協議会")
    owner = make_user("caseworker", institution=home)
    open_institution = make_institution("全員閲覧機関")
    with app.app_context():
        db_get(app, Institution, open_institution.id).caseworkers_see_all = True
        db.session.commit()
    users = {
        "assigned caseworker": owner,
        "colleague caseworker, not assigned": make_user("caseworker", institution=home),
        "supervisor of the institution": make_user("supervisor", institution=home),
        "caseworker of another institution": make_user("caseworker", institution=other),
        "supervisor of another institution": make_user("supervisor", institution=other),
        "coordinator of the coordinator institution": make_user("coordinator", institution=coordinator_institution),
        "caseworker of another council": make_user("caseworker", institution=elsewhere),
        "member": make_user("member", institution=home),
        "auditor": make_user("auditor", institution=home),
        "admin": make_user("admin", institution=home),
    }
    case = make_case(owner)
    # The opt-in institution has its own case, opened by one caseworker and read by another.
    opener = make_user("caseworker", institution=open_institution)
    users["colleague caseworker, institution lets all see"] = make_user("caseworker", institution=open_institution)
    cases = {who: case for who in users}
    cases["colleague caseworker, institution lets all see"] = make_case(opener)
    with app.app_context():
        import datetime as dt

        from council.cases import documents, persons
        from council.cases.services import PersonInput

        for case_row, author in ((case, owner), (cases["colleague caseworker, institution lets all see"], opener)):
            stored, actor = db_get(app, Case, case_row.id), db_get(app, type(author), author.id)
            documents.add_attachment(actor=actor, case=stored, basis="test", filename="a.pdf", content=b"%PDF-1.4 x")
            documents.record_consent(actor=actor, case=stored, basis="test", purpose_code="other", purpose="p",
                                     recipients="r", scope="s", obtained_on=dt.date(2026, 4, 1), obtained_how="oral",
                                     given_by="person")
            persons.add_household_member(actor=actor, case=stored, basis="test",
                                         data=PersonInput(name="山田 花子", kana="ヤマダ ハナコ", relationship="母"))
    return users, cases


@pytest.mark.parametrize("who", list(WHO))
@pytest.mark.parametrize("state", ["open", "closed"])
def test_case_routes(app, world, who, state):
    users, cases = world
    user, case = users[who], cases[who]
    with app.app_context():
        row = db.session.scalars(select(SupportRecord).where(SupportRecord.case_id == case.id)).first()
        attachment = db.session.scalars(select(Attachment).where(Attachment.case_id == case.id)).first()
        consent = db.session.scalars(select(Consent).where(Consent.case_id == case.id)).first()
        member = db.session.scalars(select(Person).where(Person.case_id == case.id,
                                                         Person.relationship_kind == "household")).first()
        if state == "closed":
            db_get(app, Case, case.id).status = "closed"
            db.session.commit()
    client = app.test_client()
    from tests.conftest import sign_in

    assert sign_in(app, client, user).status_code == 302
    expected = WHO[who]
    for method, path, data in routes(case.id, row.id, attachment.id, consent.id, member.id):
        response = client.open(path, method=method, data=data)
        if expected is None:
            assert response.status_code == 403, (method, path)
        elif expected:
            # A closed case refuses writes with an explanation (400) until it is reopened, and a write based on an
            # outdated version is refused (409) — explained refusals, never a 404.
            allowed = (200, 302, 400, 409) if method == "POST" else (200, 302)
            assert response.status_code in allowed, (method, path, response.status_code)
        else:
            assert response.status_code == 404, (method, path, response.status_code)


@pytest.mark.parametrize("who", list(WHO))
def test_lists_and_search_show_only_visible_cases(app, world, who):
    users, cases = world
    user, case = users[who], cases[who]
    client = app.test_client()
    from tests.conftest import sign_in

    sign_in(app, client, user)
    listing = client.get("/cases/")
    found = client.post("/cases/search", data={"kana": "ヤマダ タロウ"})
    if WHO[who] is None:
        assert listing.status_code == 403 and found.status_code == 403
        return
    assert (case.number in listing.get_data(as_text=True)) is WHO[who]
    assert (f"/cases/{case.id}\"" in found.get_data(as_text=True)) is WHO[who]
    assert "山田 太郎" not in listing.get_data(as_text=True) or WHO[who]


def test_coordinator_ledger_shows_metadata_without_names(app, world):
    users, cases = world
    client = app.test_client()
    from tests.conftest import sign_in

    sign_in(app, client, users["coordinator of the coordinator institution"])
    page = client.get("/cases/ledger").get_data(as_text=True)
    case = cases["assigned caseworker"]
    assert case.number in page and "ホーム機関" in page
    assert "山田" not in page and f"/cases/{case.id}" not in page
    assert sign_in(app, app.test_client(), users["supervisor of the institution"]).status_code == 302


def test_ledger_is_for_coordinators_only(app, world):
    users, _ = world
    client = app.test_client()
    from tests.conftest import sign_in

    sign_in(app, client, users["supervisor of the institution"])
    assert client.get("/cases/ledger").status_code == 403


def test_a_purged_case_is_gone_for_everyone(app, world):
    users, cases = world
    case = cases["assigned caseworker"]
    with app.app_context():
        stored = db_get(app, Case, case.id)
        stored.wrapped_key, stored.key_version = None, None
        from council.core.db import utcnow

        stored.purged_at = utcnow()
        db.session.commit()
    client = app.test_client()
    from tests.conftest import sign_in

    sign_in(app, client, users["assigned caseworker"])
    assert client.get(f"/cases/{case.id}").status_code == 404
    assert case.number not in client.get("/cases/").get_data(as_text=True)


def test_admin_lets_all_caseworkers_of_an_institution_read_its_cases(app, make_user, make_case):
    from tests.conftest import sign_in

    owner = make_user("caseworker")
    colleague = make_user("caseworker", institution=owner.institution)
    case = make_case(owner)
    admin = make_user("admin", institution=owner.institution)
    reader = app.test_client()
    sign_in(app, reader, colleague)
    assert reader.get(f"/cases/{case.id}").status_code == 404
    admin_client = app.test_client()
    sign_in(app, admin_client, admin)
    with app.app_context():
        version = db_get(app, Institution, owner.institution_id).version
    response = admin_client.post(f"/admin/institutions/{owner.institution_id}", data={
        "name": owner.institution.name, "kind": "government", "caseworkers_see_all": "y", "version": str(version)})
    assert response.status_code == 302
    assert reader.get(f"/cases/{case.id}").status_code == 200
