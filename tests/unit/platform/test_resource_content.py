"""The text inside uploaded files, which the PII guard reads before a resource is shared."""

import pytest

from council.core.archives import DOCX, XLSX
from council.platform.guard import check_document
from council.platform.resources.content import UnreadableFile, text_of
from tests.office_files import BILLION_LAUGHS, MAIN, docx, xlsx, zip_of


def pdf_with_text(text: str) -> bytes:
    """A one-page PDF showing ``text`` (ASCII) in Helvetica, with a correct cross-reference table."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def test_pdf_text_is_read_and_a_phone_number_in_it_is_found():
    text = text_of(pdf_with_text("Contact 090-1234-5678 or taro@example.com"), "application/pdf")
    assert {finding.kind for finding in check_document(text)} == {"phone", "email"}


def test_word_paragraphs_are_read_as_lines_and_entities_unescaped():
    content = docx("つながりサポーター養成講座のご案内", "参加者名簿：山田 花子様 &amp; 鈴木 一郎様")
    text = text_of(content, DOCX)
    assert text.splitlines()[:2] == ["つながりサポーター養成講座のご案内", "参加者名簿：山田 花子様 & 鈴木 一郎様"]
    assert "honorific_name" in {finding.kind for finding in check_document(text)}


def test_excel_cells_stay_apart_so_numbers_are_not_glued():
    sheet = (f'<worksheet xmlns="{MAIN}"><sheetData><row><c t="s"><v>0</v></c><c t="inlineStr"><is><t>090-1111-2222'
             "</t></is></c></row></sheetData></worksheet>")
    content = xlsx(sheet, strings=f'<sst xmlns="{MAIN}"><si><t>電話</t></si></sst>')
    text = text_of(content, XLSX)
    assert "090-1111-2222" in text.splitlines() and "電話" in text.splitlines()
    assert "phone" in {finding.kind for finding in check_document(text)}


def test_an_ordinary_flyer_passes():
    content = docx("令和8年5月20日(水) 10:00〜12:00", "会場：中央公民館", "参加費無料・定員30名")
    text = text_of(content, DOCX)
    assert check_document(text) == []


@pytest.mark.parametrize("content,content_type", [
    (b"\x89PNG\r\n\x1a\n....", "image/png"),
    (pdf_with_text(""), "application/pdf"),
    (b"%PDF-1.4 not really a pdf", "application/pdf"),
    (zip_of({"notes.txt": "anything"}), DOCX),
    (b"PK\x03\x04 broken", DOCX),
    (xlsx("<worksheet/>", strings=BILLION_LAUGHS), XLSX),
    (docx("x" * 1_100_000), DOCX),
], ids=["image", "scanned-pdf", "broken-pdf", "other-zip", "broken-zip", "entities", "too-much-text"])
def test_files_whose_text_cannot_be_read_are_refused(content, content_type):
    with pytest.raises(UnreadableFile):
        text_of(content, content_type)
