"""Small-cell suppression and age bands of the council's statistics export."""

import datetime as dt

import pytest

from council.stats.counting import age_band
from council.stats.suppression import publish_total, suppress


def counts(cells):
    return [cell["count"] for cell in cells]


def test_counts_below_k_zero_included_are_hidden():
    cells = suppress([("a", 0), ("b", 3), ("c", 5), ("d", 40)], k=5, total=48)
    assert counts(cells) == ["<5", "<5", 5, 40]
    assert [cell["label"] for cell in cells] == ["a", "b", "c", "d"]


def test_a_lone_hidden_cell_takes_the_next_smallest_with_it():
    # Without the second hidden cell, a = 60 - 30 - 20 - 7 = 3.
    assert counts(suppress([("a", 3), ("b", 30), ("c", 20), ("d", 7)], k=5, total=60)) == ["<5", 30, 20, "<5"]


def test_a_lone_hidden_zero_is_protected_too():
    assert counts(suppress([("high", 0), ("medium", 7), ("low", 5)], k=5, total=12)) == ["<5", 7, "<5"]


def test_ties_hide_the_earlier_label():
    assert counts(suppress([("a", 1), ("b", 9), ("c", 9)], k=5, total=19)) == ["<5", "<5", 9]


def test_two_hidden_cells_need_no_more():
    assert counts(suppress([("a", 1), ("b", 2), ("c", 30)], k=5, total=33)) == ["<5", "<5", 30]


def test_with_the_total_hidden_every_cell_is_hidden_already():
    assert counts(suppress([("a", 4), ("b", 0)], k=5, total=4)) == ["<5", "<5"]
    assert publish_total(4, k=5) == "<5" and publish_total(5, k=5) == 5


def test_a_raised_k_hides_more():
    assert counts(suppress([("a", 7), ("b", 12), ("c", 9)], k=10, total=28)) == ["<10", 12, "<10"]


@pytest.mark.parametrize(("birth", "band"), [
    (None, "unknown"), (dt.date(2030, 1, 1), "unknown"), (dt.date(2006, 11, 24), "under_20"),
    (dt.date(2006, 11, 23), "20s"), (dt.date(1976, 6, 1), "50s"), (dt.date(1947, 1, 1), "70s"),
    (dt.date(1946, 11, 23), "80_and_over"), (dt.date(1920, 1, 1), "80_and_over"),
])
def test_age_bands_count_completed_years_on_the_export_date(birth, band):
    assert age_band(birth, dt.date(2026, 11, 23)) == band
