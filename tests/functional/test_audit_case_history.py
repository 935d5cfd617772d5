"""The audit log answers "who looked at case X, including who was refused" by an index lookup on the case.

Every event about a case carries its id and number in their own columns; lists, searches and checks name the
cases they showed in the side table; refused requests are events too. The auditor filters by case number.
"""

import io
import re

import pytest
from sqlalchemy import select, text

from council.audit.events import AuditTag, record, record_denial
from council.audit.models import AuditEvent, AuditEventCase
from council.cases.models import Case
from council.database import db
from council.security import auditchain, auditverify
from tests.conftest import db_get, fresh, sign_in

#: Tags that are about many cases (side table) or none: every other ``case:`` tag is about exactly one case.
MANY_CASES = {AuditTag.CASE_LISTED, AuditTag.CASE_SEARCHED, AuditTag.DUPLICATE_CHECKED}


def _events(app, **where) -> list[AuditEvent]:
    with app.app_context():
        query = select(AuditEvent).filter_by(**where).order_by(AuditEvent.seq)
        return list(db.session.scalars(query))


def _work_on_a_case(app, client, case) -> None:
    """What a caseworker does with a case, through the real pages: every kind of case event."""
    base = f"/cases/{case.id}"
    assert client.get(base).status_code == 200
    assert client.get(f"{base}/print").status_code == 200
    client.post(f"{base}/records", data={"occurred_at": "2026-04-02T10:00", "kind": "phone", "body": "電話で近況確認"})
    client.post(f"{base}/persons/new", data={"name": "山田 花子", "kana": "ヤマダ ハナコ", "relationship": "母"})
    client.post(f"{base}/consents", data={"purpose_code": "other", "purpose": "支援調整", "recipients": "社協",
                                          "scope": "基本情報",
                                          "obtained_on": "2026-04-02", "obtained_how": "written", "given_by": "person"})
    client.post(f"{base}/plan", data={"assessment": "a", "plan": "p", "goals": "g", "based_on": "0"})
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    client.post(f"{base}/attachments", data={"file": (io.BytesIO(pdf), "memo.pdf")},
                content_type="multipart/form-data")
    version = fresh(app, Case, case.id).version
    assert client.post(f"{base}/status", data={"status": "assessment", "reason": "面談へ",
                                               "version": str(version)}).status_code == 302


def test_every_event_about_a_case_names_it_in_its_own_columns_not_in_the_reason(app, client, login, make_user,
                                                                                   make_case):
    worker = make_user("caseworker")
    case = make_case(worker)
    login(worker)
    _work_on_a_case(app, client, case)
    about_cases = [e for e in _events(app) if e.tag.startswith("case:") and e.tag not in MANY_CASES]
    tags = {e.tag for e in about_cases}
    assert {AuditTag.CASE_CREATED, AuditTag.CASE_VIEWED, AuditTag.CASE_PRINTED, AuditTag.RECORD_CREATED,
            AuditTag.PERSON_ADDED, AuditTag.CONSENT_RECORDED, AuditTag.PLAN_SAVED, AuditTag.ATTACHMENT_ADDED,
            AuditTag.CASE_STATUS_CHANGED} <= tags
    assert all((e.case_id, e.case_number) == (case.id, case.number) for e in about_cases)
    assert all(case.number not in (e.reason or "") for e in _events(app))
    assert all(e.format_version == 2 and e.council_id == worker.council_id for e in about_cases)


def test_a_refused_case_url_is_a_denied_event_with_the_case(app, client, login, make_user, make_case):
    case = make_case(make_user("caseworker"))
    stranger = make_user("caseworker")  # another institution of the same council
    login(stranger)
    assert client.get(f"/cases/{case.id}").status_code == 404
    assert client.post(f"/cases/{case.id}/records", data={"body": "x"}).status_code == 404
    denied = _events(app, outcome="denied", tag=AuditTag.CASE_ACCESS_DENIED)
    assert [(e.actor_user_id, e.case_id, e.case_number, e.reason) for e in denied] == [
        (stranger.id, case.id, case.number, "case:summary:read"), (stranger.id, case.id, case.number,
                                                                    "case:record:write")]


def test_another_council_learns_nothing_about_the_case_from_its_own_log(app, client, login, make_user, make_case,
                                                                        make_institution):
    case = make_case(make_user("caseworker"))
    outsider = make_user("caseworker", institution=make_institution("よその機関", council="別の協議会"))
    login(outsider)
    assert client.get(f"/cases/{case.id}").status_code == 404
    assert client.get("/cases/987654321").status_code == 404  # no such case: recorded the same way
    denied = _events(app, tag=AuditTag.CASE_ACCESS_DENIED)
    assert [(e.council_id, e.case_id, e.case_number) for e in denied] == [
        (outsider.council_id, case.id, None), (outsider.council_id, 987654321, None)]


def test_a_role_without_case_work_opening_a_case_is_refused_and_recorded(app, client, login, make_user, make_case):
    case = make_case(make_user("caseworker"))
    admin = make_user("admin")
    login(admin)
    assert client.get(f"/cases/{case.id}").status_code == 404  # the case does not exist for them, as for anyone
    assert client.get("/cases/").status_code == 403  # a page without a case: their role has no case pages
    denied = _events(app, tag=AuditTag.CASE_ACCESS_DENIED)
    assert [(e.actor_user_id, e.case_number, e.reason) for e in denied] == [(admin.id, case.number,
                                                                             "case:summary:read")]


def test_a_denial_that_cannot_be_written_still_answers_404(app, client, login, make_user, make_case, monkeypatch):
    from council.audit import events

    case = make_case(make_user("caseworker"))
    login(make_user("caseworker"))

    def broken(**_fields):
        raise RuntimeError("database gone")

    monkeypatch.setattr(events.recorder, "record", broken)
    assert client.get(f"/cases/{case.id}").status_code == 404
    assert _events(app, tag=AuditTag.CASE_ACCESS_DENIED) == []


def test_record_denial_rolls_back_what_the_request_did_and_commits_only_the_event(app, make_user, make_case):
    case = make_case(make_user("caseworker"))
    stranger = make_user("caseworker")
    with app.test_request_context():
        db.session.get(Case, case.id).risk = "high"  # an unfinished change of the refused request
        record_denial(actor=db_get(app, type(stranger), stranger.id), case_id=case.id, action="case:edit")
    with app.app_context():
        assert db.session.get(Case, case.id).risk == "medium"
    assert len(_events(app, tag=AuditTag.CASE_ACCESS_DENIED)) == 1


def test_lists_searches_and_duplicate_checks_name_the_cases_they_showed(app, client, login, make_user, make_case):
    worker = make_user("caseworker")
    first, second = make_case(worker, name="高橋 一郎", kana="タカハシ イチロウ"), make_case(worker)
    login(worker)
    client.get("/cases/")
    client.post("/cases/search", data={"kana": "タカハシ イチロウ"})
    client.post("/cases/new", data={"name": "高橋 一郎", "kana": "タカハシ イチロウ", "intake_date": "2026-04-01",
                                    "risk": "low", "referral_source": "self"})
    with app.app_context():
        shown = db.session.execute(select(AuditEvent.tag, AuditEventCase.case_id).join(
            AuditEventCase, AuditEventCase.event_seq == AuditEvent.seq).order_by(AuditEvent.seq,
                                                                                 AuditEventCase.case_id)).all()
        assert auditchain.verify(db.session, AuditEvent).intact
    assert shown == [(AuditTag.CASE_LISTED, first.id), (AuditTag.CASE_LISTED, second.id),
                     (AuditTag.CASE_SEARCHED, first.id), (AuditTag.DUPLICATE_CHECKED, first.id)]


def _history(client, number: str) -> str:
    page = client.get(f"/audit/?case={number}").get_data(as_text=True)
    return page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]


def test_the_auditor_finds_who_looked_at_a_case_including_who_was_refused(app, make_user, make_case,
                                                                          make_institution):
    worker = make_user("caseworker")
    case, other = make_case(worker), make_case(worker, name="別人 次郎", kana="ベツジン ジロウ")
    looking, refused = app.test_client(), app.test_client()
    sign_in(app, looking, worker)
    looking.get(f"/cases/{case.id}")
    looking.get(f"/cases/{other.id}")
    looking.get("/cases/")
    stranger = make_user("caseworker")
    sign_in(app, refused, stranger)
    refused.get(f"/cases/{case.id}")
    auditor = make_user("auditor", institution=make_institution("監査室"))
    auditor_client = app.test_client()
    sign_in(app, auditor_client, auditor)
    rows = _history(auditor_client, case.number)
    seqs = [int(s) for s in re.findall(r'<tr data-seq="(\d+)"', rows)]
    expected = [e.seq for e in _events(app) if e.case_id == case.id and e.council_id == worker.council_id
                and e.tag != AuditTag.AUDIT_LOG_VIEWED]
    with app.app_context():
        listed = db.session.scalars(select(AuditEventCase.event_seq).where(AuditEventCase.case_id == case.id)).all()
    assert sorted(seqs) == sorted(expected + list(listed))
    assert AuditTag.CASE_ACCESS_DENIED in rows and stranger.username in rows  # who was refused
    assert AuditTag.CASE_LISTED in rows and AuditTag.CASE_VIEWED in rows and AuditTag.CASE_CREATED in rows
    events_of_other = {e.seq for e in _events(app, case_id=other.id)}
    assert not events_of_other & set(seqs)
    assert 'data-seq="' not in _history(auditor_client, "2026-9999")  # not a case of this council: nothing
    looked_up = _events(app, tag=AuditTag.AUDIT_LOG_VIEWED, actor_user_id=auditor.id)
    assert looked_up[0].case_number == case.number  # which case's history the auditor read is audited too


def test_another_council_s_auditor_does_not_find_the_case(app, make_user, make_case, make_institution):
    case = make_case(make_user("caseworker"))
    auditor = make_user("auditor", institution=make_institution("監査室", council="別の協議会"))
    client = app.test_client()
    sign_in(app, client, auditor)
    assert 'data-seq="' not in _history(client, case.number)


def test_a_long_basis_is_stored_whole(app, make_user):
    """A list page joins the basis of every case it showed; per-grant bases make that long."""
    worker = make_user("caseworker")
    basis = ",".join(f"referral:{n}" for n in range(2000))  # 25,000 characters
    with app.test_request_context():
        record(tag=AuditTag.CASE_LISTED, actor=db_get(app, type(worker), worker.id), basis=basis)
        db.session.commit()
    assert _events(app, tag=AuditTag.CASE_LISTED)[0].basis == basis


def test_cases_given_as_cases_or_ids_and_target_case_fill_the_columns(app, make_user, make_case):
    case = make_case(make_user("caseworker"))
    with app.app_context():
        stored = db.session.get(Case, case.id)
        by_target = record(tag=AuditTag.CASE_VIEWED, target=stored)
        by_relation = record(tag=AuditTag.PERSON_CHANGED, target=stored.subject)
        listed = record(tag=AuditTag.CASE_LISTED, cases=[stored, case.id + 1000])
        db.session.commit()
        assert (by_target.case_id, by_target.case_number) == (case.id, case.number)
        assert (by_relation.case_id, by_relation.target_type) == (case.id, "person")
        assert db.session.scalars(select(AuditEventCase.case_id).where(
            AuditEventCase.event_seq == listed.seq)).all() == [case.id, case.id + 1000]


@pytest.mark.parametrize("tamper", ["DELETE FROM audit_event_case WHERE case_id = {id}",
                                    "INSERT INTO audit_event_case (event_seq, case_id) VALUES ({seq}, 424242)",
                                    "UPDATE audit_event SET case_number = '2026-9999' WHERE seq = {seq}"])
def test_verification_covers_the_case_columns_and_the_side_table(app, make_user, make_case, tamper):
    case = make_case(make_user("caseworker"))
    with app.app_context():
        stored = db.session.get(Case, case.id)
        event = record(tag=AuditTag.CASE_LISTED, cases=[stored], case=stored if "UPDATE" in tamper else None)
        db.session.commit()
        record(tag=AuditTag.AUDIT_LOG_VIEWED)
        db.session.commit()
        for table in ("audit_event", "audit_event_case"):
            if db.engine.dialect.name == "sqlite":
                db.session.execute(text(f"DROP TRIGGER {table}_no_update"))
                db.session.execute(text(f"DROP TRIGGER {table}_no_delete"))
            else:
                db.session.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER {table}_no_update_delete"))
        db.session.execute(text(tamper.format(id=case.id, seq=event.seq)))
        db.session.commit()
        result = auditchain.verify(db.session, AuditEvent)
    assert not result.intact and result.first_bad_seq == event.seq


def test_side_table_ids_in_any_order_from_the_database_still_verify(app, monkeypatch):
    """Neither database promises the order in which an aggregate sees its rows: an unsorted group is sorted
    before its event is called altered."""
    with app.app_context():
        dialect = db.engine.dialect.name
        record(tag=AuditTag.CASE_LISTED, cases=[3, 11, 7, 250])
        db.session.commit()
        descending = {
            "sqlite": 'SELECT event_seq, group_concat("{column}", \',\') FROM (SELECT * FROM "{table}" '
                      'ORDER BY event_seq, "{column}" DESC) GROUP BY event_seq ORDER BY event_seq',
            "postgresql": 'SELECT event_seq, string_agg(CAST("{column}" AS TEXT), \',\' ORDER BY "{column}" DESC) '
                          'FROM "{table}" GROUP BY event_seq ORDER BY event_seq'}
        monkeypatch.setitem(auditverify._GROUPED_IDS, dialect, descending[dialect])
        query = auditverify._GROUPED_IDS[dialect].format(table="audit_event_case", column="case_id")
        assert db.session.execute(text(query)).one()[1] == "250,11,7,3"
        assert auditchain.verify(db.session, AuditEvent).intact
