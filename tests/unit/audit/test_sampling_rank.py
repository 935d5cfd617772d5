"""A sample's draw depends on the seed and the events only: not on the database, the process or the query's order.

The places come from a keyed permutation (``sampling.Permutation``) that runs both ways: the draw walks the places
upwards and reads the seqs there, or ranks the seqs it reads — the same sample either way."""

import heapq

from council.audit.reviews import sampling


def draw(seed: int, seqs: list[int], size: int, high: int = 10_001) -> list[int]:
    permutation = sampling.Permutation(seed, high)
    return sorted(heapq.nsmallest(size, seqs, key=permutation.place))


def test_the_places_are_a_permutation_that_runs_backwards():
    permutation = sampling.Permutation(12345, 1000)
    assert permutation.size == 1024  # a power of four at least the range's end
    places = [permutation.place(seq) for seq in range(permutation.size)]
    assert sorted(places) == list(range(permutation.size))
    assert [permutation.seq_at(place) for place in places] == list(range(permutation.size))


def test_the_places_are_fixed_by_the_seed_alone_the_same_in_every_process():
    # Pinned: a change here changes every draw (the README says when that happened last).
    permutation = sampling.Permutation(42, 10_000_000)
    assert [permutation.place(seq) for seq in (1, 2, 3, 9_999_999)] == [1345642, 7584829, 4017343, 14559653]
    assert permutation.size == 4**12
    assert sampling.Permutation(43, 10_000_000).place(1) != permutation.place(1)


def test_the_same_seed_draws_the_same_events_whatever_the_order_they_come_in():
    seqs = list(range(1, 5001))
    assert draw(12345, seqs, 20) == draw(12345, seqs[::-1], 20) == draw(12345, sorted(seqs, key=str), 20)


def test_another_seed_draws_other_events_and_later_events_enter_only_by_rank():
    seqs = list(range(1, 5001))
    first = draw(12345, seqs, 20)
    assert draw(54321, seqs, 20) != first
    grown = draw(12345, seqs + list(range(5001, 5101)), 20)
    assert len(set(grown) - set(first)) == len([s for s in grown if s > 5000])


def test_every_event_is_as_likely_to_be_drawn():
    """Over many seeds each of 50 events is drawn about as often (5 of 50: one time in ten)."""
    drawn = [0] * 50
    for seed in range(2000):
        for seq in draw(seed, list(range(1000, 1050)), 5, high=5000):
            drawn[seq - 1000] += 1
    assert min(drawn) > 140 and max(drawn) < 260  # 200 expected each; 6 standard deviations either side
