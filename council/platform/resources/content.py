"""The text inside an uploaded file, so the PII guard reads what a file says and not only its name.

PDF text comes from pypdf; .docx and .xlsx are zip files of XML, whose text is taken from the parts that
hold the document's words (body, headers, footers, notes, comments; shared strings and cell values), read
under the limits every uploaded file is held to (``council.core.archives``). A file whose text cannot be
read — an image, a scanned PDF, an encrypted PDF, any other zip — is refused: what the guard cannot read
must not be shared.
"""

from __future__ import annotations

import io
import re

from flask_babel import gettext as _

from council.core.archives import DOCX, XLSX, UploadError, XmlHandlers, open_office

#: More text than this is not a flyer or a handout; refused rather than checked for minutes.
MAX_TEXT = 1_000_000
#: More pages than this are not a flyer or a handout either (pages without text cost time too).
MAX_PAGES = 500

_WORD_PARTS = re.compile(r"word/(document|header\d*|footer\d*|footnotes|endnotes|comments)\.xml")
_EXCEL_PARTS = re.compile(r"xl/(sharedStrings|worksheets/sheet\d+|comments\d*)\.xml")
#: Ends of paragraphs, table cells, shared strings and spreadsheet cells end a line, so words of different
#: cells are never glued into one number.
_LINE_ENDS = frozenset({"w:p", "w:tc", "si", "c", "row", "t"})


class UnreadableFile(ValueError):
    """The file's text cannot be read, so it cannot be checked; the message says why."""


def text_of(content: bytes, content_type: str) -> str:
    """The file's text. Raises UnreadableFile."""
    if content_type == "application/pdf":
        text = _pdf_text(content)
    elif content_type in (DOCX, XLSX):
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
        if len(reader.pages) > MAX_PAGES:
            raise UnreadableFile(_("This file has more than %(count)d pages. Share a shorter document.",
                                   count=MAX_PAGES))
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
        office = open_office(content)
        pattern = _WORD_PARTS if office.content_type == DOCX else _EXCEL_PARTS
        texts: list[str] = []
        size = 0

        def text(data: str) -> None:
            nonlocal size
            size += len(data)
            if size > MAX_TEXT:
                raise UnreadableFile(_("This file holds too much text to be checked. Share a shorter document."))
            texts.append(data)

        def end(name: str) -> None:
            if name in _LINE_ENDS:
                texts.append("\n")

        for name in sorted(name for name in office.archive.namelist() if pattern.fullmatch(name)):
            office.parse(name, XmlHandlers(end=end, text=text))
            texts.append("\n")
    except UploadError as error:
        raise UnreadableFile(str(error)) from None
    return "".join(texts)
