"""Small-cell suppression: a count below k is shown as "<k", and never recoverable by subtraction."""

from __future__ import annotations

from council.core.signedstats import suppressed


def publish_total(total: int, *, k: int) -> int | str:
    """The total as published: itself, or "<k" when below k."""
    return total if total >= k else suppressed(k)


def suppress(counts: list[tuple[str, int]], *, k: int, total: int) -> list[dict]:
    """The cells of one dimension as published: ``[{"label": …, "count": int | "<k"}]``, in the given order.

    Primary suppression hides every count below k, zero included (a shown 0 next to a hidden 3 would tell
    them apart). Complementary suppression: when the total is published and exactly one cell is hidden, the
    next-smallest cell is hidden too, because a partition's lone hidden cell is the total minus the rest.
    It is applied to the overlapping dimension (categories) as well: there it is usually not needed, but a
    council whose cases each carry exactly one category would make the categories add up to the total.
    Ties go to the earlier label, so the same counts always hide the same cells.
    """
    hidden = {index for index, (_label, count) in enumerate(counts) if count < k}
    if total >= k and len(hidden) == 1:
        shown = sorted((count, index) for index, (_label, count) in enumerate(counts) if index not in hidden)
        if shown:
            hidden.add(shown[0][1])
    return [{"label": label, "count": suppressed(k) if index in hidden else count}
            for index, (label, count) in enumerate(counts)]
