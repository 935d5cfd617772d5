"""Names followed by an honorific: 田中さん, 山田太郎様, ゆうこちゃん, マリアさん, 佐藤氏.

Generic words take honorifics too (皆さん, お客様, お子さん, ヘルパーさん, 社協さん, 講師の先生): Sudachi tells
them apart, because the word before the honorific is then a common noun, a pronoun or carries a prefix.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from council.platform.guard.findings import Finding
from council.platform.guard.morphology import Morpheme, morphemes
from council.platform.guard.normalise import View

DETECTOR = "honorific"

HONORIFICS = frozenset({"さん", "様", "さま", "サン", "氏", "くん", "君", "クン", "ちゃん", "チャン", "殿", "どの"})

#: Mascots and characters the dictionary does not know; they are not people.
NOT_PEOPLE = frozenset({"チーバ", "ふなっしー", "くまモン", "ひこにゃん"})

#: A child's name in hiragana the dictionary cannot parse (はるとくん, やまもとさん), written as a word of its
#: own: at the start, or after punctuation, a space or an underscore.
_HIRAGANA_NAME = re.compile(r"(?:^|(?<=[\s、。「『（(【_・：:！!？?]))([ぁ-ゖ]{2,6})(さん|くん|ちゃん|さま)")
#: Hiragana words that take an honorific without being a name.
_HIRAGANA_GENERIC = frozenset({
    "みな", "みなみな", "おかあ", "おとう", "おじい", "おばあ", "おにい", "おねえ", "おじ", "おば", "あか",
    "じい", "ばあ",
    "おまわり", "おいしゃ", "おきゃく", "おこ", "おとなり", "ごきんじょ", "おつかれ", "おかげ", "ごくろう", "ごちそう",
    "おたがい", "おひさま", "おつきさま", "かみ", "ほとけ", "おひめ", "おうじ", "おくさ", "だんな", "おじょう", "ぼっ",
})


def detect(text: str, view: View) -> Iterator[Finding]:
    """A name-like word (proper noun, or a word the dictionary does not know) right before an honorific."""
    if not any(honorific in view.text for honorific in HONORIFICS):
        return
    for match in _HIRAGANA_NAME.finditer(view.text):
        if match.group(1) not in _HIRAGANA_GENERIC:
            yield Finding("honorific_name", *view.span(match.start(1), match.end()), DETECTOR)
    words = [word for word in morphemes(view.text) if word.part_of_speech[0] != "空白"]  # 加藤 殿
    for index, word in enumerate(words):
        if index == 0 or not _is_honorific(word):
            continue
        name = _name_before(words, index)
        if name is not None:
            start, end = view.span(name.start, word.end)
            yield Finding("honorific_name", start, end, DETECTOR)


def _is_honorific(word: Morpheme) -> bool:
    return word.surface in HONORIFICS and word.part_of_speech[0] in {"接尾辞", "名詞"}


def _name_before(words: list[Morpheme], index: int) -> Morpheme | None:
    """The first word of the name ending right before ``words[index]``, or None if that word is generic."""
    previous = words[index - 1]
    if not _name_like(previous):
        return None
    first = index - 1
    while first > 0 and _is_personal_name(words[first - 1]):  # 山田 太郎 さん: highlight the whole name
        first -= 1
    return words[first]


def _name_like(word: Morpheme) -> bool:
    pos = word.part_of_speech
    if pos[0] != "名詞" and not word.unknown:
        return False
    if word.surface in NOT_PEOPLE:
        return False
    if word.unknown:
        return True
    if pos[1] == "固有名詞":
        return pos[2] in {"人名", "地名"}  # 固有名詞-一般 are organisations and products (社会福祉協議会さん)
    # A single Latin letter or an initial (Aさん, Ｋさん) stands for a real person in case talk.
    return len(word.surface) == 1 and word.surface.isascii() and word.surface.isalpha()


def _is_personal_name(word: Morpheme) -> bool:
    return word.part_of_speech[1:3] == ("固有名詞", "人名")
