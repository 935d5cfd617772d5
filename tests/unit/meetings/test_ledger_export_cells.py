"""The ledger's file writers: formulas neutralised, CSV in UTF-8 with a BOM, .xlsx cells all text."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from council.meetings.ledger.export import as_csv, as_xlsx, neutralised


@pytest.mark.parametrize("text", ["=HYPERLINK(\"http://x\")", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_a_cell_a_spreadsheet_would_run_gets_an_apostrophe(text):
    assert neutralised(text) == "'" + text


@pytest.mark.parametrize("text", ["2026-0042", "ひきこもり・8050世帯", "", "2 (1 overdue)", "a=b"])
def test_other_cells_are_left_alone(text):
    assert neutralised(text) == text


def test_csv_is_utf8_with_a_bom_and_neutralised():
    body = as_csv(["番号", "機関"], [["2026-0001", "=cmd|' /C calc'!A0"]])
    assert body.startswith(b"\xef\xbb\xbf")
    assert list(csv.reader(io.StringIO(body.decode("utf-8-sig")))) == [
        ["番号", "機関"], ["2026-0001", "'=cmd|' /C calc'!A0"]]


def test_xlsx_holds_text_only():
    body = as_xlsx(["番号", "機関"], [["2026-0001", "=1+2"], ["2026-0002", "-3"]], sheet="進行管理台帳")
    book = load_workbook(io.BytesIO(body))
    sheet = book["進行管理台帳"]
    assert [[cell.value for cell in row] for row in sheet.iter_rows()] == [
        ["番号", "機関"], ["2026-0001", "'=1+2"], ["2026-0002", "'-3"]]
    assert all(cell.data_type == "s" for row in sheet.iter_rows() for cell in row)
