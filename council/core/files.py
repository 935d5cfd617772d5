"""Uploaded files both sides accept: recognised by their first bytes, never by their name or declared type."""

from __future__ import annotations

from flask_babel import gettext as _

#: Largest upload accepted (the app's MAX_CONTENT_LENGTH caps the whole request too).
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
#: Accepted kinds of file, recognised by their first bytes: (magic, content type, extension).
FILE_KINDS = [
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"PK\x03\x04", "application/zip", "zip"),  # .docx and .xlsx are zip files
]


class UploadError(ValueError):
    """The file is empty, too large or of a kind not accepted; the message says which."""


def accepted_kind(content: bytes) -> tuple[str, str]:
    """(content type, extension) of an acceptable upload. Raises UploadError."""
    if not content:
        raise UploadError(_("The file is empty."))
    if len(content) > MAX_UPLOAD_BYTES:
        raise UploadError(_("Files may be at most %(mb)d MB.", mb=MAX_UPLOAD_BYTES // (1024 * 1024)))
    for magic, content_type, extension in FILE_KINDS:
        if content.startswith(magic):
            return content_type, extension
    raise UploadError(_("Only PDF, PNG, JPEG and Office (docx, xlsx) files are accepted."))


def extension_of(content_type: str) -> str:
    return next(ext for _magic, kind, ext in FILE_KINDS if kind == content_type)
