"""Download names: a user's file name made safe for a Content-Disposition header (RFC 6266, RFC 5987).

A stored file name is whatever the uploader's system called the file. It goes back to the browser as
``filename*=UTF-8''…`` (percent-encoded, so Japanese names survive) with a plain ASCII ``filename="…"`` for
clients that ignore ``filename*``. Before that, everything that could change what the header or the saved
file means is taken out: control characters (CR and LF would end the header; DEL, C1), Unicode format
characters (bidi overrides such as U+202E turn ``gpj.exe`` into something that reads as ``exe.jpg``,
zero-width characters hide differences) and path separators (a name is never a path).
"""

from __future__ import annotations

import unicodedata
from urllib.parse import quote

#: Unicode categories dropped from names: controls (Cc: C0, DEL, C1), format characters (Cf: bidi
#: embeddings, overrides and isolates, zero-width characters, BOM), line and paragraph separators, surrogates
#: and unassigned code points.
_DROPPED_CATEGORIES = {"Cc", "Cf", "Zl", "Zp", "Cs", "Cn"}
_PATH_SEPARATORS = {"/", "\\"}
#: What RFC 5987 allows unencoded in ``filename*`` (attr-char besides letters and digits).
_ATTR_CHARS = "!#$&+-.^_`|~"
MAX_NAME_LENGTH = 200


def clean_filename(name: str) -> str:
    """``name`` without control, format or path-separator characters, trimmed of spaces and leading dots."""
    text = unicodedata.normalize("NFC", name or "")
    kept = "".join(ch for ch in text if ch not in _PATH_SEPARATORS
                   and unicodedata.category(ch) not in _DROPPED_CATEGORIES)
    # Leading dots would make a hidden file (or "..") on the user's disk.
    kept = kept.strip().lstrip(".").strip()
    if len(kept) > MAX_NAME_LENGTH:
        stem, dot, suffix = kept.rpartition(".")
        kept = kept[:MAX_NAME_LENGTH] if not dot or len(suffix) > 10 else \
            stem[:MAX_NAME_LENGTH - len(suffix) - 1] + "." + suffix
    return kept


def with_extension(name: str, *, extension: str, also: frozenset[str] = frozenset()) -> str:
    """``name`` ending in ``.extension`` (or one of ``also``): the saved file opens as what it really is."""
    suffix = name.rpartition(".")[2].lower() if "." in name else ""
    if suffix == extension or suffix in also:
        return name
    return f"{name}.{extension}"


def _plain_ascii(name: str) -> bool:
    return name.isascii() and name.isprintable() and '"' not in name and "%" not in name


def content_disposition(filename: str, *, fallback: str) -> str:
    """``attachment; filename="…"; filename*=UTF-8''…`` for ``filename`` (cleaned); ``fallback`` (ASCII, made
    by the server) stands in where the name is empty or not plain ASCII."""
    name = clean_filename(filename) or fallback
    ascii_name = name if _plain_ascii(name) else fallback
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe=_ATTR_CHARS)}"
