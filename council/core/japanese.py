"""Japanese text as the system compares and keeps it: the one normaliser of both apps.

Three forms, each built on the same steps (NFKC, then hiragana to katakana):

- ``index_form``: what blind indexes hash (DESIGN §6) — also case-folded, with spaces, middle dots and invisible
  characters removed, so that 「やまだ たろう」, 「ﾔﾏﾀﾞ･ﾀﾛｳ」 and 「ヤマダ　タロウ」 are the same name. Every stored
  index value was computed with exactly this function: changing what it returns for any text breaks search
  and duplicate detection of existing data (a test pins its values on a corpus of names), so a change needs
  a new index version and a re-index (``council.crypto.blind.INFO_PREFIX``).
- ``katakana_reading``: a フリガナ as it is stored and shown — full-width katakana, however it was typed, with one
  space where the person typed any run of spaces (the break between surname and given name is kept for the
  eye and for ``surname``). It differs from ``index_form`` only in what a reader needs: spaces, middle dots
  and letter case stay.
- ``compact``: NFKC with runs of spaces made one, for matching words such as ledger headings and institution
  names (no kana conversion: 「みどり」 and 「ミドリ」 are different institutions).

``digits_only`` is the one way to read a number typed with any digits and separators (phone numbers).
"""

from __future__ import annotations

import re
import unicodedata

#: Middle dots people put between surname and given name: katakana (・), half-width (･), Latin (·).
MIDDLE_DOTS = frozenset("\u30fb\uff65\u00b7")
#: Hiragana ぁ..ゖ and the iteration marks ゝゞ map to the katakana 0x60 above them.
_HIRAGANA_TO_KATAKANA = {code: code + 0x60 for code in [*range(0x3041, 0x3097), 0x309D, 0x309E]}
#: Where a surname ends in a typed name: the first run of spaces or middle dots.
_NAME_BREAK = re.compile(r"[\s・･·]+")


def katakana(text: str) -> str:
    """``text`` with every hiragana (and ゝゞ) turned into its katakana; nothing else changes."""
    return text.translate(_HIRAGANA_TO_KATAKANA)


def _invisible_or_break(char: str) -> bool:
    # Whitespace of every kind (U+3000 included), middle dots, and invisible control/format characters
    # (BOM and zero-width spaces come along when names are pasted from spreadsheets).
    return char.isspace() or char in MIDDLE_DOTS or unicodedata.category(char) in ("Cc", "Cf")


def index_form(text: str) -> str:
    """The form of ``text`` that blind indexes hash.

    NFKC (full-width Latin and digits become ASCII, half-width kana become full-width, with their dakuten
    composed); case-folded; hiragana become katakana; whitespace, middle dots and invisible characters are
    removed. Kana size (ァ/ア), ヴ/ブ and long-vowel marks are kept: they are different names.
    """
    text = katakana(unicodedata.normalize("NFKC", text).casefold())
    text = "".join(char for char in text if not _invisible_or_break(char))
    # NFKC turns a spacing dakuten (゛) into space + combining mark; with the space gone, NFC composes it.
    return unicodedata.normalize("NFC", text)


def compact(text: str) -> str:
    """NFKC, surrounding spaces removed and every inner run of spaces made one ``" "``."""
    return " ".join(unicodedata.normalize("NFKC", text or "").split())


def katakana_reading(text: str) -> str:
    """A フリガナ as it is stored and shown: NFKC, in katakana, one space for any run of spaces, a dakuten typed
    apart joined to its kana (「ﾔﾏﾀﾞ　たろう」 and 「ヤマタ゛ タロウ」 → 「ヤマダ タロウ」).

    ``index_form(katakana_reading(x)) == index_form(x)``, and the reading breaks where ``x`` breaks, so
    ``surname`` finds the same surname: storing the reading never changes which indexes the person is found by.
    """
    return " ".join(unicodedata.normalize("NFC", katakana(_nfkc_keeping_breaks(text or ""))).split())


def _nfkc_keeping_breaks(text: str) -> str:
    """NFKC with spaces only where ``text`` has them.

    NFKC writes a spacing dakuten or handakuten (゛゜, as some IMEs and old data have them) as a space and a
    combining mark; joined to the kana before it, the mark makes one letter (タ゛ → ダ) instead of a break in
    the name that would move where the surname ends.
    """
    parts = (character if character.isspace() else "".join(unicodedata.normalize("NFKC", character).split())
             for character in text)
    return unicodedata.normalize("NFKC", "".join(parts))


def surname(kana: str) -> str:
    """The part of a typed name before its first space or middle dot; the whole name without one."""
    return _NAME_BREAK.split(kana.strip(), maxsplit=1)[0] if kana else ""


def digits_only(text: str) -> str:
    """The ASCII digits of ``text`` after NFKC (full-width ０-９ count), everything else dropped: "03-1234-5678"
    and "０３（１２３４）５６７８" both give "0312345678"."""
    return "".join(char for char in unicodedata.normalize("NFKC", text or "") if "0" <= char <= "9")


#: Katakana (ァ–ヺ, ー, ヽ, ヾ), hiragana (ぁ–ゖ, ゝ, ゞ), the middle dot and spaces.
_KANA_NAME = re.compile(r"[\u30a1-\u30fa\u30fc\u30fd\u30fe\u3041-\u3096\u309d\u309e・ ]+")


def is_kana_name(text: str) -> bool:
    """Whether ``text`` (after ``compact``) is written in kana only: katakana or hiragana, with ー, ・ and spaces."""
    return bool(_KANA_NAME.fullmatch(compact(text)))
