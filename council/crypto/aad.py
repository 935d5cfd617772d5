"""Canonical encoding of associated data, so that distinct field tuples can never encode alike."""

from __future__ import annotations

import struct

#: 4-byte big-endian length prefix in front of every item.
_LENGTH = struct.Struct(">I")


def encode(label: bytes, *fields: str | int) -> bytes:
    """Encode ``label`` and ``fields`` as associated data.

    Every item is a one-byte type tag (``b`` label, ``s`` text, ``i`` integer) and a 4-byte length in front
    of its bytes, so ("a", "bc") and ("ab", "c") differ, and so do the text "12" and the integer 12.
    Raises TypeError for anything but str and int (bool is refused: True would quietly mean row 1).
    """
    return b"b" + _LENGTH.pack(len(label)) + label + encode_fields(*fields)


def encode_fields(*fields: str | int) -> bytes:
    """The encoding of ``fields`` alone: ``encode(label, *a, *b) == encode(label, *a) + encode_fields(*b)``.

    Lets a caller encode the fixed fields once and append the varying ones per call. Raises TypeError as
    ``encode`` does.
    """
    out = []
    for field in fields:
        if isinstance(field, bool) or not isinstance(field, str | int):
            raise TypeError(f"associated data takes str and int, not {type(field).__name__}")
        tag, raw = (b"s", field.encode("utf-8")) if isinstance(field, str) else (b"i", str(field).encode("ascii"))
        out += [tag, _LENGTH.pack(len(raw)), raw]
    return b"".join(out)
