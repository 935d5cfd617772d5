"""The auditor's filters: what they ask for (``LogFilter``, read from the query string) and the query it makes.

Paging is by keyset on ``seq`` (``before``: older than that event; ``after``: newer), never OFFSET: the page
after ten thousand others costs what the first one does. Dates are Japan dates (an event at 23:30 UTC belongs to
the next day in Japan). A user is asked for by name or username; one the council does not have is said so, not
ignored.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields, replace

from sqlalchemy import Select, func, select, union

from council.audit.describe import BASIS_KINDS, KINDS_BY_KEY
from council.audit.marks import BREAK_GLASS, basis_sql, flagged, kind_tags, under_break_glass
from council.audit.models import AuditEvent, AuditEventCase
from council.cases.models import Case
from council.core.clock import day_bounds
from council.core.web import query_int
from council.database import db
from council.security.auditchain import Outcome

__all__ = ["CLOCK_SLACK", "LogFilter", "basis_is", "case_event_seqs", "conditions", "filtered", "flagged", "kind_tags",
           "seq_range"]


@dataclass(frozen=True)
class LogFilter:
    """What the auditor asked for. Every field is optional; the query string's names are the field names."""

    #: Japan dates, both included.
    since: dt.date | None = None
    until: dt.date | None = None
    #: A name or username as typed; ``actor_ids`` are the council's users it names (resolved by the service).
    user: str = ""
    #: An institution of the council (the actor's institution at the time of the event).
    institution: int | None = None
    #: A case number of the auditor's council (exact): every event about that case — reads, writes, refusals —
    #: and every list, search or check that showed it.
    case: str = ""
    #: A kind of event (describe.KINDS).
    kind: str = ""
    #: allowed, denied or error.
    outcome: str = ""
    #: A kind of basis (describe.BASIS_KINDS): own_institution, referral, break_glass …
    basis: str = ""
    #: Only what an auditor should look at first: refusals and errors, emergency access, emergency shares.
    flagged: bool = False
    #: Keyset paging: events older than ``before`` (a seq), or newer than ``after``.
    before: int | None = None
    after: int | None = None
    #: Resolved from ``user`` by the service: the ids it names (an empty tuple finds nothing).
    actor_ids: tuple[int, ...] | None = field(default=None, compare=False)

    @classmethod
    def from_args(cls, args) -> LogFilter:
        """Read the query string; anything malformed is dropped (an unparseable date, an unknown kind)."""
        return cls(since=_date(args.get("since")), until=_date(args.get("until")),
                   user=args.get("user", "").strip()[:100], institution=args.get("institution", type=query_int),
                   case=args.get("case", "").strip()[:20],
                   kind=_known(args.get("kind", ""), KINDS_BY_KEY), outcome=_known(args.get("outcome", ""), Outcome),
                   basis=_known(args.get("basis", ""), BASIS_KINDS), flagged=args.get("flagged") == "1",
                   before=args.get("before", type=query_int), after=args.get("after", type=query_int))

    def query_args(self, **changes) -> dict:
        """The query string of this filter (with ``changes``), for links: paging, export, per-case pages."""
        changed = replace(self, **changes)
        values = {f.name: getattr(changed, f.name) for f in fields(self) if f.name != "actor_ids"}
        values["flagged"] = "1" if changed.flagged else None
        return {name: value for name, value in values.items() if value not in (None, "", False)}

    @property
    def narrowed(self) -> bool:
        """Whether anything but paging is asked for."""
        return bool(self.query_args(before=None, after=None))


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value or "")
    except ValueError:
        return None


def _known(value: str, known) -> str:
    return value if value in {str(k) for k in known} else ""


#: How far an event's time may run behind the event before it in the chain: a request takes its time, then waits
#: for the chain's lock. Date bounds become seq bounds widened by this much; the times themselves are still tested.
CLOCK_SLACK = dt.timedelta(hours=1)


def filtered(council_id: int, log_filter: LogFilter) -> Select:
    """The council's events the filter asks for (no order, no paging). Events that belong to no council (sign-in
    attempts with unknown usernames) are left out: they may concern another council of the same deployment."""
    query = select(AuditEvent).where(AuditEvent.council_id == council_id, *_date_seqs(log_filter))
    if log_filter.case:
        # A join, not ``seq IN (…)``: SQLite would otherwise walk every event of the council and test each one.
        seqs = case_event_seqs(council_id, log_filter.case).subquery()
        query = query.join(seqs, AuditEvent.seq == seqs.c.seq)
    return query.where(*conditions(log_filter))


def conditions(log_filter: LogFilter) -> list:
    """The filter's conditions on audit_event's own columns."""
    where = []
    if log_filter.actor_ids is not None:
        where.append(AuditEvent.actor_user_id.in_(log_filter.actor_ids or (-1,)))
    if log_filter.institution:
        where.append(AuditEvent.actor_institution_id == log_filter.institution)
    if log_filter.kind:
        where.append(AuditEvent.tag.in_(kind_tags(log_filter.kind)))
    if log_filter.outcome:
        where.append(AuditEvent.outcome == log_filter.outcome)
    if log_filter.basis:
        where.append(basis_is(log_filter.basis))
    if log_filter.flagged:
        where.append(flagged())
    if log_filter.since:
        where.append(AuditEvent.occurred_at >= day_bounds(log_filter.since)[0])
    if log_filter.until:
        where.append(AuditEvent.occurred_at < day_bounds(log_filter.until)[1])
    if log_filter.before:
        where.append(AuditEvent.seq < log_filter.before)
    if log_filter.after:
        where.append(AuditEvent.seq > log_filter.after)
    return where


def basis_is(kind: str):
    """Events whose basis is of ``kind``: the code itself, ``kind:<id>``, or one of a list's comma-joined kinds. The
    basis 緊急アクセス has a column and an index of its own (``marks``): it is rare, and a LIKE would walk the chain."""
    return under_break_glass() if kind == BREAK_GLASS else basis_sql(kind)


def _date_seqs(log_filter: LogFilter) -> list:
    """Date bounds as seq bounds (the chain is in time order, give or take CLOCK_SLACK): the page walks only the
    days asked for instead of the whole chain to reach them."""
    where = []
    if log_filter.since:
        where.append(AuditEvent.seq >= _first_seq_at(day_bounds(log_filter.since)[0] - CLOCK_SLACK))
    if log_filter.until:
        where.append(AuditEvent.seq < _first_seq_at(day_bounds(log_filter.until)[1] + CLOCK_SLACK))
    return where


def seq_range(start: dt.datetime, end: dt.datetime) -> tuple[int, int]:
    """The seqs ``[low, high)`` that hold every event whose time is in ``[start, end)`` (and a few around it: the
    times themselves must still be tested)."""
    return _first_seq_at(start - CLOCK_SLACK), _first_seq_at(end + CLOCK_SLACK)


def _first_seq_at(instant: dt.datetime) -> int:
    """The first seq whose time is at or after ``instant`` (one past the head if none): a binary search over the
    gapless seq, one primary-key lookup per step."""
    head = db.session.scalar(select(func.max(AuditEvent.seq))) or 0
    low, high = 1, head + 1
    while low < high:
        middle = (low + high) // 2
        at = db.session.scalar(select(AuditEvent.occurred_at).where(AuditEvent.seq >= middle)
                               .order_by(AuditEvent.seq).limit(1))
        if at is not None and at < instant:
            low = middle + 1
        else:
            high = middle
    return low


def case_event_seqs(council_id: int, number: str):
    """The sequence numbers of the events about the council's case ``number``: two index lookups, one on the
    event's case columns (council, case, seq) and one on the side table (case, seq)."""
    case_id = select(Case.id).where(Case.council_id == council_id, Case.number == number).scalar_subquery()
    return union(select(AuditEvent.seq.label("seq")).where(AuditEvent.council_id == council_id,
                                                           AuditEvent.case_id == case_id),
                 select(AuditEventCase.event_seq.label("seq")).where(AuditEventCase.case_id == case_id))
