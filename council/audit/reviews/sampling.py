"""Sampling (issue 12): N access events drawn at random from a filtered Japan-date range, for manual review.

Reproducible: the seed keys a pseudo-random permutation of sequence numbers (``Permutation``: a four-round Feistel
network over as many bits as the range's last seq needs, its round keys from SHA-256 of the seed). An event's place
in the draw is its seq's image under the permutation, and the sample is the N matching events of lowest place. The
permutation runs backwards too, so the draw walks the places upwards — the seqs at places 0, 1, 2 … — keeps those
inside the range's seq bounds and asks the database, by primary key a few hundred at a time, which of them match
the filter, until N do. The cost follows N and the share of the range's events that match, not the range's length.
When few events can match (one user, one case, a short range) it reads the matching seqs instead — an index walk
of the few — and ranks them; both ways find the same N events.

So the same seed and filters draw the same events on SQLite and PostgreSQL, in any process; events appended later
to an open range enter the sample only when they rank before the drawn ones (until the chain's length passes the
next power of four, which widens the permutation). The seed is shown on the page (and is in its address); each draw
is an audit event naming the seed, the filter and the seqs.

Since migration 0022 (before it, each seq was ranked by SHA-256 of seed and seq, which cost a hash per event of the
range): a seed written down before draws another sample now (README, 「Sampling」).
"""

from __future__ import annotations

import hashlib
import heapq
import secrets
from dataclasses import dataclass, replace

from sqlalchemy import Select, func, select

from council.audit.events import AuditTag, record
from council.audit.filters import LogFilter, filtered, seq_range
from council.audit.models import AuditEvent
from council.audit.reviews.daily import access_counts, is_access
from council.audit.reviews.period import days_of
from council.audit.services import council_case
from council.core.clock import day_bounds
from council.database import db

#: The most events one sample draws, and the default.
MAX_SIZE = 200
DEFAULT_SIZE = 20
#: Seeds are whole numbers of at most this many digits (short enough to read out or write in minutes).
SEED_DIGITS = 9
#: A range of at most this many seqs is read whole and ranked (cheaper than walking the places).
_READ_WHOLE = 20_000
#: The walk gives up (and the matching seqs are read and ranked instead) after this many places, or after asking
#: about this many seqs per event wanted: the filter matches too few of the range's events for the walk to pay.
_MAX_PLACES = 400_000
_ASKED_PER_EVENT = 50

_ROUNDS = 4
_M64 = (1 << 64) - 1


def _mix(value: int) -> int:
    """SplitMix64's finaliser: 64 well-mixed bits of a 64-bit integer (the Feistel network's round function)."""
    value = (value + 0x9E3779B97F4A7C15) & _M64
    value = ((value ^ (value >> 30)) * 0xBF58476D1CE4E5B9) & _M64
    value = ((value ^ (value >> 27)) * 0x94D049BB133111EB) & _M64
    return value ^ (value >> 31)


class Permutation:
    """A permutation of the integers below ``size`` (a power of four at least ``high``), keyed by ``seed``: the same
    in every process and on every database."""

    def __init__(self, seed: int, high: int):
        self.half = max(1, (max(high - 1, 1).bit_length() + 1) // 2)
        self.size = 1 << (2 * self.half)
        self._mask = (1 << self.half) - 1
        digest = hashlib.sha256(f"council-sample:{seed}".encode()).digest()
        self._keys = [int.from_bytes(digest[8 * n:8 * n + 8], "big") for n in range(_ROUNDS)]

    def place(self, seq: int) -> int:
        """The seq's place in the draw (lower is drawn first)."""
        left, right = seq >> self.half, seq & self._mask
        for key in self._keys:
            left, right = right, left ^ (_mix(right ^ key) & self._mask)
        return (left << self.half) | right

    def seq_at(self, place: int) -> int:
        """The seq at ``place``: ``place`` run backwards."""
        left, right = place >> self.half, place & self._mask
        for key in reversed(self._keys):
            left, right = right ^ (_mix(left ^ key) & self._mask), left
        return (left << self.half) | right


@dataclass(frozen=True)
class Sample:
    seed: int
    size: int
    #: How many access events the filter found (the population drawn from).
    population: int
    events: list[AuditEvent]


def new_seed() -> int:
    """A fresh seed for a first draw (the page then shows it and keeps it in its address)."""
    return secrets.randbelow(10**SEED_DIGITS)


def draw(*, actor, log_filter: LogFilter, seed: int, size: int) -> Sample:
    """Draw ``size`` access events (``daily.is_access``) of ``actor``'s council that ``log_filter`` (bounded: both
    dates set; user resolved) finds, oldest first, and record the draw. Commits."""
    size = max(1, min(size, MAX_SIZE))
    start, end = day_bounds(log_filter.since)[0], day_bounds(log_filter.until)[1]
    low, high = seq_range(start, end)
    query = filtered(actor.council_id, replace(log_filter, since=None, until=None)).where(
        is_access(), AuditEvent.seq >= low, AuditEvent.seq < high, AuditEvent.occurred_at >= start,
        AuditEvent.occurred_at < end)
    drawn = sorted(drawn_seqs(query, Permutation(seed, high), low, high, size,
                              narrow=log_filter.actor_ids is not None or bool(log_filter.case)))
    events = list(db.session.scalars(query.where(AuditEvent.seq.in_(drawn)).order_by(AuditEvent.seq))) \
        if drawn else []
    population = _population(actor.council_id, log_filter, query)
    record(tag=AuditTag.AUDIT_SAMPLE_DRAWN, actor=actor,
           reason=f"seed {seed}, {len(drawn)} of {population} ({_described(actor, log_filter)}): "
                  f"seqs {' '.join(map(str, drawn))}")
    db.session.commit()
    return Sample(seed=seed, size=size, population=population, events=events)


def drawn_seqs(query: Select, permutation: Permutation, low: int, high: int, size: int, *, narrow: bool = False,
               read_whole: int = _READ_WHOLE) -> list[int]:
    """The ``size`` seqs of lowest place among those ``query`` (of AuditEvent, within ``[low, high)``) finds, in the
    order of their places. ``narrow``: the filter is known to match few events; a range of at most ``read_whole``
    seqs is read whole too."""
    if narrow or high - low <= read_whole:
        return ranked(query, permutation, size)
    found: list[int] = []
    asking: list[int] = []
    asked, batch = 0, min(1000, 2 * size + 50)
    for place in range(min(permutation.size, _MAX_PLACES)):
        seq = permutation.seq_at(place)
        if not low <= seq < high:
            continue
        asking.append(seq)
        if len(asking) < batch:
            continue
        found += _matching(query, asking)
        asked += len(asking)
        if len(found) >= size:
            return found[:size]
        if asked >= _ASKED_PER_EVENT * size + 1000:
            return ranked(query, permutation, size)
        share = max(len(found), 1) / asked  # how many of those asked matched: ask enough for the rest next time
        asking, batch = [], min(1000, int((size - len(found)) / share * 1.2) + 20)
    found += _matching(query, asking)
    if len(found) >= size or permutation.size <= _MAX_PLACES:  # every place walked: every match is found
        return found[:size]
    return ranked(query, permutation, size)


def ranked(query: Select, permutation: Permutation, size: int) -> list[int]:
    """The other way to the same seqs: read every seq ``query`` finds and keep the ``size`` of lowest place."""
    seqs = db.session.scalars(query.with_only_columns(AuditEvent.seq))
    return heapq.nsmallest(size, seqs, key=permutation.place)


def _matching(query: Select, seqs: list[int]) -> list[int]:
    """Those of ``seqs`` that ``query`` finds, in the order of ``seqs``: one primary-key lookup each."""
    if not seqs:
        return []
    matched = set(db.session.scalars(query.with_only_columns(AuditEvent.seq).where(AuditEvent.seq.in_(seqs))))
    return [seq for seq in seqs if seq in matched]


def _population(council_id: int, log_filter: LogFilter, query: Select) -> int:
    """How many events the draw was among: from the kept per-day counts (``daily``) when the filter names only
    dates and users, else counted."""
    if not replace(log_filter, since=None, until=None, user="").narrowed:
        counts = access_counts(council_id, days_of(log_filter))
        users = set(log_filter.actor_ids) if log_filter.actor_ids is not None else None
        return sum(count for (user_id, _day), (count, _seq) in counts.items() if users is None or user_id in users)
    return db.session.scalar(select(func.count()).select_from(query.with_only_columns(AuditEvent.seq).subquery()))


def _described(actor, log_filter: LogFilter) -> str:
    """The filter in the draw's event: dates, codes and ids only (never a typed name or a case number, which the
    reason must not hold: the case is named by its id)."""
    parts = [f"{log_filter.since}..{log_filter.until}"]
    parts += [f"{name} {getattr(log_filter, name)}" for name in ("kind", "outcome", "basis", "institution")
              if getattr(log_filter, name)]
    if log_filter.actor_ids is not None:
        parts.append("users " + " ".join(map(str, log_filter.actor_ids)) if log_filter.actor_ids else "users none")
    if log_filter.case:
        case = council_case(council_id=actor.council_id, number=log_filter.case)
        parts.append(f"case #{case.id}" if case is not None else "case none")
    return ", ".join(parts)
