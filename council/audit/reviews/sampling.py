"""Sampling (issue 12): N access events drawn at random from a filtered Japan-date range, for manual review.

Reproducible: an event's place in the draw is SHA-256(seed, seq), computed here in Python over the filter's
sequence numbers, so the same seed and the same filters draw the same events on SQLite and PostgreSQL alike, and
events appended later to an open range only enter the sample when they rank before the drawn ones. The seed is
shown on the page (and is in its address); each draw is an audit event naming the seed, the filter and the seqs.
"""

from __future__ import annotations

import hashlib
import heapq
import secrets
from dataclasses import dataclass

from council.audit.events import AuditTag, record
from council.audit.filters import LogFilter, filtered
from council.audit.models import AuditEvent
from council.audit.reviews.anomalies import is_access
from council.audit.services import council_case
from council.database import db

#: The most events one sample draws, and the default.
MAX_SIZE = 200
DEFAULT_SIZE = 20
#: Seeds are whole numbers of at most this many digits (short enough to read out or write in minutes).
SEED_DIGITS = 9


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


def rank(seed: int, seq: int) -> bytes:
    """The event's place in the draw of ``seed``: the same in every process and on every database."""
    return hashlib.sha256(f"{seed}:{seq}".encode()).digest()


def draw(*, actor, log_filter: LogFilter, seed: int, size: int) -> Sample:
    """Draw ``size`` access events (anomalies.is_access) of ``actor``'s council that ``log_filter`` (bounded,
    user resolved) finds, oldest first, and record the draw. Commits."""
    size = max(1, min(size, MAX_SIZE))
    query = filtered(actor.council_id, log_filter).where(is_access())
    seqs = list(db.session.scalars(query.with_only_columns(AuditEvent.seq)))
    drawn = sorted(heapq.nsmallest(size, seqs, key=lambda seq: rank(seed, seq)))
    events = list(db.session.scalars(query.where(AuditEvent.seq.in_(drawn)).order_by(AuditEvent.seq))) \
        if drawn else []
    record(tag=AuditTag.AUDIT_SAMPLE_DRAWN, actor=actor,
           reason=f"seed {seed}, {len(drawn)} of {len(seqs)} ({_described(actor, log_filter)}): "
                  f"seqs {' '.join(map(str, drawn))}")
    db.session.commit()
    return Sample(seed=seed, size=size, population=len(seqs), events=events)


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
