"""The text inside an uploaded file, so the PII guard reads what a file says and not only its name.

Everything a person could see or a program could extract is read (``reading``: every part of a .docx or
.xlsx, and a PDF's pages, metadata, annotations and form fields); what cannot be read or checked — an
image, a scanned PDF, an encrypted PDF, embedded files, macros, custom XML, any other zip — is refused: what
the guard cannot read must not be shared.
"""

from __future__ import annotations

from dataclasses import dataclass

from council.core.archives import DOCX, XLSX
from council.core.i18n import gettext as _
from council.platform.resources.reading import MAX_PAGES, MAX_TEXT, UnreadableFile
from council.platform.resources.reading.office import read_office
from council.platform.resources.reading.pdf import read_pdf

__all__ = ["MAX_PAGES", "MAX_TEXT", "FileText", "UnreadableFile", "read", "text_of"]


@dataclass(frozen=True)
class FileText:
    """What a file says: its ``text`` (one piece — paragraph, cell, metadata value, note — per line), and
    its ``authors`` (who wrote or edited it, or a comment in it), one per line."""

    text: str
    authors: str


def read(content: bytes, content_type: str) -> FileText:
    """Everything the file says. Raises UnreadableFile."""
    if content_type == "application/pdf":
        collected = read_pdf(content)
    elif content_type in (DOCX, XLSX):
        collected = read_office(content)
    else:
        raise UnreadableFile(_("Images cannot be checked for personal data. Share a PDF, Word or Excel file "
                               "with the text in it instead."))
    text = collected.text()
    if not text.strip():
        raise UnreadableFile(_("This file has no text that can be checked (a scanned document?). Share a PDF, "
                               "Word or Excel file with the text in it instead."))
    return FileText(text, "\n".join(collected.authors))


def text_of(content: bytes, content_type: str) -> str:
    """All the file says as one text, authors last. Raises UnreadableFile."""
    found = read(content, content_type)
    return f"{found.text}\n{found.authors}" if found.authors else found.text
