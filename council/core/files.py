"""Uploaded files both sides accept: recognised by their content, never by their name or declared type, and kept
in memory only — an upload may hold personal data, and nothing of it may lie in plaintext on disk.

The limits and the reading of zip and XML are in ``council.core.archives``.
"""

from __future__ import annotations

import io
from typing import IO

from flask import Request

from council.core.archives import LIMITS, UnsafeFile, UploadError, check_size, open_office
from council.core.i18n import lazy_gettext as _l

__all__ = ["MAX_UPLOAD_BYTES", "InMemoryRequest", "UnsafeFile", "UploadError", "accepted_kind", "extension_of",
           "read_upload"]

#: Largest upload accepted (the app's MAX_CONTENT_LENGTH caps the whole request too).
MAX_UPLOAD_BYTES = LIMITS.file_bytes
#: Accepted kinds of file, recognised by their first bytes: (magic, content type, extension). A zip is accepted
#: only as a real Word or Excel file (``council.core.archives.open_office``), and then gets that file's type.
FILE_KINDS = [
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
]
_ZIP = b"PK\x03\x04"
#: Extensions of the content types stored before files were told apart (any zip was "application/zip").
_EXTENSIONS = {"application/zip": "zip",
               **{kind: extension for _magic, kind, extension in FILE_KINDS},
               "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
               "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx"}


def accepted_kind(content: bytes) -> tuple[str, str]:
    """(content type, extension) of an acceptable upload: PDF, PNG, JPEG, or a .docx or .xlsx whose every part
    passed the limits of ``council.core.archives``. Raises UploadError (UnsafeFile when a limit was passed)."""
    check_size(len(content))
    for magic, content_type, extension in FILE_KINDS:
        if content.startswith(magic):
            return content_type, extension
    if content.startswith(_ZIP):
        office = open_office(content)
        office.check_parts()
        return office.content_type, office.extension
    raise UploadError(_l("Only PDF, PNG, JPEG and Office (docx, xlsx) files are accepted."))


def extension_of(content_type: str) -> str:
    return _EXTENSIONS[content_type]


def read_upload(stream: IO[bytes], *, limit: int = MAX_UPLOAD_BYTES) -> bytes:
    """At most ``limit`` bytes of an uploaded file, into memory; UnsafeFile if there are more."""
    content = stream.read(limit + 1)
    if len(content) > limit:
        raise UnsafeFile(_l("Files may be at most %(mb)d MB.", mb=limit // (1024 * 1024)))
    return content


class InMemoryRequest(Request):
    """A request whose uploaded files stay in memory.

    Werkzeug spools a multipart file larger than 500 KB to a temporary file on disk, where an interrupted
    request would leave it in plaintext; the app's MAX_CONTENT_LENGTH bounds what is held here instead.
    """

    def _get_file_stream(self, total_content_length, content_type, filename=None, content_length=None):
        return io.BytesIO()
