"""Blind indexes: keyed hashes of normalised names, birth dates and phone numbers, for exact-match search.

The database stores ``compute(index, value)`` next to the ciphertext; a search computes the same for the
typed value and compares. Without the index root key (``instance/keys/index.key``) the stored values reveal
nothing, not even for low-entropy inputs such as phone numbers, which is why the key must never sit in the
database or its backups.

Normalisation decides what counts as "the same": changing it changes every stored index value, so any
change needs a new info string (``v2``) and a re-index.
"""

from __future__ import annotations

import hashlib
import hmac
import unicodedata

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

__all__ = [
    "BlindIndexer",
    "INDEXES",
    "NAME_KANA",
    "NAME_KANJI",
    "PHONE",
    "SURNAME_KANA_BIRTH",
    "digits_only",
    "normalise",
]

#: Full name in kana (フリガナ).
NAME_KANA = "name_kana"
#: Full name as written (kanji, or whatever script the person uses).
NAME_KANJI = "name_kanji"
#: Surname in kana and ISO birth date (YYYY-MM-DD): compound, because either alone matches too many people.
SURNAME_KANA_BIRTH = "surname_kana_birth"
#: Phone number; the caller passes ``digits_only(number)``.
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
#: Middle dots people put between given name and surname: katakana (・), half-width (･), Latin (·).
MIDDLE_DOTS = frozenset("\u30fb\uff65\u00b7")
#: Hiragana ぁ..ゖ and the iteration marks ゝゞ map to katakana 0x60 above.
_HIRAGANA_TO_KATAKANA = {code: code + 0x60 for code in [*range(0x3041, 0x3097), 0x309D, 0x309E]}


def _drop(char: str) -> bool:
    # Whitespace of every kind (U+3000 included), middle dots, and invisible control/format characters
    # (BOM and zero-width spaces come along when names are pasted from spreadsheets).
    return char.isspace() or char in MIDDLE_DOTS or unicodedata.category(char) in ("Cc", "Cf")


def normalise(text: str) -> str:
    """The form of ``text`` that blind indexes hash.

    NFKC (full-width Latin and digits become ASCII, half-width kana become full-width, with their dakuten
    composed); case-folded; hiragana become katakana; whitespace, middle dots and invisible characters are
    removed. Kana size (ァ/ア), ヴ/ブ and long-vowel marks are kept: they are different names.
    """
    text = unicodedata.normalize("NFKC", text).casefold().translate(_HIRAGANA_TO_KATAKANA)
    text = "".join(char for char in text if not _drop(char))
    # NFKC turns a spacing dakuten (゛) into space + combining mark; with the space gone, NFC composes it.
    return unicodedata.normalize("NFC", text)


def digits_only(text: str) -> str:
    """The ASCII digits of ``text`` after NFKC (full-width ０-９ count), for phone numbers: "03-1234-5678"
    and "０３（１２３４）５６７８" both give "0312345678"."""
    return "".join(char for char in unicodedata.normalize("NFKC", text) if "0" <= char <= "9")


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
            value = normalise(part)
            if not value:
                return ""
            normalised.append(value.encode("utf-8"))
        mac = hmac.new(self.key_for(index), SEPARATOR.join(normalised), hashlib.sha256)
        return mac.digest()[:DIGEST_BYTES].hex()
