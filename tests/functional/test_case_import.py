"""Importing the council's Excel/CSV ledger: all rows or none, errors by row and column, audited."""

import csv

import openpyxl
from sqlalchemy import func, select

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
            AuditEvent.tag == "case.imported")) == 2


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
    forced = runner.invoke(cli, ["import-cases", str(path), "--institution", institution.name, "--allow-duplicates"],
                           obj=info)
    assert forced.exit_code == 0 and count_cases(app) == 4
