"""Importing the council's Excel/CSV ledger: all rows or none, errors by row and column, audited."""

import csv

import openpyxl
import pytest
from sqlalchemy import func, select

from council.access.policy import Action, authorize
from council.audit.models import AuditEvent
from council.cases.models import Case
from council.database import db

HEADER = ["氏名", "フリガナ", "生年月日", "性別", "住所", "電話番号", "相談内容", "分類", "担当機関", "受付日"]


def rows(institution: str) -> list[list[str]]:
    return [["伊藤 一", "イトウ ハジメ", "昭和40年1月2日", "男", "みどり市1-1", "0312345678", "生活費の相談",
             "経済的困窮", institution, "R8.4.1"],
            ["加藤 二葉", "かとう ふたば", "2001/5/6", "女", "みどり市2-2", "", "介護と仕事の両立",
             "ヤングケアラー、就労", "", "2026-04-02"]]


def write_csv(path, data, encoding="utf-8-sig"):
    with open(path, "w", encoding=encoding, newline="") as handle:
        csv.writer(handle).writerows([HEADER, *data])
    return path


def count_cases(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Case))


def test_cli_imports_csv_in_cp932_and_audits_each_case(app, runner, make_institution, tmp_path):
    from flask.cli import ScriptInfo

    from council.cli import cli

    institution = make_institution("みどり市社会福祉協議会")
    path = write_csv(tmp_path / "ledger.csv", rows(institution.name), encoding="cp932")
    result = runner.invoke(cli, ["import-cases", str(path), "--institution", institution.name],
                           obj=ScriptInfo(create_app=lambda: app))
    assert result.exit_code == 0, result.output
    assert "Imported 2 case(s): 2026-0001 … 2026-0002" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.tag == "case:file:imported")) == 2


def test_cli_refuses_the_whole_file_when_one_row_is_wrong(app, runner, make_institution, tmp_path):
    from flask.cli import ScriptInfo

    from council.cli import cli

    institution = make_institution("みどり市社会福祉協議会")
    bad = rows(institution.name)
    bad[1][9] = "令和99年1月1日"  # in the future
    path = write_csv(tmp_path / "ledger.csv", bad)
    result = runner.invoke(cli, ["import-cases", str(path)], obj=ScriptInfo(create_app=lambda: app))
    assert result.exit_code == 1
    assert "row 3, 受付日" in result.output and "row 3, 担当機関" in result.output
    assert count_cases(app) == 0


def test_upload_page_imports_xlsx_for_supervisors(app, client, login, make_user, make_institution, tmp_path):
    supervisor = make_user("supervisor", institution=make_institution("みどり市中央地域包括支援センター"))
    path = tmp_path / "ledger.xlsx"
    book = openpyxl.Workbook()
    book.active.append(HEADER)
    for row in rows(""):
        book.active.append(row)
    book.save(path)
    login(supervisor)
    with path.open("rb") as handle:
        response = client.post("/cases/import", data={"ledger": (handle, "台帳.xlsx"),
                                                      "institution": "みどり市中央地域包括支援センター"},
                               content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    page = client.get("/cases/").get_data(as_text=True)
    assert "伊藤 一" in page and "加藤 二葉" in page


def test_upload_page_lists_errors_and_imports_nothing(app, client, login, make_user, make_institution, tmp_path):
    supervisor = make_user("supervisor", institution=make_institution("機関A"))
    data = rows("存在しない機関")
    path = write_csv(tmp_path / "ledger.csv", data)
    login(supervisor)
    with path.open("rb") as handle:
        response = client.post("/cases/import", data={"ledger": (handle, "ledger.csv")},
                               content_type="multipart/form-data")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'data-testid="import-errors"' in page and "担当機関" in page
    assert count_cases(app) == 0


def test_caseworkers_cannot_import(client, login, make_user):
    login(make_user("caseworker"))
    assert client.get("/cases/import").status_code == 403


def test_importing_the_same_ledger_twice_is_refused(app, runner, make_institution, tmp_path):
    from flask.cli import ScriptInfo

    from council.cli import cli

    institution = make_institution("みどり市社会福祉協議会")
    path = write_csv(tmp_path / "ledger.csv", rows(institution.name))
    info = ScriptInfo(create_app=lambda: app)
    assert runner.invoke(cli, ["import-cases", str(path), "--institution", institution.name], obj=info).exit_code == 0
    again = runner.invoke(cli, ["import-cases", str(path), "--institution", institution.name], obj=info)
    assert again.exit_code == 1 and "row 2, 氏名" in again.output and "みどり市社会福祉協議会" in again.output
    assert count_cases(app) == 2
    with app.app_context():  # the check disclosed both cases: the auditor finds it under each of them
        from council.audit.models import AuditEventCase

        disclosed = db.session.scalars(select(AuditEventCase.case_id).join(
            AuditEvent, AuditEvent.seq == AuditEventCase.event_seq).where(AuditEvent.tag == "case:duplicates:checked"))
        assert sorted(disclosed) == sorted(db.session.scalars(select(Case.id)))
    forced = runner.invoke(cli, ["import-cases", str(path), "--institution", institution.name, "--allow-duplicates"],
                           obj=info)
    assert forced.exit_code == 0 and count_cases(app) == 4


# -- what an import writes, and who may import what ----------------------------------------------------------


def post_ledger(client, data: list[list[str]], tmp_path, **form):
    path = write_csv(tmp_path / "ledger.csv", data)
    with path.open("rb") as handle:
        return client.post("/cases/import", data={"ledger": (handle, "ledger.csv"), **form},
                           content_type="multipart/form-data")


def test_each_summary_becomes_a_ledger_record_dated_the_intake_date_by_nobody(app, client, login, make_user,
                                                                            make_institution, tmp_path):
    import datetime as dt

    from council.cases.models import SupportRecord
    from council.core.clock import japan_date

    institution = make_institution("みどり市社会福祉協議会")
    login(make_user("supervisor", institution=institution))
    response = post_ledger(client, rows(institution.name), tmp_path, institution=institution.name)
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        records = db.session.scalars(select(SupportRecord).order_by(SupportRecord.id)).all()
        case_id = db.session.scalar(select(Case.id).where(Case.number == "2026-0001"))
    assert [(r.kind, r.author_id) for r in records] == [("ledger", None), ("ledger", None)]
    assert [japan_date(r.occurred_at) for r in records] == [dt.date(2026, 4, 1),
                                                                                  dt.date(2026, 4, 2)]
    page = client.get(f"/cases/{case_id}").get_data(as_text=True)
    assert "2026-04-01</strong> · 台帳から取込" in page and "生活費の相談" in page
    assert "· 来所 ·" not in page  # never an office visit by the supervisor who imported it


def test_a_supervisor_is_told_the_real_rule_for_another_institutions_row(app, client, login, make_user,
                                                                         make_institution, tmp_path):
    own = make_institution("自機関")
    make_institution("他機関")
    login(make_user("supervisor", institution=own))
    response = post_ledger(client, [rows("他機関")[0]], tmp_path, institution=own.name)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "自機関（自機関）にだけ取り込めます。この行は 他機関 のケースです。" in page
    assert "構成機関として登録されていません" not in page
    assert count_cases(app) == 0


def test_the_coordinator_imports_the_shared_ledger_without_gaining_access(app, client, login, make_user,
                                                                        make_institution, tmp_path):
    from council.audit.models import AuditEvent
    from council.cases.models import CaseAssignment

    coordinator = make_user("coordinator", institution=make_institution("調整機関", coordinator=True))
    first, second = make_institution("機関A"), make_institution("機関B")
    data = rows("機関A")
    data[1][8] = "機関B"
    login(coordinator)
    assert 'data-testid="shared-import"' in client.get("/cases/import").get_data(as_text=True)
    response = post_ledger(client, data, tmp_path)
    assert response.status_code == 302 and response.headers["Location"].endswith("/cases/ledger")
    with app.app_context():
        cases = db.session.scalars(select(Case).order_by(Case.number)).all()
        imported = db.session.scalars(select(AuditEvent).where(AuditEvent.tag == "case:file:imported")
                                      .order_by(AuditEvent.seq)).all()
        assignments = db.session.scalar(select(func.count()).select_from(CaseAssignment))
    assert [case.lead_institution_id for case in cases] == [first.id, second.id]
    assert [(event.actor_user_id, event.target_type, event.target_id) for event in imported] == \
        [(coordinator.id, "case_file", str(cases[0].id)), (coordinator.id, "case_file", str(cases[1].id))]
    assert assignments == 0
    for case in cases:  # metadata in the ledger, never the content
        assert client.get(f"/cases/{case.id}").status_code == 404
    ledger = client.get("/cases/ledger").get_data(as_text=True)
    assert cases[0].number in ledger and cases[1].number in ledger and "伊藤 一" not in ledger


def test_the_coordinator_may_import_only_into_member_institutions(app, client, login, make_user, make_institution,
                                                                 tmp_path):
    coordinator = make_user("coordinator", institution=make_institution("調整機関", coordinator=True))
    make_institution("機関A")
    make_institution("よその機関", council="よそ市孤独・孤立対策地域協議会")
    data = rows("機関A")
    data[0][8], data[1][8] = "よその機関", "存在しない機関"
    login(coordinator)
    response = post_ledger(client, data, tmp_path)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert page.count("構成機関として登録されていません") == 2
    assert count_cases(app) == 0


@pytest.mark.parametrize("role", ["caseworker", "member", "auditor", "admin"])
def test_only_supervisors_and_the_coordinator_may_import(client, login, make_user, role):
    login(make_user(role))
    assert client.get("/cases/import").status_code == 403


def test_nobody_writes_a_ledger_record_by_hand(app, client, login, make_user, make_case):
    import datetime as dt

    from council.cases import records
    from council.cases.errors import CaseError
    from tests.conftest import db_get

    worker = make_user("caseworker")
    case = make_case(worker)
    login(worker)
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert 'value="ledger"' not in page
    response = client.post(f"/cases/{case.id}/records", data={"occurred_at": "2026-04-02T10:00", "kind": "ledger",
                                                              "body": "台帳から取り込んだふり"})
    assert response.status_code == 400
    with app.app_context(), pytest.raises(CaseError):
        actor, stored = db_get(app, type(worker), worker.id), db_get(app, Case, case.id)
        records.add_record(actor=actor, case=stored, access=authorize(actor, Action.WRITE_RECORD, stored),
                           occurred_at=dt.datetime(2026, 4, 2, tzinfo=dt.UTC),
                           kind="ledger", body="x")


def test_an_imported_record_keeps_its_kind_when_edited_and_no_other_record_takes_it(app, client, login, make_user,
                                                                                   make_institution, make_case,
                                                                                   tmp_path):
    from council.cases.models import SupportRecord

    institution = make_institution("機関A")
    supervisor = make_user("supervisor", institution=institution)
    login(supervisor)
    assert post_ledger(client, rows("機関A")[:1], tmp_path).status_code == 302
    with app.app_context():
        imported = db.session.scalars(select(SupportRecord)).one()
    form = client.get(f"/cases/{imported.case_id}/records/{imported.id}/edit").get_data(as_text=True)
    assert '<option selected value="ledger">台帳から取込</option>' in form
    edit = {"occurred_at": "2026-04-01T00:00", "kind": "ledger", "body": "生活費の相談（補足）", "version": "1"}
    assert client.post(f"/cases/{imported.case_id}/records/{imported.id}/edit", data=edit).status_code == 302
    other = make_case(supervisor)
    with app.app_context():
        written = db.session.scalars(select(SupportRecord).where(SupportRecord.case_id == other.id)).one()
    response = client.post(f"/cases/{other.id}/records/{written.id}/edit", data={**edit, "version": "1"})
    assert response.status_code != 302 and written.kind != "ledger"  # the form offers no such choice
    with app.app_context():
        assert db.session.get(SupportRecord, written.id).kind == written.kind
        assert db.session.get(SupportRecord, imported.id).kind == "ledger"
