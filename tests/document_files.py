"""The documents corpus (tests/data/pii/documents/) turned into real files: each text as a PDF (one line of
text per line), a .docx (one paragraph per line, tab-separated columns in a table row) and an .xlsx (one
row per line, one cell per tab-separated column)."""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

from council.core.archives import DOCX, XLSX
from tests.office_files import cells, docx_xml, sheet, xlsx
from tests.pdf_files import pdf_pages

DOCUMENTS = Path(__file__).resolve().parent / "data" / "pii" / "documents"
PDF = "application/pdf"
#: Lines per PDF page, as a printed handout has them.
PAGE_LINES = 40


def corpus(side: str) -> list[Path]:
    """The texts that must pass (``pass``) or be refused (``refuse``)."""
    return sorted((DOCUMENTS / side).glob("*.txt"))


def as_files(text: str) -> dict[str, tuple[bytes, str]]:
    """format -> (file, content type)."""
    lines = text.splitlines()
    return {"pdf": (as_pdf(lines), PDF), "docx": (as_docx(lines), DOCX), "xlsx": (as_xlsx(lines), XLSX)}


def as_pdf(lines: list[str]) -> bytes:
    pages = [lines[start:start + PAGE_LINES] for start in range(0, len(lines), PAGE_LINES)]
    return pdf_pages(*[[line.replace("\t", " ") for line in page] for page in pages])


def as_docx(lines: list[str]) -> bytes:
    body = []
    for line in lines:
        if "\t" in line:
            row = "".join(f"<w:tc><w:p><w:r><w:t>{escape(cell)}</w:t></w:r></w:p></w:tc>" for cell in line.split("\t"))
            body.append(f"<w:tbl><w:tr>{row}</w:tr></w:tbl>")
        else:
            body.append(f'<w:p><w:r><w:t xml:space="preserve">{escape(line)}</w:t></w:r></w:p>')
    return docx_xml("".join(body))


def as_xlsx(lines: list[str]) -> bytes:
    return xlsx(sheet("".join(cells(number, line.split("\t")) for number, line in enumerate(lines, 1))))
