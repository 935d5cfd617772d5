"""The text inside an uploaded file, so the PII guard reads what a file says and not only its name.

Everything a person could see or a program could extract is read (``reading``: every part of a .docx or
.xlsx, and a PDF's pages, metadata, annotations and form fields); what cannot be read or checked — an
image, a scanned PDF, an encrypted PDF, embedded files, macros, custom XML, any other zip — is refused: what
the guard cannot read must not be shared.
"""

from __future__ import annotations

from flask_babel import gettext as _

from council.core.archives import DOCX, XLSX
from council.platform.resources.reading import MAX_PAGES, MAX_TEXT, UnreadableFile
from council.platform.resources.reading.office import office_text
from council.platform.resources.reading.pdf import pdf_text

__all__ = ["MAX_PAGES", "MAX_TEXT", "UnreadableFile", "text_of"]


def text_of(content: bytes, content_type: str) -> str:
    """The file's text, one piece (paragraph, cell, metadata value, annotation…) per line. Raises
    UnreadableFile."""
    if content_type == "application/pdf":
        text = pdf_text(content)
    elif content_type in (DOCX, XLSX):
        text = office_text(content)
    else:
        raise UnreadableFile(_("Images cannot be checked for personal data. Share a PDF, Word or Excel file "
                               "with the text in it instead."))
    if not text.strip():
        raise UnreadableFile(_("This file has no text that can be checked (a scanned document?). Share a PDF, "
                               "Word or Excel file with the text in it instead."))
    return text
