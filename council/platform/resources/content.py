"""The text inside an uploaded file, so the PII guard reads what a file says and not only its name.

PDF text comes from pypdf; .docx and .xlsx are zip files of XML, whose text is taken from the parts that
hold the document's words (body, headers, footers, notes, comments; shared strings and cell values). A file
whose text cannot be read — an image, a scanned PDF, an encrypted PDF, any other zip — is refused: what the
guard cannot read must not be shared.
"""

from __future__ import annotations

import html
import io
import re
import zipfile

from flask_babel import gettext as _

#: More text than this is not a flyer or a handout; refused rather than checked for minutes.
MAX_TEXT = 1_000_000
#: A part larger than this once unzipped is refused (a zip bomb would otherwise fill the memory).
MAX_PART = 30 * 1024 * 1024

_WORD_PARTS = re.compile(r"word/(document|header\d*|footer\d*|footnotes|endnotes|comments)\.xml")
_EXCEL_PARTS = re.compile(r"xl/(sharedStrings|worksheets/sheet\d+|comments\d*)\.xml")
#: Closing tags of paragraphs, table cells, shared strings and spreadsheet cells end a line, so words of
#: different cells are never glued into one number.
_LINE_ENDS = re.compile(r"</(w:p|w:tc|si|c|row|t)>")
_TAG = re.compile(r"<[^>]*>")


class UnreadableFile(ValueError):
    """The file's text cannot be read, so it cannot be checked; the message says why."""


def text_of(content: bytes, content_type: str) -> str:
    """The file's text. Raises UnreadableFile."""
    if content_type == "application/pdf":
        text = _pdf_text(content)
    elif content_type == "application/zip":
        text = _office_text(content)
    else:
        raise UnreadableFile(_("Images cannot be checked for personal data. Share a PDF, Word or Excel file "
                               "with the text in it instead."))
    if not text.strip():
        raise UnreadableFile(_("This file has no text that can be checked (a scanned document?). Share a PDF, "
                               "Word or Excel file with the text in it instead."))
    if len(text) > MAX_TEXT:
        raise UnreadableFile(_("This file holds too much text to be checked. Share a shorter document."))
    return text


def _pdf_text(content: bytes) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(content))
        if reader.is_encrypted:
            raise UnreadableFile(_("Encrypted PDFs cannot be checked for personal data. Share it unencrypted."))
        pages, size = [], 0
        for page in reader.pages:
            pages.append(page.extract_text() or "")
            size += len(pages[-1])
            if size > MAX_TEXT:
                break
        return "\n".join(pages)
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as error:
        if isinstance(error, UnreadableFile):
            raise
        raise UnreadableFile(_("The PDF could not be read.")) from None


def _office_text(content: bytes) -> str:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        names = archive.namelist()
    except (zipfile.BadZipFile, OSError):
        raise UnreadableFile(_("The file could not be read.")) from None
    if "word/document.xml" in names:
        parts = [name for name in names if _WORD_PARTS.fullmatch(name)]
    elif "xl/workbook.xml" in names:
        parts = [name for name in names if _EXCEL_PARTS.fullmatch(name)]
    else:
        raise UnreadableFile(_("Only Word (.docx) and Excel (.xlsx) files are accepted among zip files."))
    texts = []
    for name in sorted(parts):
        if archive.getinfo(name).file_size > MAX_PART:
            raise UnreadableFile(_("This file holds too much text to be checked. Share a shorter document."))
        xml = archive.read(name).decode("utf-8", errors="replace")
        texts.append(html.unescape(_TAG.sub("", _LINE_ENDS.sub("\n", xml))))
    return "\n".join(texts)
