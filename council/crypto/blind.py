"""Blind indexes: keyed hashes of normalised names, birth dates and phone numbers, for exact-match search.

The database stores ``compute(index, value)`` next to the ciphertext; a search computes the same for the
typed value and compares. Without the index root key (``instance/keys/index.key``) the stored values reveal
nothing, not even for low-entropy inputs such as phone numbers, which is why the key must never sit in the
database or its backups.

Normalisation (``council.core.japanese.index_form``) decides what counts as "the same": changing it changes
every stored index value, so any change needs a new info string (``v2``) and a re-index.
"""

from __future__ import annotations

import hashlib
import hmac

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from council.core.japanese import index_form

__all__ = [
    "BlindIndexer",
    "INDEXES",
    "NAME_KANA",
    "NAME_KANJI",
    "PHONE",
    "SURNAME_KANA_BIRTH",
]

#: Full name in kana (フリガナ).
NAME_KANA = "name_kana"
#: Full name as written (kanji, or whatever script the person uses).
NAME_KANJI = "name_kanji"
#: Surname in kana and ISO birth date (YYYY-MM-DD): compound, because either alone matches too many people.
SURNAME_KANA_BIRTH = "surname_kana_birth"
#: Phone number; the caller passes ``council.core.japanese.digits_only(number)``.
PHONE = "phone"
#: Every index the app uses, with how many parts it takes. Unknown names are refused, so a typo cannot
#: produce values that silently never match.
INDEXES: dict[str, int] = {NAME_KANA: 1, NAME_KANJI: 1, SURNAME_KANA_BIRTH: 2, PHONE: 1}
#: HKDF info prefix; the index name follows. "v1" names this normalisation and encoding.
INFO_PREFIX = b"council blind index v1:"
#: Bytes of HMAC-SHA256 kept. 128 bits: even a million indexed values collide by chance with probability
#: about n²/2¹²⁹ ≈ 10⁻²⁷, so truncation costs nothing at council scale and halves the column size.
DIGEST_BYTES = 16
#: Joins the parts of a compound index. Normalisation removes it from every part (it is whitespace to
#: Python and a control character), so ("ab", "c") and ("a", "bc") cannot join alike.
SEPARATOR = b"\x1f"
class BlindIndexer:
    """Computes blind index values with one HMAC key per index, derived from the index root key."""

    def __init__(self, root_key: bytes) -> None:
        """Raises ValueError if ``root_key`` is shorter than 32 bytes."""
        if len(root_key) < 32:
            raise ValueError(f"the index root key must be at least 32 bytes, not {len(root_key)}")
        self._root_key = bytes(root_key)
        self._keys: dict[str, bytes] = {}

    def __repr__(self) -> str:  # never show the key
        return "BlindIndexer()"

    def key_for(self, index: str) -> bytes:
        """The 32-byte HMAC key of ``index`` (HKDF-SHA256 of the root key); raises ValueError if unknown."""
        key = self._keys.get(index)
        if key is None:
            if index not in INDEXES:
                raise ValueError(f"unknown blind index {index!r}; known: {', '.join(sorted(INDEXES))}")
            hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=INFO_PREFIX + index.encode("ascii"))
            key = self._keys[index] = hkdf.derive(self._root_key)
        return key

    def compute(self, index: str, *parts: str) -> str:
        """32 hex characters: HMAC-SHA256 over the normalised parts joined by 0x1F, truncated to 16 bytes.

        Returns "" when any part normalises to nothing (empty, only spaces or dots): there is nothing to
        index, and callers skip storing it. Raises ValueError for an unknown index or the wrong number of
        parts, TypeError for a part that is not str.
        """
        if index not in INDEXES:
            raise ValueError(f"unknown blind index {index!r}; known: {', '.join(sorted(INDEXES))}")
        if len(parts) != INDEXES[index]:
            raise ValueError(f"blind index {index!r} takes {INDEXES[index]} part(s), not {len(parts)}")
        normalised = []
        for part in parts:
            if not isinstance(part, str):
                raise TypeError(f"blind index parts are str, not {type(part).__name__}")
            value = index_form(part)
            if not value:
                return ""
            normalised.append(value.encode("utf-8"))
        mac = hmac.new(self.key_for(index), SEPARATOR.join(normalised), hashlib.sha256)
        return mac.digest()[:DIGEST_BYTES].hex()
