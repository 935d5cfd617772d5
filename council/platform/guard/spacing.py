"""Characters written with spaces between them (山 本 和 子, t a n a k a @ e x a m p l e . j p) read as words.

People space out a name or an address to make it look less like one, or because a heading was spaced for
layout. A run of at least three one-character pieces separated by single spaces is read without those spaces;
when the run mixes half-width and full-width spaces (ハ セ ガ ワ　ト シ オ), the rarer kind is the word boundary
and stays. Every detector then reads the closed-up text, and offsets still map back to what was typed.
"""

from __future__ import annotations

import re

from council.platform.guard.normalise import View

#: The shortest run of spaced single characters that is read as one word.
MINIMUM_RUN = 3
_PIECE = re.compile(r"\S+")


def despaced(view: View, original: str) -> View:
    """``view`` with the spaces inside spaced-out runs removed (the same view when there are none)."""
    pieces = [(match.start(), match.end()) for match in _PIECE.finditer(view.text)]
    drop: set[int] = set()
    index = 0
    while index < len(pieces):
        last = index
        while (last + 1 < len(pieces) and _single_gap(view.text, pieces[last], pieces[last + 1])
               and pieces[last + 1][1] - pieces[last + 1][0] == 1):
            last += 1
        first = index if pieces[index][1] - pieces[index][0] == 1 else index + 1
        if last - first + 1 >= MINIMUM_RUN:
            drop |= _gaps_to_close(view, original, pieces, first, last)
        index = last + 1
    if not drop:
        return view
    kept = [position for position in range(len(view.text)) if position not in drop]
    return View("".join(view.text[p] for p in kept), tuple(view.origin[p] for p in kept), view.original_length)


def _single_gap(text: str, left: tuple[int, int], right: tuple[int, int]) -> bool:
    return right[0] - left[1] == 1


def _gaps_to_close(view: View, original: str, pieces, first: int, last: int) -> set[int]:
    """The space positions to remove in the run ``pieces[first..last]`` and at its two ends."""
    gaps = [pieces[n][1] for n in range(first, last)]
    if first > 0 and _single_gap(view.text, pieces[first - 1], pieces[first]):
        gaps.insert(0, pieces[first - 1][1])
    if last + 1 < len(pieces) and _single_gap(view.text, pieces[last], pieces[last + 1]):
        gaps.append(pieces[last][1])
    inner = [original[view.origin[gap]] for gap in (pieces[n][1] for n in range(first, last))]
    wide = sum(1 for character in inner if character == "\u3000")
    narrow = len(inner) - wide
    if wide and narrow:
        boundary = "\u3000" if wide < narrow else " "  # the rarer kind of space separates words
        return {gap for gap in gaps if (original[view.origin[gap]] == "\u3000") != (boundary == "\u3000")}
    return set(gaps)
