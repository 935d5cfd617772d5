"""Bare full names in a document (山田太郎, 鈴木 花子, ヤマダ タロウ), found by the morphological analyser.

The guard's named-entity recogniser reads about a thousand characters a second — minutes for a document —
so documents are read without it (``council.platform.guard.check_document``). What a document most often
leaks is a list of people: a roster, a sign-in sheet, a contact list. Sudachi, which the guard already
loads, tags a surname ``名詞-固有名詞-人名-姓`` and a given name ``…-人名-名``, and reads a whole document
in well under a second; a surname followed by a given name (a space between them or not) is a full name.
A surname alone is not enough: many are also place names (五井, 姉崎) that flyers name.

A list is what is refused, not a name in a sentence: a name counts when it stands as an item — alone on its
line or in its cell, or between list separators (参加者：山田太郎、鈴木花子). 「夏目漱石と森鷗外を読む会」
names two authors in a sentence and passes; a lecturer named once passes too.
"""

from __future__ import annotations

from council.platform.guard.morphology import Morpheme, morphemes

SURNAME = ("名詞", "固有名詞", "人名", "姓")
GIVEN_NAME = ("名詞", "固有名詞", "人名", "名")
#: A document listing at least this many different people is a list of people, and refused. One full name
#: is left to the other detectors (an honorific, a phone next to it): a flyer names its lecturer.
NAMES_IN_A_LIST = 2
#: What may stand around a name that is an item of a list (besides the start or end of a line).
BEFORE_ITEM = frozenset("、,，・/／：:|｜;；\t.．)）]】")
AFTER_ITEM = frozenset("、,，・/／：:|｜;；\t")
ITEM_EDGES = frozenset({"", "\n", " ", "\u3000", "\t"})


def full_names(text: str) -> set[str]:
    """The distinct full names listed as items in ``text`` (at most Sudachi's input limit, about 16,000
    characters), spaces removed."""
    words = morphemes(text)
    found: set[str] = set()
    for index, word in enumerate(words[:-1]):
        if word.part_of_speech[:4] != SURNAME and not _katakana_proper_noun(word):
            continue
        following = words[index + 1]
        if following.part_of_speech[0] == "空白" and len(following.surface) == 1 and index + 2 < len(words):
            following = words[index + 2]
        if following.part_of_speech[:4] == GIVEN_NAME and _is_an_item(text, word.start, following.end):
            found.add(word.surface + following.surface)
    return found


def _katakana_proper_noun(word: Morpheme) -> bool:
    """スズキ in スズキ ハナコ: in katakana a surname is often read as the company of that name; before a given
    name it is a surname."""
    return word.part_of_speech[1] == "固有名詞" and all("ァ" <= character <= "ヺ" or character == "ー"
                                                         for character in word.surface)


def _is_an_item(text: str, start: int, end: int) -> bool:
    """Is the name at ``text[start:end]`` bounded on both sides by a line's edge, a list separator or a space
    (the columns of a table extracted from a PDF are spaces apart)?"""
    before = text[start - 1:start]
    after = text[end:end + 1]
    return (before in ITEM_EDGES or before in BEFORE_ITEM) and (after in ITEM_EDGES or after in AFTER_ITEM)
