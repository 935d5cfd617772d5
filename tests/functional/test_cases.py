"""Cases through the UI: intake, reading, records with history, status, search and duplicates on ciphertext."""

import datetime as dt

from sqlalchemy import select, text

from council.audit.models import AuditEvent
from council.cases.models import Case, SupportRecord, SupportRecordRevision
from council.core.clock import japan_today
from council.database import db
from tests.conftest import fresh

INTAKE = {"name": "佐藤 花子", "kana": "さとう はなこ", "birth_date": "昭和50年6月1日", "sex": "female",
          "address": "みどり市緑町4-5-6 コーポ緑202", "phone": "０８０－９８７６－５４３２",
          "key_person": "佐藤 一郎（長男）",
          "categories": ["単身高齢", "社会的孤立"], "risk": "high", "intake_date": "令和8年4月1日",
          "next_review_date": "2026-05-01", "summary": "民生委員から、最近姿を見ないとの連絡。",
          "referral_source": "welfare_commissioner", "contact_person": "民生委員 田中",
          "summary_kind": "visit", "summary_at": "2026-04-01T10:30"}


def last_event(app) -> AuditEvent:
    with app.app_context():
        return db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc())).first()


def test_intake_opens_an_encrypted_case_that_reads_back(app, client, login, make_user):
    worker = make_user("caseworker")
    login(worker)
    response = client.post("/cases/new", data=INTAKE)
    assert response.status_code == 302, response.get_data(as_text=True)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    for value in ("佐藤 花子", "サトウ ハナコ", "みどり市緑町4-5-6 コーポ緑202", "佐藤 一郎（長男）", "民生委員から"):
        assert value in page
    assert "1975" in page and "昭和50年" in page  # both calendars
    assert last_event(app).tag == "case:file:viewed" and last_event(app).basis == "assigned"
    with app.app_context():
        case = db.session.scalars(select(Case)).one()
        assert case.number == "2026-0001" and case.categories == ["単身高齢", "社会的孤立"]


def test_database_holds_no_personal_value_in_plaintext(app, client, login, make_user):
    login(make_user("caseworker"))
    client.post("/cases/new", data=INTAKE)
    with app.app_context():
        tables = [t for t in db.engine.dialect.get_table_names(db.session.connection())]
        dump = []
        for table in tables:
            for row in db.session.execute(text(f'SELECT * FROM "{table}"')):  # noqa: S608
                dump.append(repr(tuple(row)))
    everything = "\n".join(dump)
    # Digits are checked as a whole number: short digit runs occur by chance in hex hashes.
    for value in ("佐藤", "花子", "サトウ", "さとう", "緑町", "98765432", "０８０－９８７６－５４３２", "1975-06-01",
                  "一郎", "民生委員"):
        assert value not in everything, value


def test_list_shows_names_and_days_since_contact_and_is_audited(app, client, login, make_user, make_case):
    worker = make_user("caseworker")
    case = make_case(worker, name="高橋 次郎", kana="タカハシ ジロウ")
    login(worker)
    page = client.get("/cases/").get_data(as_text=True)
    assert "高橋 次郎" in page and case.number in page
    event = last_event(app)
    assert event.tag == "case:list:viewed" and case.number not in event.reason
    with app.app_context():
        from council.audit.models import AuditEventCase

        shown = db.session.scalars(select(AuditEventCase.case_id).where(AuditEventCase.event_seq == event.seq)).all()
    assert shown == [case.id]  # which cases the page showed: in the side table, found by the per-case lookup


def test_list_filters(app, client, login, make_user, make_case):
    worker = make_user("caseworker")
    high = make_case(worker, name="一 高", risk="high", categories=["就労"])
    low = make_case(worker, name="二 低", risk="low", categories=["住まい"])
    login(worker)
    page = client.get("/cases/?risk=high").get_data(as_text=True)
    assert high.number in page and low.number not in page
    page = client.get("/cases/?category=住まい").get_data(as_text=True)
    assert low.number in page and high.number not in page


def test_record_edit_keeps_history_and_stale_edit_is_refused(app, client, login, make_user, make_case):
    worker = make_user("caseworker")
    case = make_case(worker)
    login(worker)
    with app.app_context():
        row = db.session.scalars(select(SupportRecord).where(SupportRecord.case_id == case.id)).one()
    form = {"occurred_at": "2026-04-02T10:00", "kind": "visit", "body": "訪問。本人と会えた。", "version": "1"}
    assert client.post(f"/cases/{case.id}/records/{row.id}/edit", data=form).status_code == 302
    stale = client.post(f"/cases/{case.id}/records/{row.id}/edit", data={**form, "body": "古い版からの編集"})
    assert stale.status_code == 409
    body = stale.get_data(as_text=True)
    assert "古い版からの編集" in body and "訪問。本人と会えた。" in body  # typed text kept, current shown
    with app.app_context():
        assert db.session.scalars(select(SupportRecordRevision)).one().revision == 1
    assert fresh(app, SupportRecord, row.id).version == 2


def test_add_and_delete_record(app, client, login, make_user, make_case):
    worker = make_user("caseworker")
    case = make_case(worker)
    login(worker)
    response = client.post(f"/cases/{case.id}/records", data={"occurred_at": "2026-04-03T09:30", "kind": "phone",
                                                             "body": "電話で様子を確認。"})
    assert response.status_code == 302
    assert fresh(app, Case, case.id).last_contact_date >= dt.date(2026, 4, 3)
    with app.app_context():
        row = db.session.scalars(select(SupportRecord).order_by(SupportRecord.id.desc())).first()
    client.post(f"/cases/{case.id}/records/{row.id}/delete", data={"reason": "別ケースへの誤入力"})
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "別ケースへの誤入力" in page and "電話で様子を確認。" not in page


def test_status_close_sets_purge_date_and_reopen_works(app, client, login, make_user, make_case):
    worker = make_user("caseworker")
    case = make_case(worker)
    login(worker)
    client.post(f"/cases/{case.id}/status", data={"status": "closed", "reason": "転居のため", "version": "1"})
    closed = fresh(app, Case, case.id)
    assert closed.status == "closed" and closed.purge_after.year == japan_today().year + 5
    assert last_event(app).reason == "intake -> closed"  # never the free-text reason
    client.post(f"/cases/{case.id}/status", data={"status": "support", "reason": "再相談", "version": "2"})
    assert fresh(app, Case, case.id).status == "support"


def test_stale_status_change_is_refused(app, client, login, make_user, make_case):
    worker = make_user("caseworker")
    case = make_case(worker)
    login(worker)
    client.post(f"/cases/{case.id}/status", data={"status": "assessment", "reason": "a", "version": "1"})
    client.post(f"/cases/{case.id}/status", data={"status": "closed", "reason": "b", "version": "1"})
    assert fresh(app, Case, case.id).status == "assessment"


def test_search_on_ciphertext_ignores_kana_width_and_spaces(app, client, login, make_user, make_case):
    worker = make_user("caseworker")
    case = make_case(worker, name="山田 太郎", kana="ヤマダ タロウ", phone="090-1234-5678")
    login(worker)
    for terms in ({"kana": "やまだたろう"}, {"kana": "ﾔﾏﾀﾞ ﾀﾛｳ"}, {"name": "山田　太郎"}, {"phone": "09012345678"},
                  {"kana": "ヤマダ", "birth_date": "1975-06-01"}):
        page = client.post("/cases/search", data=terms).get_data(as_text=True)
        assert case.number in page, terms
    page = client.post("/cases/search", data={"kana": "ヤマダ ハナコ"}).get_data(as_text=True)
    assert case.number not in page
    event = last_event(app)
    assert event.tag == "case:search:performed" and "ヤマダ" not in (event.reason or "")


def test_duplicate_check_names_the_holding_institution_only(app, client, login, make_user, make_case,
                                                            make_institution):
    holder = make_user("caseworker", institution=make_institution("みどり市社会福祉協議会"))
    make_case(holder, name="佐藤 花子", kana="サトウ ハナコ", first_record="秘密の経過")
    other = make_user("caseworker", institution=make_institution("NPO法人 つながりの灯"))
    login(other)
    response = client.post("/cases/new", data=INTAKE)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "みどり市社会福祉協議会" in page and "秘密の経過" not in page
    with app.app_context():
        assert db.session.scalars(select(Case)).all().__len__() == 1
    confirmed = client.post("/cases/new", data={**INTAKE, "confirm_duplicate": "y"})
    assert confirmed.status_code == 302


def test_intake_errors_keep_what_was_typed(client, login, make_user):
    login(make_user("caseworker"))
    response = client.post("/cases/new", data={**INTAKE, "birth_date": "平成31年5月1日"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "みどり市緑町4-5-6 コーポ緑202" in page and "平成31年5月1日" in page


def test_status_history_keeps_the_reason_and_a_stale_change_keeps_the_typed_reason(app, client, login, make_user,
                                                                                    make_case):
    worker = make_user("caseworker")
    case = make_case(worker)
    login(worker)
    client.post(f"/cases/{case.id}/status", data={"status": "assessment", "reason": "面談の日程が決まった",
                                                  "version": "1"})
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert 'data-testid="status-change"' in page and "面談の日程が決まった" in page
    stale = client.post(f"/cases/{case.id}/status", data={"status": "closed", "reason": "転居のため終結",
                                                          "version": "1"})
    assert stale.status_code == 409 and "転居のため終結" in stale.get_data(as_text=True)
    assert fresh(app, Case, case.id).status == "assessment"


def test_record_history_shows_earlier_versions(app, client, login, make_user, make_case):
    worker = make_user("caseworker")
    case = make_case(worker, first_record="最初の版の記録")
    login(worker)
    with app.app_context():
        row = db.session.scalars(select(SupportRecord).where(SupportRecord.case_id == case.id)).one()
    client.post(f"/cases/{case.id}/records/{row.id}/edit", data={"occurred_at": "2026-04-02T10:00", "kind": "visit",
                                                                "body": "直した版の記録", "version": "1"})
    page = client.get(f"/cases/{case.id}/records/{row.id}/history").get_data(as_text=True)
    assert 'data-testid="revision"' in page and "最初の版の記録" in page


def test_first_record_is_dated_at_intake_so_days_since_contact_count(app, client, login, make_user):
    login(make_user("caseworker"))
    response = client.post("/cases/new", data={**INTAKE, "intake_date": "2026-04-01"})
    with app.app_context():
        case = db.session.get(Case, int(response.headers["Location"].rsplit("/", 1)[1]))
        assert case.last_contact_date == dt.date(2026, 4, 1)
        assert case.days_since_contact == (japan_today() - dt.date(2026, 4, 1)).days


def test_closed_cases_are_never_overdue(app, client, login, make_user, make_case):
    worker = make_user("caseworker")
    case = make_case(worker, next_review_date=dt.date(2026, 1, 1))
    login(worker)
    assert case.number in client.get("/cases/?overdue=y").get_data(as_text=True)
    client.post(f"/cases/{case.id}/status", data={"status": "closed", "reason": "終結", "version": "1"})
    assert case.number not in client.get("/cases/?overdue=y").get_data(as_text=True)


def test_search_results_name_the_person(app, client, login, make_user, make_case):
    worker = make_user("caseworker")
    make_case(worker, name="検索 花子", kana="ケンサク ハナコ")
    login(worker)
    assert "検索 花子" in client.post("/cases/search", data={"kana": "けんさく はなこ"}).get_data(as_text=True)


def test_a_deployment_sets_its_own_categories(app, client, login, make_user):
    app.config["CASE_CATEGORIES"] = ["孤立", "生活困窮"]
    login(make_user("caseworker"))
    page = client.get("/cases/new").get_data(as_text=True)
    assert 'value="生活困窮"' in page and 'value="8050世帯"' not in page
    response = client.post("/cases/new", data={**INTAKE, "categories": ["生活困窮"]})
    assert response.status_code == 302
    assert client.post("/cases/new", data={**INTAKE, "name": "別 人", "kana": "ベツ ヒト",
                                           "categories": ["8050世帯"]}).status_code == 400
