"""Hostile and oversized ledgers are refused quickly, clearly and without touching the database; an upload never
lies on disk, whatever happens to the import."""

from __future__ import annotations

import io
import os
import tempfile
import time

import pytest
from sqlalchemy import func, select

from council.audit.models import AuditEvent
from council.cases.models import Case, SupportRecord
from council.database import db
from tests.office_files import BILLION_LAUGHS, EXTERNAL_ENTITY, HEADER, MAIN, cells, ledger_xlsx, sheet, xlsx

ROW = ["伊藤 一", "イトウ ハジメ", "昭和40年1月2日", "男", "みどり市1-1", "0312345678", "生活費の相談", "経済的困窮",
       "", "2026-04-01"]


def csv_bytes(lines: list[str]) -> bytes:
    return ("\r\n".join([",".join(HEADER), *lines]) + "\r\n").encode("utf-8")


def header_and(rows: str, *, before: str = "") -> bytes:
    return xlsx(sheet(cells(1, HEADER) + rows, before=before))


HOSTILE = {
    # A 5 KB workbook whose sheet claims row 40,000,000 (a reader that fills missing rows runs for a minute).
    "declared dimension": (".xlsx", lambda: header_and(cells(2, ROW), before='<dimension ref="A1:J40000000"/>'),
                           "rows beyond row 50001"),
    "row 40,000,000": (".xlsx", lambda: header_and(cells(2, ROW) + cells(40_000_000, ROW)), "rows beyond row 50001"),
    "zip bomb": (".xlsx", lambda: header_and(cells(2, ROW) + "<!--" + " " * (20 * 1024 * 1024) + "-->"),
                 "packed more than 100 times"),
    "junk elements": (".xlsx", lambda: header_and(cells(2, ROW), before="<x/>" * 4_000_000),
                      "packed more than 100 times"),
    "entity expansion": (".xlsx", lambda: xlsx(sheet(cells(1, HEADER)), strings=BILLION_LAUGHS),
                         "document type declaration"),
    "external entity": (".xlsx", lambda: xlsx(sheet(cells(1, HEADER)), strings=EXTERNAL_ENTITY),
                        "document type declaration"),
    "too many rows": (".xlsx", lambda: ledger_xlsx([ROW[:1]] * 50_001), "rows beyond row 50001"),
    "too long cell": (".xlsx", lambda: ledger_xlsx([[*ROW[:6], "相" * 40_000]]), "longer than 32767 characters"),
    "too long shared string": (".xlsx", lambda: xlsx(sheet(cells(1, HEADER)), strings=f'<sst xmlns="{MAIN}"><si><t>'
                                                     + "x" * 40_000 + "</t></si></sst>"),
                               "longer than 32767 characters"),
    "csv too many rows": (".csv", lambda: csv_bytes(["a"] * 50_001), "more than 50000 rows"),
    "csv huge line": (".csv", lambda: csv_bytes(["a" * 1_000_000]), "longer than 393204 characters"),
    "csv too long cell": (".csv", lambda: csv_bytes([",".join([*ROW[:6], '"' + "相" * 40_000 + '"'])]),
                          "more than 32767 characters"),
    "too large": (".csv", lambda: csv_bytes(["a" * 1_000] * 11_000), "at most 10 MB"),
}


def database_state(app) -> tuple[int, int, int]:
    with app.app_context():
        return tuple(db.session.scalar(select(func.count()).select_from(model))
                     for model in (Case, SupportRecord, AuditEvent))


@pytest.mark.parametrize("name", list(HOSTILE))
def test_a_hostile_ledger_is_refused_quickly_with_nothing_written(app, make_institution, name):
    from council.auth.models import Council
    from council.cases.importer import import_ledger
    from council.cases.ledger_import import ImportFileError, LedgerFile

    institution = make_institution("みどり市社会福祉協議会")
    suffix, build, message = HOSTILE[name]
    ledger = LedgerFile(suffix, build())
    before = database_state(app)
    with app.app_context():
        council = db.session.get(Council, institution.council_id)
        started = time.perf_counter()
        with pytest.raises(ImportFileError) as caught:
            import_ledger(ledger, council=council, actor=None, default_institution=institution.name)
        elapsed = time.perf_counter() - started
    assert message in str(caught.value).replace(",", "")
    assert elapsed < 5, elapsed  # the review's files ran for 49 s and more than 10 minutes
    assert database_state(app) == before


def test_the_page_says_why_a_hostile_ledger_was_refused(app, client, login, make_user, make_institution):
    supervisor = make_user("supervisor", institution=make_institution("機関A"))
    login(supervisor)
    before = database_state(app)
    response = client.post("/cases/import", content_type="multipart/form-data", data={
        "ledger": (io.BytesIO(HOSTILE["entity expansion"][1]()), "台帳.xlsx"), "institution": "機関A"})
    assert response.status_code == 400
    assert "文書型宣言（DOCTYPE）" in response.get_data(as_text=True)
    assert database_state(app) == before


def test_the_file_is_never_read_while_the_database_is_held(app, make_institution, monkeypatch):
    """On SQLite every transaction holds the write lock: checking must read the file outside any transaction."""
    from council.auth.models import Council
    from council.cases import importer
    from council.cases.ledger_import import LedgerFile

    institution = make_institution("機関A")
    held = []

    def watched(source):
        for row in importer_read_rows(source):
            held.append(db.session.in_transaction())
            yield row

    importer_read_rows = importer.read_rows
    monkeypatch.setattr(importer, "read_rows", watched)
    ledger = LedgerFile(".xlsx", ledger_xlsx([[*ROW[:1], f"イトウ{'ア' * (n % 7)}", *ROW[2:]]
                                              for n in range(2 * importer.DUPLICATE_BATCH + 5)]))
    with app.app_context():
        council = db.session.get(Council, institution.council_id)
        checked = importer.check_ledger(ledger, council=council, actor=None, default_institution="機関A")
    assert checked.rows == 2 * importer.DUPLICATE_BATCH + 5
    assert held and not any(held)


# -- nothing of an upload on disk ----------------------------------------------------------------------------


@pytest.fixture
def no_disk(monkeypatch, tmp_path, app_config):
    """Forbid every way a temporary file could be made (Werkzeug's spooling of multipart files included) and point
    the temporary folder at an empty one; yields a check that nothing appeared there or in the instance folder."""
    import werkzeug.formparser

    def forbidden(*_args, **_kwargs):
        raise AssertionError("an upload was about to be written to a temporary file")

    for name in ("SpooledTemporaryFile", "TemporaryFile"):
        monkeypatch.setattr(werkzeug.formparser, name, forbidden, raising=False)
    for name in ("TemporaryFile", "NamedTemporaryFile", "SpooledTemporaryFile", "TemporaryDirectory", "mkstemp",
                 "mkdtemp"):
        monkeypatch.setattr(tempfile, name, forbidden)
    folder = tmp_path / "system-temp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    instance = app_config["INSTANCE_PATH"]
    before = sorted(str(path) for path in instance.rglob("*"))

    def check():
        assert os.listdir(folder) == []
        assert sorted(str(path) for path in instance.rglob("*")) == before

    return check


def big_ledger(institution: str) -> bytes:
    """Above Werkzeug's 500 KB spooling threshold."""
    rows = [",".join([f"伊藤 {n}", "イトウ ハジメ", "", "男", "", "", "相談" * 200, "", institution, "2026-04-01"])
            for n in range(600)]
    content = csv_bytes(rows)
    assert len(content) > 600 * 1024
    return content


@pytest.mark.parametrize("outcome", ["imported", "refused", "raises mid-way"])
def test_an_upload_never_lies_on_disk(app, client, login, make_user, make_institution, no_disk, monkeypatch,
                                      outcome):
    from council.cases import importer

    supervisor = make_user("supervisor", institution=make_institution("機関A"))
    login(supervisor)
    content = big_ledger("機関A" if outcome != "refused" else "どこにもない機関")
    failed = []
    if outcome == "raises mid-way":
        written = importer._write_row

        def fail_on_the_second(row, checked, actor):
            if row.row == 3:
                failed.append(row.row)
                raise RuntimeError("the server stopped")
            return written(row, checked, actor)

        monkeypatch.setattr(importer, "_write_row", fail_on_the_second)
    data = {"ledger": (io.BytesIO(content), "台帳.csv"), "institution": "機関A", "allow_duplicates": "y"}
    try:
        response = client.post("/cases/import", content_type="multipart/form-data", data=data)
    except RuntimeError:
        response = None
    if outcome == "raises mid-way":
        assert failed == [3] and (response is None or response.status_code == 500)
    else:
        assert response.status_code == {"imported": 302, "refused": 400}[outcome]
    no_disk()
    with app.app_context():
        cases = db.session.scalar(select(func.count()).select_from(Case))
    assert cases == (600 if outcome == "imported" else 0)


def test_both_apps_keep_uploads_in_memory(app, platform_app, no_disk):
    from flask import request

    from council.core.files import InMemoryRequest

    for application in (app, platform_app):
        assert application.request_class is InMemoryRequest
        with application.test_request_context("/", method="POST", content_type="multipart/form-data",
                                              data={"file": (io.BytesIO(b"x" * 2_000_000), "big.pdf")}):
            stream = request.files["file"].stream
            assert isinstance(stream, io.BytesIO) and len(stream.getvalue()) == 2_000_000
    no_disk()


def test_ledgers_left_in_the_temporary_folder_by_earlier_versions_are_removed_at_start(app_config, tmp_path,
                                                                                       monkeypatch):
    from council import create_app
    from council.database import db as council_db

    folder = tmp_path / "system-temp"
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    old = time.time() - 3600
    for name, files, age in [("tmpold12345", ["ledger.csv"], old), ("tmpoldxlsx1", ["ledger.xlsx"], old),
                             ("tmpyoung123", ["ledger.csv"], time.time()), ("tmpother123", ["notes.txt"], old),
                             ("tmpmore1234", ["ledger.csv", "more.txt"], old), ("keepme", ["ledger.csv"], old)]:
        (folder / name).mkdir(parents=True)
        for file in files:
            (folder / name / file).write_text("山田 花子,ヤマダ ハナコ")
            os.utime(folder / name / file, (age, age))
    application = create_app(app_config)
    council_db.dispose(application)
    assert sorted(os.listdir(folder)) == ["keepme", "tmpmore1234", "tmpother123", "tmpyoung123"]
