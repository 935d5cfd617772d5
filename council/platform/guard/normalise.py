"""NFKC-normalised views of a text whose offsets map back to the original.

Detectors match on a normalised view (full-width digits and ``＠`` become ASCII, ``（`` becomes ``(``…)
and report offsets into the original text, so the form highlights what the user actually typed.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

#: Characters people type between digit groups of a phone number that the matcher does not take as
#: separators (katakana ー, middle dot, wave dash, dashes of every width).
DIGIT_SEPARATORS = frozenset("-‐‑‒–—―−ー─━・･～〜~")
#: Kanji numerals, as in a hand-written 〇九〇・一二三四・五六七八.
KANJI_DIGITS = dict(zip("〇一二三四五六七八九", "0123456789", strict=True))


@dataclass(frozen=True)
class View:
    """``text`` derived from an original; ``origin[i]`` is the original index of ``text[i]``."""

    text: str
    origin: tuple[int, ...]
    original_length: int

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span covering ``self.text[start:end]``."""
        if start >= end:
            position = self.origin[start] if start < len(self.origin) else self.original_length
            return position, position
        return self.origin[start], self.origin[end - 1] + 1


def nfkc(original: str) -> View:
    """Normalise character by character, so every output character knows where it came from.

    Per-character NFKC does not compose half-width kana with a following voiced mark (ｶﾞ stays two
    characters); no detector relies on that, and it keeps the mapping exact.
    """
    characters: list[str] = []
    origin: list[int] = []
    for index, character in enumerate(original):
        if ord(character) > 0x7F and unicodedata.category(character) == "Cf":
            continue  # zero-width and other invisible format characters would split an address or a number
        normal = unicodedata.normalize("NFKC", character) if ord(character) > 0x7F else character
        characters.append(normal)
        origin.extend([index] * len(normal))
    return View("".join(characters), tuple(origin), len(original))


def digits_view(view: View) -> View:
    """Make digit groups easy to read: kanji numerals become digits, odd separators between digits ``-``,
    letters before digits spaces.

    Same length as ``view``, so its origin map stays valid.
    """
    text = "".join(KANJI_DIGITS.get(character, character) for character in view.text)
    characters = list(text)
    for index, character in enumerate(text):
        if character in DIGIT_SEPARATORS and _digit_near(text, index, -1) and _digit_near(text, index, 1):
            characters[index] = "-"
        elif character.isascii() and character.isalpha() and index + 1 < len(text) and text[index + 1].isdigit():
            characters[index] = " "  # "tel0901234…": the matcher refuses numbers glued to letters
    return View("".join(characters), view.origin, view.original_length)


def _digit_near(text: str, index: int, step: int) -> bool:
    """Is the nearest non-space character in direction ``step`` a digit (or a bracket around digits)?"""
    position = index + step
    while 0 <= position < len(text) and text[position] == " ":
        position += step
    return 0 <= position < len(text) and (text[position].isdigit() or text[position] in "()")
