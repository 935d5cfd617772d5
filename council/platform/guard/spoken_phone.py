"""Phone numbers written the way people say them: 090の1234の5678, ゼロキューゼロ…, まるきゅうまる…,
〇九〇の…, or spread over a sentence (市外局番0436、市内局番58、番号3317).

libphonenumber's matcher reads digits with the usual separators only. Here the text is read as a sequence
of digits — ASCII, kanji numerals, and the katakana or hiragana readings of digits — with the gaps between
them; groups joined across short gaps (の, a space, a comma, up to six kana or punctuation characters, or a
line break), or across a sentence's worth of words right after a word saying that a phone number follows (電話,
TEL, 番号, 局番…), are tried as a number: 10 or 11 digits from the start of a group that begins with 0,
accepted when libphonenumber says it is a valid Japanese number.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import phonenumbers

from council.platform.guard.findings import Finding
from council.platform.guard.normalise import KANJI_DIGITS, View

DETECTOR = "spoken_phone"

#: Readings of digits, longest first so キュウ is read before キュ + ウ.
READINGS = {
    "0": ("ゼロ", "ぜろ", "レイ", "れい", "マル", "まる", "零"),
    "1": ("イチ", "いち"),
    "2": ("ニー", "にー", "にい", "ニ", "に"),
    "3": ("サン", "さん"),
    "4": ("ヨン", "よん"),
    "5": ("ゴー", "ごー", "ゴ", "ご"),
    "6": ("ロク", "ろく"),
    "7": ("ナナ", "なな"),
    "8": ("ハチ", "はち"),
    "9": ("キュウ", "キュー", "きゅう", "きゅー"),
}
_READING = re.compile("|".join(sorted((re.escape(r) for rs in READINGS.values() for r in rs), key=len, reverse=True)))
_DIGIT_OF = {reading: digit for digit, readings in READINGS.items() for reading in readings}
#: What may stand between two digit groups of one spoken number.
_SHORT_GAP = re.compile(r"[\sぁ-ゖァ-ヺー・、,./()\-~〜「」:]{1,6}|\s*ハイフン\s*|\s*はいふん\s*")
_LONG_GAP = re.compile(r"[^0-9\n。]{1,14}")
#: A number written the usual way, in ASCII digits and separators: the phonenumbers detector's to find.
_WRITTEN = re.compile(r"[0-9()\- +]+")
#: Words saying that a phone number is being given.
#: How close before a number's first digits the cue must stand.
_CUE_REACH = 20
_CUE = re.compile(r"電話|でんわ|TEL|Tel|tel|携帯|けいたい|ケータイ|番号|局番|連絡先|留守電|FAX|ファックス")


def detect(text: str, view: View) -> Iterator[Finding]:
    """Spoken or spread-out numbers that libphonenumber accepts as Japanese phone numbers."""
    digits = _digits(view.text)
    if len(digits) < 10:
        return
    cues = [match.end() for match in _CUE.finditer(view.text)]
    runs: list[list[tuple[str, int, int, bool]]] = [[digits[0]]]
    for previous, current in zip(digits, digits[1:], strict=False):
        gap = view.text[previous[2]:current[1]]
        run_start = runs[-1][0][1]
        cued = any(0 <= run_start - cue <= _CUE_REACH for cue in cues)
        if not gap or _SHORT_GAP.fullmatch(gap) or (cued and _LONG_GAP.fullmatch(gap)):
            runs[-1].append(current)
        else:
            runs.append([current])
    for run in runs:
        for start, end in _numbers(run):
            if not _WRITTEN.fullmatch(view.text[start:end]):
                yield Finding("phone", *view.span(start, end), DETECTOR)


def _digits(text: str) -> list[tuple[str, int, int, bool]]:
    """Every digit in ``text``: (digit, start, end, starts a group)."""
    found: list[tuple[str, int, int, bool]] = []
    position = 0
    while position < len(text):
        character = text[position]
        reading = _READING.match(text, position)
        if character.isascii() and character.isdigit() or character in KANJI_DIGITS:
            digit, end = KANJI_DIGITS.get(character, character), position + 1
        elif reading:
            digit, end = _DIGIT_OF[reading.group()], reading.end()
        else:
            position += 1
            continue
        found.append((digit, position, end, not found or found[-1][2] != position))
        position = end
    return found


def _numbers(run: list[tuple[str, int, int, bool]]) -> Iterator[tuple[int, int]]:
    number = "".join(digit for digit, *_ in run)
    taken = -1
    for first, (digit, _, _, group_start) in enumerate(run):
        if not group_start or digit != "0" or first <= taken:
            continue
        for length in (11, 10):
            candidate = number[first:first + length]
            if len(candidate) == length and _valid(candidate):
                yield run[first][1], run[first + length - 1][2]
                taken = first + length - 1
                break


def _valid(number: str) -> bool:
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(number, "JP"))
    except phonenumbers.NumberParseException:
        return False
