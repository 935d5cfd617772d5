"""Characters written with spaces between them (山 本 和 子, t a n a k a @ e x a m p l e . j p) read as words.

People space out a name or an address to make it look less like one, or because a heading was spaced for
layout. A run of at least three one-character pieces separated by single spaces is read without those spaces;
when the run mixes half-width and full-width spaces (ハ セ ガ ワ　ト シ オ), the rarer kind between two letters
is the word boundary and stays, and so does one space of a double one (吉　岡　　拓　也). Every detector then
reads the closed-up text, and offsets still map back to what was typed.
"""

from __future__ import annotations

import re

from council.platform.guard.normalise import View

#: The shortest run of spaced single characters that is read as one word.
MINIMUM_RUN = 3
_PIECE = re.compile(r"\S+")
_WIDE = "\u3000"


def despaced(view: View, original: str) -> View:
    """``view`` with the spaces inside spaced-out runs removed (the same view when there are none)."""
    pieces = [(match.start(), match.end()) for match in _PIECE.finditer(view.text)]
    drop: set[int] = set()
    index = 0
    while index < len(pieces):
        last = index
        while (last + 1 < len(pieces) and _gap(pieces[last], pieces[last + 1])
               and pieces[last + 1][1] - pieces[last + 1][0] == 1):
            last += 1
        first = index if pieces[index][1] - pieces[index][0] == 1 else index + 1
        edges = _letter_edge(view.text, pieces, first - 1, -1) + _letter_edge(view.text, pieces, last + 1, 0)
        if last - first + 1 >= 2 and last - first + 1 + edges >= MINIMUM_RUN:
            drop |= _gaps_to_close(view, original, pieces, first, last)
        index = last + 1
    if not drop:
        return view
    kept = [position for position in range(len(view.text)) if position not in drop]
    return View("".join(view.text[p] for p in kept), tuple(view.origin[p] for p in kept), view.original_length)


def _letter_edge(text: str, pieces, index: int, side: int) -> int:
    """1 when the piece next to a run ends (side -1) or starts (side 0) with one letter set off by
    punctuation — 差出人：吉 and 也（倉庫） around 岡　　拓 — so that letter belongs to the run."""
    if not 0 <= index < len(pieces):
        return 0
    piece = text[pieces[index][0]:pieces[index][1]]
    if len(piece) < 2:  # a lone character next to a run is not "a letter set off by punctuation"
        return 0
    letter, inward = (piece[-1], piece[-2]) if side == -1 else (piece[0], piece[1])
    return int(letter.isalpha() and not inward.isalnum())


def _gap(left: tuple[int, int], right: tuple[int, int]) -> int:
    """The width of the space between two pieces when it is one or two characters, else 0."""
    width = right[0] - left[1]
    return width if width in (1, 2) else 0


def _gaps_to_close(view: View, original: str, pieces, first: int, last: int) -> set[int]:
    """The space positions to remove in the run ``pieces[first..last]`` and at its two ends."""
    inner = [(pieces[n], pieces[n + 1]) for n in range(first, last)]
    edges = []
    if first > 0 and _gap(pieces[first - 1], pieces[first]) == 1:
        edges.append(pieces[first - 1][1])
    if last + 1 < len(pieces) and _gap(pieces[last], pieces[last + 1]) == 1:
        edges.append(pieces[last][1])

    def wide(position: int) -> bool:
        return original[view.origin[position]] == _WIDE

    between_letters = [wide(left[1]) for left, right in inner if right[0] - left[1] == 1
                       and view.text[left[0]].isalnum() and view.text[right[0]].isalnum()]
    wide_count = sum(between_letters)
    narrow_count = len(between_letters) - wide_count
    boundary = None
    if wide_count and narrow_count:
        boundary = wide_count < narrow_count  # the rarer kind of space separates words
    drop: set[int] = set()
    for left, right in inner:
        if right[0] - left[1] == 2:
            drop.add(left[1])  # a double space: one stays as the word boundary
        elif boundary is None or wide(left[1]) != boundary:
            drop.add(left[1])
    drop |= {position for position in edges if boundary is None or wide(position) != boundary}
    return drop
