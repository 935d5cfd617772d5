"""The PII guard over a whole document: the guard's document check, the same check across line ends, and
lists of bare full names.

A document is checked in pieces of whole lines (the morphological analyser takes at most ~16,000
characters at a time). A PDF breaks a line wherever the page is narrow, so 090-1234- / 5678 may stand on
two lines: where a line end falls between characters a number or an address is written with, the lines are
also checked joined, keeping only what spans the line end (what does not was already found, and keeping
only this makes joining cost no false refusals elsewhere).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator

from council.platform.guard import check_document
from council.platform.guard.findings import NAME_KINDS
from council.platform.resources.names import NAMES_IN_A_LIST, full_names

#: Characters on either side of a line end that may continue one another (what a phone number, an e-mail
#: address or a block number is written with).
JOINING = frozenset("0123456789０１２３４５６７８９〇一二三四五六七八九十-－‐ー―−()（）.．@＠_"
                    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
#: How much of the lines around a run of joined line ends is read with them.
CONTEXT = 40
#: Characters per piece: under Sudachi's limit of 49,149 bytes at three bytes a character.
PIECE = 12_000


def kinds_in(text: str, authors: str = "") -> set[str]:
    """The kinds of personal data (``council.platform.guard.KINDS``) found in a document's text, and in its
    ``authors`` — where, as in a form's name field, a name is allowed and nothing else personal is.

    The text is NFKC-normalised first: PDFs made by browsers and some word processors give Kangxi radicals
    (⾼, ⼀) for the common ideographs (高, 一), which the dictionary would not know as part of a name."""
    text, authors = unicodedata.normalize("NFKC", text), unicodedata.normalize("NFKC", authors)
    kinds: set[str] = {finding.kind for piece in pieces(authors) for finding in check_document(piece)
                       if finding.kind not in NAME_KINDS}
    names: set[str] = set()
    for piece in pieces(text):
        kinds.update(finding.kind for finding in check_document(piece))
        kinds.update(_across_lines(piece))
        names.update(full_names(piece))
    if len(names) >= NAMES_IN_A_LIST:
        kinds.add("person_name")
    return kinds


def pieces(text: str, size: int = PIECE) -> Iterator[str]:
    """``text`` in pieces of whole lines of at most ``size`` characters (a longer line is cut)."""
    piece: list[str] = []
    length = 0
    for line in text.splitlines():
        while len(line) > size:
            yield line[:size]
            line = line[size:]
        if length + len(line) + 1 > size and piece:
            yield "\n".join(piece)
            piece, length = [], 0
        piece.append(line)
        length += len(line) + 1
    if piece:
        yield "\n".join(piece)


def _across_lines(piece: str) -> set[str]:
    """Kinds found only once lines are joined, where a line end falls between characters a number or an
    address can be made of (digits, kanji numerals, dashes, brackets, Latin letters, @ and dots)."""
    kinds: set[str] = set()
    lines = piece.split("\n")
    run = [lines[0]]
    for line in lines[1:]:
        if run[-1] and line and run[-1][-1] in JOINING and line[0] in JOINING:
            run.append(line)
            continue
        kinds.update(_joined_kinds(run))
        run = [line]
    kinds.update(_joined_kinds(run))
    return kinds


def _joined_kinds(run: list[str]) -> set[str]:
    if len(run) < 2:
        return set()
    run = [run[0][-CONTEXT:], *run[1:-1], run[-1][:CONTEXT]]
    breaks, position = [], 0
    for line in run[:-1]:
        position += len(line)
        breaks.append(position)
    return {finding.kind for finding in check_document("".join(run))
            if any(finding.start < at < finding.end for at in breaks)}
