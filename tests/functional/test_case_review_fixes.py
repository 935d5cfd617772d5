"""Regression tests for the security review of the case code (issue #3)."""

import threading

from sqlalchemy import func, select

from council.access.policy import Action, authorize
from council.audit.models import AuditEvent
from council.cases.models import Case, Person, SupportRecord
from council.database import db
from tests.conftest import db_get, fresh, sign_in


def last_tag(app) -> AuditEvent:
    with app.app_context():
        return db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc())).first()


def test_two_simultaneous_edits_of_one_version_cannot_both_win(app, make_user, make_case):
    worker = make_user("caseworker")
    colleague = make_user("supervisor", institution=worker.institution)
    case = make_case(worker)
    with app.app_context():
        row = db.session.scalars(select(SupportRecord).where(SupportRecord.case_id == case.id)).one()
    clients = [app.test_client(), app.test_client()]
    sign_in(app, clients[0], worker)
    sign_in(app, clients[1], colleague)
    barrier, statuses = threading.Barrier(2), [None, None]

    def edit(i):
        barrier.wait()
        statuses[i] = clients[i].post(f"/cases/{case.id}/records/{row.id}/edit", data={
            "occurred_at": "2026-04-02T10:00", "kind": "visit", "body": f"編集{i}", "version": "1"}).status_code

    threads = [threading.Thread(target=edit, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [302, 409]
    assert fresh(app, SupportRecord, row.id).version == 2


def test_conflict_pages_that_show_stored_content_are_audited(app, client, login, make_user, make_case):
    worker = make_user("caseworker")
    case = make_case(worker)
    login(worker)
    with app.app_context():
        subject = db.session.scalars(select(Person).where(Person.case_id == case.id)).one()
    stale = {"name": "山田 太郎", "kana": "ヤマダ タロウ", "version": "0"}
    response = client.post(f"/cases/{case.id}/persons/{subject.id}/edit", data=stale)
    assert response.status_code == 409 and last_tag(app).tag == "case:file:viewed"
    client.post(f"/cases/{case.id}/plan", data={"assessment": "a", "plan": "p", "goals": "g", "based_on": "0"})
    response = client.post(f"/cases/{case.id}/plan", data={"assessment": "b", "plan": "p", "goals": "g",
                                                           "based_on": "0"})
    assert response.status_code == 409 and last_tag(app).tag == "case:file:viewed"


def test_duplicate_check_finds_household_members_unless_restricted_and_names_the_cases_in_the_audit(
        app, client, login, make_user, make_case, make_institution):
    """Issue 10: household members are compared too — except in a 要配慮 case, whose people (the abuser typed at
    another window included) are never matched for anyone without a reach to it."""
    holder = make_user("caseworker", institution=make_institution("DV相談機関"))
    case = make_case(holder, name="本人 花子", kana="ホンニン ハナコ")
    with app.app_context():
        from council.cases.persons import add_household_member
        from council.cases.services import PersonInput

        actor, stored = db_get(app, type(holder), holder.id), db_get(app, Case, case.id)
        add_household_member(actor=actor, case=stored, access=authorize(actor, Action.EDIT_DETAILS, stored),
                             data=PersonInput(name="加害 太郎", kana="カガイ タロウ", relationship="夫"))
    login(make_user("caseworker"))
    intake = {"name": "加害 太郎", "kana": "カガイ タロウ", "intake_date": "2026-04-01", "risk": "low",
              "referral_source": "self"}
    page = client.post("/cases/new", data=intake)
    assert page.status_code == 200 and "DV相談機関" in page.get_data(as_text=True)  # a household member matched
    with app.app_context():
        from council.cases.restriction import mark_restricted

        actor, stored = db_get(app, type(holder), holder.id), db_get(app, Case, case.id)
        mark_restricted(actor=actor, case=stored, access=authorize(actor, Action.EDIT_DETAILS, stored), reason="dv",
                        version=stored.version)
    assert client.post("/cases/new", data=intake).status_code == 302  # no warning: the case is 要配慮
    client.post("/cases/new", data={**intake, "name": "本人 花子", "kana": "ホンニン ハナコ"})
    with app.app_context():
        from council.audit.models import AuditEventCase

        disclosed = db.session.scalars(select(AuditEventCase.case_id).join(
            AuditEvent, AuditEvent.seq == AuditEventCase.event_seq).where(AuditEvent.tag == "case:duplicates:checked"))
    assert list(disclosed) == [case.id]  # only the check before the marking disclosed the case


def test_a_supervisors_upload_creates_cases_of_their_own_institution_only(app, client, login, make_user,
                                                                          make_institution, tmp_path):
    import csv

    supervisor = make_user("supervisor", institution=make_institution("自機関"))
    make_institution("他機関")
    path = tmp_path / "ledger.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([
            ["氏名", "フリガナ", "生年月日", "性別", "住所", "電話番号", "相談内容", "分類", "担当機関", "受付日"],
            ["別機関 一", "ベツキカン ハジメ", "", "", "", "", "", "", "他機関", "2026-04-01"]])
    login(supervisor)
    with path.open("rb") as handle:
        response = client.post("/cases/import", data={"ledger": (handle, "l.csv"), "institution": "自機関"},
                               content_type="multipart/form-data")
    assert response.status_code == 400 and "担当機関" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Case)) == 0
        assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.tag == "case:duplicates:checked")) == 1


def test_the_app_starts_after_key_version_1_was_retired(app_config):
    import shutil

    from council import create_app
    from council.instance import create_keys

    folder = app_config["INSTANCE_PATH"].parent / "retired-instance"
    shutil.copytree(app_config["INSTANCE_PATH"], folder, dirs_exist_ok=True)
    (folder / "keys" / "kek-0001.key").rename(folder / "keys" / "kek-0002.key")
    create_app({**app_config, "INSTANCE_PATH": folder})  # starts with only version 2
    assert "kek-0001.key" not in create_keys(folder)  # init never re-creates a retired version
    assert not (folder / "keys" / "kek-0001.key").exists()
