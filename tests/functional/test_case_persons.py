"""Household members, editing the person and the case details, printing — with conflicts refused."""

from sqlalchemy import select, text

from council.audit.models import AuditEvent
from council.cases.models import Case, CaseAssignment, Person
from council.database import db
from tests.conftest import fresh

MEMBER = {"name": "山田 花江", "kana": "ヤマダ ハナエ", "relationship": "母", "birth_date": "昭和22年3月3日",
          "address": "みどり市本町1-2-3", "phone": "", "notes": "足が悪く外出が難しい"}


def test_household_member_added_and_shown(app, client, login, make_user, make_case):
    worker = make_user("caseworker")
    case = make_case(worker)
    login(worker)
    assert client.post(f"/cases/{case.id}/persons/new", data=MEMBER).status_code == 302
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "山田 花江" in page and "母" in page and "昭和22年" in page


def test_person_edit_and_conflict(app, client, login, make_user, make_case):
    worker = make_user("caseworker")
    case = make_case(worker)
    login(worker)
    with app.app_context():
        subject = db.session.scalars(select(Person).where(Person.case_id == case.id)).one()
    form = client.get(f"/cases/{case.id}/persons/{subject.id}/edit").get_data(as_text=True)
    assert "山田 太郎" in form
    edited = {"name": "山田 太郎", "kana": "ヤマダ タロウ", "address": "みどり市新町9-9", "phone": "090-1234-5678",
              "version": str(fresh(app, Case, case.id).version)}
    assert client.post(f"/cases/{case.id}/persons/{subject.id}/edit", data=edited).status_code == 302
    conflict = client.post(f"/cases/{case.id}/persons/{subject.id}/edit", data={**edited, "address": "古い版の住所"})
    assert conflict.status_code == 409
    body = conflict.get_data(as_text=True)
    assert "古い版の住所" in body and "みどり市新町9-9" in body  # typed kept, stored shown
    assert "みどり市新町9-9" in client.get(f"/cases/{case.id}").get_data(as_text=True)


def test_details_change_assignment_and_categories(app, client, login, make_user, make_case):
    worker = make_user("caseworker")
    colleague = make_user("caseworker", institution=worker.institution)
    case = make_case(worker)
    login(worker)
    data = {"categories": ["就労"], "risk": "high", "next_review_date": "R8.6.1", "key_person": "民生委員 鈴木さん",
            "assigned": [str(worker.id), str(colleague.id)], "version": str(fresh(app, Case, case.id).version)}
    assert client.post(f"/cases/{case.id}/edit", data=data).status_code == 302
    with app.app_context():
        stored = db.session.get(Case, case.id)
        assert stored.categories == ["就労"] and stored.risk == "high" and str(stored.next_review_date) == "2026-06-01"
        assert {a.user_id for a in db.session.scalars(select(CaseAssignment))} == {worker.id, colleague.id}
    other = app.test_client()
    from tests.conftest import sign_in

    sign_in(app, other, colleague)
    assert other.get(f"/cases/{case.id}").status_code == 200  # now assigned


def test_print_is_audited_as_a_print(app, client, login, make_user, make_case):
    worker = make_user("caseworker")
    case = make_case(worker)
    login(worker)
    page = client.get(f"/cases/{case.id}/print").get_data(as_text=True)
    assert "山田 太郎" in page and "第16条" in page
    with app.app_context():
        assert db.session.scalars(select(AuditEvent.tag).order_by(AuditEvent.seq.desc())).first() == "case:file:printed"


def test_nothing_personal_in_any_table_after_a_full_case(app, client, login, make_user, make_case):
    worker = make_user("caseworker")
    case = make_case(worker, name="秘密 一郎", kana="ヒミツ イチロウ", phone="070-5555-1212", address="非公開町7")
    login(worker)
    client.post(f"/cases/{case.id}/persons/new", data={**MEMBER, "name": "秘密 母子"})
    client.post(f"/cases/{case.id}/plan", data={"assessment": "秘密のアセスメント", "plan": "p", "goals": "g",
                                                "based_on": "0"})
    client.post(f"/cases/{case.id}/consents", data={"purpose_code": "other", "purpose": "秘密の目的", "recipients": "r",
                                                    "scope": "s", "obtained_on": "2026-04-01", "obtained_how": "oral"})
    client.post(f"/cases/{case.id}/records", data={"occurred_at": "2026-04-05T10:00", "kind": "visit",
                                                   "body": "秘密の経過記録"})
    with app.app_context():
        names = db.engine.dialect.get_table_names(db.session.connection())
        dump = "\n".join(repr(tuple(row)) for table in names
                         for row in db.session.execute(text(f'SELECT * FROM "{table}"')))  # noqa: S608
    for value in ("秘密", "ヒミツ", "07055551212", "070-5555-1212", "非公開", "1975-06-01", "足が悪く"):
        assert value not in dump, value
