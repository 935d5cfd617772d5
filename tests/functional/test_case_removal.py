"""Removing a household member or a file entered by mistake: with a reason, audited, by those who may edit the
case; the personal ciphertext and blind indexes are erased, a tombstone says who removed what, when and why."""

import io

import pytest
from sqlalchemy import select, text

from council.audit.models import AuditEvent
from council.cases.models import Attachment, Case, Person
from council.database import db
from tests.conftest import fresh

MEMBER = {"name": "誤登 花江", "kana": "ゴトウ ハナエ", "relationship": "叔母", "birth_date": "1950-02-03",
          "address": "みどり市誤町1-1", "phone": "080-2222-3333", "notes": "別世帯の人だった"}
PDF = b"%PDF-1.4\n% fictitious removal test\n%%EOF\n"


def tags(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent.tag).order_by(AuditEvent.seq)))


def persons_of(app, case_id: int, kind: str) -> list[Person]:
    with app.app_context():
        rows = list(db.session.scalars(select(Person).where(Person.case_id == case_id,
                                                            Person.relationship_kind == kind)))
        db.session.expunge_all()
        return rows


@pytest.fixture
def with_member(app, client, login, make_user, make_case):
    worker = make_user("caseworker")
    case = make_case(worker)
    login(worker)
    assert client.post(f"/cases/{case.id}/persons/new", data=MEMBER).status_code == 302
    return worker, case, persons_of(app, case.id, "household")[0]


@pytest.fixture
def with_file(app, client, login, make_user, make_case):
    worker = make_user("caseworker")
    case = make_case(worker)
    login(worker)
    client.post(f"/cases/{case.id}/attachments", content_type="multipart/form-data",
                data={"file": (io.BytesIO(PDF), "別人の診断書.pdf")})
    with app.app_context():
        return worker, case, db.session.scalars(select(Attachment)).one()


# -- household members -----------------------------------------------------------------------------------


def test_a_removed_member_is_erased_and_leaves_a_tombstone(app, client, with_member):
    worker, case, member = with_member
    confirm = client.get(f"/cases/{case.id}/persons/{member.id}/remove").get_data(as_text=True)
    assert "誤登 花江" in confirm and "叔母" in confirm
    response = client.post(f"/cases/{case.id}/persons/{member.id}/remove", data={"reason": "別世帯の人を誤って登録"})
    assert response.status_code == 302
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "誤登 花江" not in page and "叔母" not in page and "山田 太郎" in page
    assert "誤登 花江" not in client.get(f"/cases/{case.id}/print").get_data(as_text=True)
    with app.app_context():
        row = db.session.execute(text("SELECT * FROM person WHERE id = :id"), {"id": member.id}).mappings().one()
    for column in ("relationship_enc", "name_enc", "kana_enc", "birth_date_enc", "sex_enc", "address_enc",
                   "phone_enc", "notes_enc", "name_kana_index", "name_kanji_index", "surname_kana_birth_index",
                   "phone_index"):
        assert row[column] is None, column
    assert row["deleted_at"] is not None and row["deleted_by"] == worker.id
    assert row["delete_reason_enc"] and "別世帯".encode() not in bytes(row["delete_reason_enc"])
    assert tags(app)[-3] == "case:person:removed"  # then the case page and the print were read
    with app.app_context():
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.tag == "case:person:removed")).one()
    assert event.target_id == str(member.id) and event.case_number == case.number and event.basis == "assigned"


def test_a_removed_member_is_found_by_no_search_and_cannot_be_edited(app, client, with_member):
    _worker, case, member = with_member
    assert case.number in client.post("/cases/search", data={"phone": "080-2222-3333"}).get_data(as_text=True)
    client.post(f"/cases/{case.id}/persons/{member.id}/remove", data={"reason": "誤登録"})
    found = client.post("/cases/search", data={"phone": "080-2222-3333"}).get_data(as_text=True)
    assert case.number not in found
    assert client.get(f"/cases/{case.id}/persons/{member.id}/edit").status_code == 404
    assert client.post(f"/cases/{case.id}/persons/{member.id}/remove", data={"reason": "二度目"}).status_code == 404


def test_removing_needs_a_reason(app, client, with_member):
    _worker, case, member = with_member
    response = client.post(f"/cases/{case.id}/persons/{member.id}/remove", data={"reason": "  "})
    assert response.status_code == 400 and "誤登 花江" in response.get_data(as_text=True)
    assert fresh(app, Person, member.id).deleted_at is None
    assert "case:person:removed" not in tags(app)


def test_the_subject_cannot_be_removed(app, client, with_member):
    _worker, case, _member = with_member
    subject = persons_of(app, case.id, "subject")[0]
    page = client.get(f"/cases/{case.id}/persons/{subject.id}/remove").get_data(as_text=True)
    assert 'name="reason"' not in page  # nothing to fill in
    response = client.post(f"/cases/{case.id}/persons/{subject.id}/remove", data={"reason": "消したい"})
    assert response.status_code == 400 and "ケースの本人は削除できません" in response.get_data(as_text=True)
    stored = fresh(app, Person, subject.id)
    assert stored.deleted_at is None and stored.name_enc is not None
    view = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert f"/persons/{subject.id}/remove" not in view and "山田 太郎" in view


def test_a_closed_case_keeps_its_members(app, client, with_member):
    _worker, case, member = with_member
    client.post(f"/cases/{case.id}/status", data={"status": "closed", "reason": "終結",
                                                  "version": str(fresh(app, Case, case.id).version)})
    response = client.post(f"/cases/{case.id}/persons/{member.id}/remove", data={"reason": "誤登録"})
    assert response.status_code == 400 and fresh(app, Person, member.id).deleted_at is None


def test_another_institutions_user_gets_404_and_nothing_changes(app, with_member, make_user):
    from tests.conftest import sign_in

    _worker, case, member = with_member
    outsider_client = app.test_client()
    sign_in(app, outsider_client, make_user("supervisor"))  # a supervisor of another institution
    base = f"/cases/{case.id}/persons/{member.id}/remove"
    assert outsider_client.get(base).status_code == 404
    assert outsider_client.post(base, data={"reason": "他機関から"}).status_code == 404
    assert fresh(app, Person, member.id).name_enc is not None


# -- attachments -----------------------------------------------------------------------------------------


def test_a_removed_file_loses_its_content_and_name(app, client, with_file):
    worker, case, attachment = with_file
    confirm = client.get(f"/cases/{case.id}/attachments/{attachment.id}/remove").get_data(as_text=True)
    assert "別人の診断書.pdf" in confirm
    response = client.post(f"/cases/{case.id}/attachments/{attachment.id}/remove", data={"reason": "別の人の書類"})
    assert response.status_code == 302
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "別人の診断書.pdf" not in page and 'data-testid="attachment"' not in page
    assert client.get(f"/cases/{case.id}/attachments/{attachment.id}").status_code == 404
    with app.app_context():
        row = db.session.execute(text("SELECT * FROM attachment WHERE id = :id"),
                                 {"id": attachment.id}).mappings().one()
    assert row["content_enc"] is None and row["filename_enc"] is None
    assert row["deleted_at"] is not None and row["deleted_by"] == worker.id
    assert row["delete_reason_enc"] and "別の人".encode() not in bytes(row["delete_reason_enc"])
    with app.app_context():
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.tag == "case:attachment:removed")).one()
    assert event.target_id == str(attachment.id) and event.case_number == case.number


def test_removing_a_file_needs_a_reason(app, client, with_file):
    _worker, case, attachment = with_file
    response = client.post(f"/cases/{case.id}/attachments/{attachment.id}/remove", data={"reason": ""})
    assert response.status_code == 400
    assert fresh(app, Attachment, attachment.id).content_enc is not None
    assert client.get(f"/cases/{case.id}/attachments/{attachment.id}").data == PDF


def test_a_file_of_another_case_is_404(app, client, with_file, make_case):
    worker, _case, attachment = with_file
    other = make_case(worker, name="別件 次郎", kana="ベッケン ジロウ")
    assert client.post(f"/cases/{other.id}/attachments/{attachment.id}/remove",
                       data={"reason": "x"}).status_code == 404
    assert fresh(app, Attachment, attachment.id).deleted_at is None


def test_another_institutions_user_cannot_remove_a_file(app, with_file, make_user):
    from tests.conftest import sign_in

    _worker, case, attachment = with_file
    outsider_client = app.test_client()
    sign_in(app, outsider_client, make_user("caseworker"))
    base = f"/cases/{case.id}/attachments/{attachment.id}/remove"
    assert outsider_client.get(base).status_code == 404
    assert outsider_client.post(base, data={"reason": "他機関から"}).status_code == 404
    assert fresh(app, Attachment, attachment.id).content_enc is not None
