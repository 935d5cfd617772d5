"""Per-case data keys and the field cipher that encrypts personal values with them (AES-256-GCM).

A stored value is ``format byte || 96-bit random nonce || ciphertext || tag``. The associated data binds
the format byte, table, column, row id and data-key version, so a ciphertext copied to another row, column
or table, or a value read back with the wrong key, fails to decrypt instead of showing wrong data.
"""

from __future__ import annotations

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from council.crypto import aad
from council.crypto.errors import DecryptionFailed

__all__ = ["DecryptionFailed", "FORMAT_BYTES", "FORMAT_TEXT", "FieldCipher", "new_data_key"]

#: Length of a data key: AES-256.
DATA_KEY_BYTES = 32
#: GCM nonce length (96 bits). Random nonces stay safe far beyond the values one case will ever hold.
NONCE_BYTES = 12
#: GCM tag length.
TAG_BYTES = 16
#: Format byte of a value that was a str (decrypts to str, UTF-8 inside).
FORMAT_TEXT = 0x01
#: Format byte of a value that was bytes (decrypts to bytes).
FORMAT_BYTES = 0x02
#: Domain label in the associated data of a field, so it can never pass for a wrapped data key.
FIELD_LABEL = b"council/field"
#: Shortest possible stored value: format byte, nonce and tag around an empty plaintext.
MIN_BLOB_BYTES = 1 + NONCE_BYTES + TAG_BYTES


#: The fixed parts of the associated data, (format, table, column) -> encoded, shared by every key: a page decrypts
#: the same few columns many times with a key unwrapped for that request, and encoding was a third of the time of a
#: short value's decryption. Names of columns only; racing threads fill it with equal values.
_PREFIXES: dict[tuple[int, str, str], bytes] = {}


def new_data_key() -> bytes:
    """A fresh random 32-byte data key (one per case)."""
    return os.urandom(DATA_KEY_BYTES)


class FieldCipher:
    """Encrypts and decrypts the fields of one case with its data key.

    Build one per case and reuse it for all of that case's values: the AES key schedule is set up once.
    Safe to share between threads: its only state is the key.
    """

    def __init__(self, data_key: bytes, *, key_version: int = 1) -> None:
        """Raises ValueError if ``data_key`` is not 32 bytes or ``key_version`` is not a positive integer."""
        if len(data_key) != DATA_KEY_BYTES:
            raise ValueError(f"a data key is {DATA_KEY_BYTES} bytes, not {len(data_key)}")
        if isinstance(key_version, bool) or not isinstance(key_version, int) or key_version < 1:
            raise ValueError(f"key_version must be a positive integer, not {key_version!r}")
        self.key_version = key_version
        self._aesgcm = AESGCM(bytes(data_key))
        self._suffix = aad.encode_fields(key_version)

    def __repr__(self) -> str:  # never show the key
        return f"FieldCipher(key_version={self.key_version})"

    def _associated_data(self, fmt: int, table: str, column: str, row_id: int) -> bytes:
        # The format byte is bound too: otherwise flipping 0x01 to 0x02 would turn a str into bytes unnoticed.
        # Equal to aad.encode(FIELD_LABEL, fmt, table, column, row_id, key_version), built from cached parts.
        if isinstance(row_id, bool) or not isinstance(row_id, int):  # "7" would bind differently from 7
            raise TypeError(f"row_id must be an int, not {type(row_id).__name__}")
        prefix = _PREFIXES.get((fmt, table, column))
        if prefix is None:
            if not (isinstance(table, str) and isinstance(column, str) and table and column):
                raise ValueError("table and column must be named (non-empty str)")
            prefix = _PREFIXES[(fmt, table, column)] = aad.encode(FIELD_LABEL, fmt, table, column)
        return prefix + aad.encode_fields(row_id) + self._suffix

    def encrypt(self, value: str | bytes | None, *, table: str, column: str, row_id: int) -> bytes | None:
        """Encrypt ``value`` for ``table.column`` of row ``row_id``; None stays None (a missing value).

        str is stored as UTF-8 and comes back as str; bytes come back as bytes. The same value encrypts
        differently each time (random nonce). Raises TypeError for other types (and a bool or non-int
        row id), ValueError for an empty table or column name.
        """
        if value is None:
            return None
        if isinstance(value, str):
            fmt, plaintext = FORMAT_TEXT, value.encode("utf-8")
        elif isinstance(value, bytes | bytearray | memoryview):
            fmt, plaintext = FORMAT_BYTES, bytes(value)
        else:
            raise TypeError(f"FieldCipher encrypts str or bytes, not {type(value).__name__}")
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._aesgcm.encrypt(nonce, plaintext, self._associated_data(fmt, table, column, row_id))
        return bytes((fmt,)) + nonce + sealed

    def decrypt(
        self, blob: bytes | bytearray | memoryview | None, *, table: str, column: str, row_id: int
    ) -> str | bytes | None:
        """Decrypt a value stored by ``encrypt`` for the same table, column and row id; None stays None.

        Returns str or bytes, as it was given. Raises DecryptionFailed when anything does not match: another
        row, column or table, another key or key version, a changed or missing byte, an unknown format.
        """
        if blob is None:
            return None
        blob = bytes(blob)
        if len(blob) < MIN_BLOB_BYTES or blob[0] not in (FORMAT_TEXT, FORMAT_BYTES):
            raise DecryptionFailed(
                f"{table}.{column} of row {row_id} is not a council ciphertext (too short or unknown format)"
            )
        fmt = blob[0]
        try:
            plaintext = self._aesgcm.decrypt(
                blob[1 : 1 + NONCE_BYTES], blob[1 + NONCE_BYTES :], self._associated_data(fmt, table, column, row_id)
            )
        except InvalidTag:
            raise DecryptionFailed(
                f"{table}.{column} of row {row_id} does not verify: "
                "wrong data key, a value from another row or column, or damaged"
            ) from None
        if fmt == FORMAT_BYTES:
            return plaintext
        try:
            return plaintext.decode("utf-8")
        except UnicodeDecodeError:  # only reachable if whoever holds the key wrote it; still never guess
            raise DecryptionFailed(f"{table}.{column} of row {row_id} verified but is not UTF-8 text") from None
