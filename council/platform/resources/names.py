"""Bare full names in a document (山田太郎, 鈴木 花子, ヤマダ タロウ), found by the morphological analyser.

The guard's named-entity recogniser reads about a thousand characters a second — minutes for a document —
so documents are read without it (``council.platform.guard.check_document``). What a document most often
leaks is a list of people: a roster, a sign-in sheet, a contact list. Sudachi, which the guard already
loads, tags a surname ``名詞-固有名詞-人名-姓`` and a given name ``…-人名-名``, and reads a whole document
in well under a second; a surname followed by a given name (a space between them or not) is a full name.
A surname alone is not enough: many are also place names (五井, 姉崎) that flyers name.
"""

from __future__ import annotations

from council.platform.guard.morphology import morphemes

SURNAME = ("名詞", "固有名詞", "人名", "姓")
GIVEN_NAME = ("名詞", "固有名詞", "人名", "名")
#: A document naming at least this many different people is a list of people, and refused. One full name
#: is left to the other detectors (an honorific, a phone next to it): a flyer names its lecturer.
NAMES_IN_A_LIST = 2


def full_names(text: str) -> set[str]:
    """The distinct full names in ``text`` (at most Sudachi's input limit, about 16,000 characters), spaces
    removed."""
    words = morphemes(text)
    found: set[str] = set()
    for index, word in enumerate(words[:-1]):
        if word.part_of_speech[:4] != SURNAME:
            continue
        following = words[index + 1]
        if following.part_of_speech[0] == "空白" and len(following.surface) == 1 and index + 2 < len(words):
            following = words[index + 2]
        if following.part_of_speech[:4] == GIVEN_NAME:
            found.add(word.surface + following.surface)
    return found
