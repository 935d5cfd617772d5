"""Bare names the dictionary can see: a surname and a given name side by side (山本和子, いしかわ ともこ,
ウチダ アケミ, よしかわえいじ), found from Sudachi's person-name parts of speech (人名-姓, 人名-名).

The NER misses full names written in kana: it was trained on kanji names in news text. Sudachi lists kana
surnames and given names too, and answers in well under a millisecond, so this detector also suits long
texts (documents) where the NER is too slow. What it asks of a pair of words:
- 姓 then 名, next to each other or with one space between (山本和子, くどう まさる);
- kana, a word the dictionary reads as a place or does not know, then a kana 名 (よしかわえいじ: よしかわ is
  also a town); place names before a kanji given name are not taken (市原花子 is rare; 中央大地 is not a name);
- two kana words with one space between, of the same script, one of which alone is a 人名 and the other a
  noun or unknown word (ハヤシ ミツル, ふじもと かずえ), or a hiragana surname followed by a space and more
  kana (ささき とみえとで: the given name runs into particles the dictionary then misreads);
- katakana 人名 joined by ・ (グエン・ティ・ホア);
- a romaji surname before a kanji given name (Hirose 真理子).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from council.platform.guard.findings import Finding
from council.platform.guard.morphology import Morpheme, morphemes
from council.platform.guard.normalise import View
from council.platform.guard.romaji import is_romaji_name_word

DETECTOR = "name_parts"

_KANA = re.compile(r"[ぁ-ゖー]+|[ァ-ヺー]+")
_HIRAGANA = re.compile(r"[ぁ-ゖー]+")
_KATAKANA = re.compile(r"[ァ-ヺー]+")
#: Two kana words with one space between (the view's spaces are ASCII after NFKC).
_KANA_PAIR = re.compile(r"(?<![ぁ-ゖァ-ヺー])([ぁ-ゖ]{2,6}|[ァ-ヺー]{2,7}) ([ぁ-ゖ]{2,8}|[ァ-ヺー]{2,8})")
#: A surname in romaji before a given name in kanji (Hirose 真理子).
_ROMAJI_THEN_KANJI = re.compile(r"(?<![A-Za-z])([A-Z][a-z]+|[A-Z]{2,}) ([一-龥]{1,3})")
#: Characters that may follow a name inside a run of kana (particles: かずえが, とみえと).
_PARTICLES = frozenset("がはのをにでともへやさくち")
#: Katakana names joined by middle dots.
_DOTTED = re.compile(r"[ァ-ヺー]{2,}(?:・[ァ-ヺー]{2,}){1,3}")


def detect(text: str, view: View) -> Iterator[Finding]:
    """Surname and given name pairs, by part of speech."""
    words = morphemes(view.text)
    for index, word in enumerate(words[:-1]):
        following = index + 1
        if words[following].part_of_speech[0] == "空白" and following + 1 < len(words) \
                and words[following].end - words[following].start == 1:
            following += 1
        given = words[following]
        if _is_pair(word, given, spaced=following > index + 1):
            yield Finding("person_name", *view.span(word.start, given.end), DETECTOR)
    for match in _KANA_PAIR.finditer(view.text):
        span = _kana_pair(match.group(1), match.group(2))
        if span is not None:
            yield Finding("person_name", *view.span(match.start(1), match.start(2) + span), DETECTOR)
    for match in _ROMAJI_THEN_KANJI.finditer(view.text):
        if is_romaji_name_word(match.group(1)) and _given_name_prefix(match.group(2)):
            yield Finding("person_name", *view.span(match.start(), match.end()), DETECTOR)
    for match in _DOTTED.finditer(view.text):
        names = [part for part in match.group().split("・") if _alone(part) in {"一般", "姓", "名"}]
        if len(names) >= 2:
            yield Finding("person_name", *view.span(match.start(), match.end()), DETECTOR)


def _is_pair(first: Morpheme, second: Morpheme, spaced: bool) -> bool:
    if _part(second) != "名":
        return False
    if _part(first) == "姓":
        return not spaced or _same_script(first.surface, second.surface)
    return (_is_kana(first.surface) and _is_kana(second.surface) and len(first.surface) >= 2
            and (_part(first) == "地名" or first.unknown) and _same_script(first.surface, second.surface))


def _kana_pair(first: str, second: str) -> int | None:
    """How much of ``second`` belongs to the name, when ``first second`` reads as a kana full name."""
    if not _same_script(first, second) or second.startswith(first):
        return None  # ゆう ゆう サロン: a repeated word is a refrain, not a name
    first_part = _alone(first)
    for length in range(len(second), 1, -1):
        if length < len(second) and second[length] not in _PARTICLES:
            continue  # おにぎり まつり: まつ is a given name, but the word goes on
        if _alone(second[:length]) == "名" and (first_part is not None or _one_content_word(first)):
            return length
    if first_part == "姓" and _HIRAGANA.fullmatch(first):
        return min(len(second), 3)  # ささき とみえとで: the given name runs on into particles
    if first_part == "姓" and _noun_like(second):
        return len(second)
    return None


def _given_name_prefix(kanji: str) -> bool:
    return any(_alone(kanji[:length]) == "名" for length in range(len(kanji), 0, -1))


def _alone(word: str) -> str | None:
    """The 人名 part (姓, 名, 一般) or 地名 when ``word`` on its own is one such dictionary word."""
    parsed = morphemes(word)
    if len(parsed) != 1:
        return None
    part = _part(parsed[0])
    return part if part in {"姓", "名", "一般", "地名"} else None


def _part(word: Morpheme) -> str | None:
    pos = word.part_of_speech
    if pos[:2] != ("名詞", "固有名詞"):
        return None
    if pos[2] == "人名":
        return pos[3]
    return "地名" if pos[2] == "地名" else None


def _noun_like(word: str) -> bool:
    parsed = morphemes(word)
    return len(parsed) == 1 and (parsed[0].part_of_speech[0] == "名詞" or parsed[0].unknown)


def _one_content_word(word: str) -> bool:
    """Is ``word`` nouns only (ふじもと: ふじ + もと, a surname the dictionary splits) or one adjective-like
    word (あおい, also a surname)? Not a particle, verb or phrase (みんな で, ゆうやけ こやけ で)."""
    parsed = morphemes(word)
    if all(part.part_of_speech[0] == "名詞" or part.unknown for part in parsed):
        return True
    return len(parsed) == 1 and parsed[0].part_of_speech[0] in {"形容詞", "形状詞"}


def _is_kana(surface: str) -> bool:
    return _KANA.fullmatch(surface) is not None


def _same_script(first: str, second: str) -> bool:
    if _HIRAGANA.fullmatch(first):
        return _HIRAGANA.fullmatch(second) is not None
    if _KATAKANA.fullmatch(first):
        return _KATAKANA.fullmatch(second) is not None
    return True  # a kanji surname takes a given name in any script
