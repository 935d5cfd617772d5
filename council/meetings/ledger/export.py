"""Writing the ledger's table as CSV (UTF-8 with a BOM, which Excel opens as Japanese) or .xlsx.

Every cell is text the coordinator saw on screen. A spreadsheet would run a cell starting with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return as a formula (an institution named ``=HYPERLINK(...)`` calling out when the file
is opened): such a cell gets a leading apostrophe, which spreadsheets show as text. The .xlsx is written in
write-only mode and with every value a string, so nothing in it is ever a formula either.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

from openpyxl import Workbook

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralised(text: str) -> str:
    """``text``, with a leading apostrophe if a spreadsheet would read it as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def as_csv(headings: list[str], rows: list[list[str]]) -> bytes:
    """The table as CSV bytes: UTF-8 with a BOM, CRLF line ends, every cell quoted where needed."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for line in [headings, *rows]:
        writer.writerow([neutralised(cell) for cell in line])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def as_xlsx(headings: list[str], rows: list[list[str]], *, sheet: str) -> bytes:
    """The table as an .xlsx workbook of one sheet named ``sheet``, every cell a string."""
    book = Workbook(write_only=True)
    page = book.create_sheet(title=sheet[:31])
    for line in [headings, *rows]:
        page.append([neutralised(cell) for cell in line])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def file_name(*, day: dt.date, page: int | None) -> str:
    """The export's file name without extension: what it holds and the Japan date it was taken, so that the page
    on screen and every filtered row never overwrite each other in a downloads folder (``ledger-2026-12-01-page-2``,
    ``ledger-2026-12-01-all``)."""
    return f"ledger-{day.isoformat()}-" + ("all" if page is None else f"page-{page}")
