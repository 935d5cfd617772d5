"""Sudachi's morphological analysis (the dictionary GiNZA is built on), loaded once, one tokenizer per thread.

The honorific detector asks it one question: is the word before さん a common noun (ヘルパーさん, 社協さん,
お客様) or a name (田中さん, マリアさん)? The dictionary loads in ~0.1 s and answers in well under 1 ms.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

_lock = threading.Lock()
_dictionary = None
_local = threading.local()


@dataclass(frozen=True)
class Morpheme:
    """A word of the text: where it is, and Sudachi's part of speech (e.g. 名詞-固有名詞-人名-姓)."""

    surface: str
    start: int
    end: int
    part_of_speech: tuple[str, ...]
    unknown: bool


#: Sudachi refuses an input over 49,149 bytes; longer texts are analysed in pieces of whole lines.
PIECE = 12_000


def morphemes(text: str) -> list[Morpheme]:
    """The words of ``text`` (split mode C: the longest units, so 山田太郎 is 山田 + 太郎, not 山 + 田)."""
    words: list[Morpheme] = []
    for offset, piece in _pieces(text):
        words.extend(
            Morpheme(m.surface(), offset + m.begin(), offset + m.end(), tuple(m.part_of_speech()), m.is_oov())
            for m in _tokenizer().tokenize(piece)
        )
    return words


def _pieces(text: str):
    """``text`` cut after line breaks (or hard, for one overlong line) into pieces of at most PIECE chars."""
    offset = 0
    while len(text) - offset > PIECE:
        cut = text.rfind("\n", offset, offset + PIECE) + 1 or offset + PIECE
        yield offset, text[offset:cut]
        offset = cut
    yield offset, text[offset:]


def _tokenizer():
    # Sudachi's tokenizer keeps state between calls: one per thread, over a dictionary shared by all.
    tokenizer = getattr(_local, "tokenizer", None)
    if tokenizer is None:
        from sudachipy import SplitMode

        tokenizer = _local.tokenizer = _shared_dictionary().create(mode=SplitMode.C)
    return tokenizer


def _shared_dictionary():
    global _dictionary
    with _lock:
        if _dictionary is None:
            from sudachipy import Dictionary

            _dictionary = Dictionary(dict="core")
        return _dictionary
