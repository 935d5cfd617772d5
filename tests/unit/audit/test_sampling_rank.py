"""A sample's draw depends on the seed and the events only: not on the database, the process or the query's order."""

import hashlib
import heapq

from council.audit.reviews import sampling


def draw(seed: int, seqs: list[int], size: int) -> list[int]:
    return sorted(heapq.nsmallest(size, seqs, key=lambda seq: sampling.rank(seed, seq)))


def test_the_rank_is_sha256_of_seed_and_seq_the_same_everywhere():
    assert sampling.rank(42, 7) == hashlib.sha256(b"42:7").digest()


def test_the_same_seed_draws_the_same_events_whatever_the_order_they_come_in():
    seqs = list(range(1, 5001))
    assert draw(12345, seqs, 20) == draw(12345, seqs[::-1], 20) == draw(12345, sorted(seqs, key=str), 20)


def test_another_seed_draws_other_events_and_later_events_enter_only_by_rank():
    seqs = list(range(1, 5001))
    first = draw(12345, seqs, 20)
    assert draw(54321, seqs, 20) != first
    grown = draw(12345, seqs + list(range(5001, 5101)), 20)
    assert len(set(grown) - set(first)) == len([s for s in grown if s > 5000])
