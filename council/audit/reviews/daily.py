"""Accesses per user per Japan day: the volume rule's history and the sample's population, counted once per day.

What counts as an access: a case page or print viewed, an attachment downloaded, a brief read, revealed or printed,
a support record or the case written — allowed, by a signed-in user (``is_access``). Lists and searches are not
accesses here (they name many cases at once and are counted in the log itself).

The log is append-only and in time order (give or take ``filters.CLOCK_SLACK``), so once a Japan day has ended and
the slack has passed, the day is closed: its counts can never change. The first page that needs a closed day
counts it — one grouped query between the day's seq bounds — and keeps the counts (``audit_access_count``, the day
marked in ``audit_access_day``), in the page's own transaction. Every later page reads a few rows per user instead
of the day's events. Days still open (today, and yesterday during the first hour of today) are counted each time.
The kept counts are derived: deleting them (both tables) only makes the next page count those days again. They are
not hashed, so ``council audit verify`` counts every kept day again (``first_miscounted``: problem ``counts``), and
on PostgreSQL the app's role may only read and insert them (``audit.roles``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import and_, func, select
from sqlalchemy.dialects import postgresql, sqlite

from council.audit.filters import CLOCK_SLACK, LogFilter, filtered, kind_tags
from council.audit.models import AuditEvent
from council.audit.reviews.models import AuditAccessCount, AuditAccessDay
from council.audit.tags import AuditTag
from council.core.clock import day_bounds, utcnow
from council.database import db
from council.security.auditchain import Outcome

#: The tags that are an access to one case (see the module's docstring).
ACCESS_TAGS = sorted({*kind_tags("case_read"), *kind_tags("records"), *kind_tags("case_writes"),
                      AuditTag.BRIEF_READ, AuditTag.BRIEF_REVEALED, AuditTag.BRIEF_PRINTED})

#: (user id, Japan day) -> (accesses, the latest access's seq)
Counts = dict[tuple[int, dt.date], tuple[int, int]]


def is_access():
    """An access to one case (the module's docstring), by a signed-in user, allowed."""
    return and_(AuditEvent.tag.in_(ACCESS_TAGS), AuditEvent.actor_user_id.is_not(None),
                AuditEvent.outcome == Outcome.ALLOWED)


def closed(day: dt.date) -> bool:
    """Whether no event of Japan day ``day`` can be appended any more (the day and the clock's slack are over)."""
    return day_bounds(day)[1] + CLOCK_SLACK <= utcnow()


def access_counts(council_id: int, days: Iterable[dt.date]) -> Counts:
    """Each user's accesses on each of ``days`` (users with none are left out): kept counts for the closed days
    already counted, one grouped query for each other day — whose counts are kept when it is closed."""
    days = sorted(set(days))
    kept = {day for day, counted_at in db.session.execute(select(AuditAccessDay.day, AuditAccessDay.counted_at).where(
        AuditAccessDay.council_id == council_id, AuditAccessDay.day.in_(days))) if _trusted(day, counted_at)}
    counts: Counts = {}
    if kept:
        counts.update({(user_id, day): (accesses, last_seq) for user_id, day, accesses, last_seq in db.session.execute(
            select(AuditAccessCount.user_id, AuditAccessCount.day, AuditAccessCount.accesses,
                   AuditAccessCount.last_seq).where(AuditAccessCount.council_id == council_id,
                                                    AuditAccessCount.day.in_(sorted(kept))))})
    for day in days:
        if day in kept:
            continue
        counted = count_day(council_id, day)
        counts.update(counted)
        if closed(day):
            _keep(council_id, day, counted)
    return counts


def _trusted(day: dt.date, counted_at: dt.datetime) -> bool:
    """A kept day is read only once it is closed and if it was counted after it closed (a row written earlier — by
    a fault, or by someone who wanted a day never counted — is ignored and the day counted from the log). What a row
    says can still be forged: ``first_miscounted`` (run by ``council audit verify``) counts every kept day again."""
    return closed(day) and counted_at >= day_bounds(day)[1] + CLOCK_SLACK


def first_miscounted() -> int | None:
    """The seq of an access on the first kept day (of any council) whose kept counts are not what its events give,
    or None when every kept day is right. Reads each kept day's events once."""
    for council_id, day in db.session.execute(select(AuditAccessDay.council_id, AuditAccessDay.day)
                                              .order_by(AuditAccessDay.day, AuditAccessDay.council_id)).all():
        kept = {(user_id, day): (accesses, last_seq) for user_id, accesses, last_seq in db.session.execute(
            select(AuditAccessCount.user_id, AuditAccessCount.accesses, AuditAccessCount.last_seq).where(
                AuditAccessCount.council_id == council_id, AuditAccessCount.day == day))}
        counted = count_day(council_id, day)
        if kept != counted:
            seqs = [seq for _count, seq in (*counted.values(), *kept.values())]
            return min(seqs) if seqs else 1
    return None


def count_day(council_id: int, day: dt.date) -> Counts:
    """One Japan day's accesses per user, from the log: between the day's seq bounds, grouped by user only — no
    date function evaluated per row."""
    query = filtered(council_id, LogFilter(since=day, until=day)).where(is_access()).subquery()
    rows = db.session.execute(select(query.c.actor_user_id, func.count(), func.max(query.c.seq))
                              .group_by(query.c.actor_user_id))
    return {(user_id, day): (count, seq) for user_id, count, seq in rows}


def _keep(council_id: int, day: dt.date, counted: Counts) -> None:
    """Keep a closed day's counts in the caller's transaction. Two pages counting the same day at once both keep
    the same numbers: the later insert does nothing."""
    insert = postgresql.insert if db.session.get_bind().dialect.name == "postgresql" else sqlite.insert
    head = db.session.scalar(select(func.max(AuditEvent.seq))) or 0
    db.session.execute(insert(AuditAccessDay).values(council_id=council_id, day=day, counted_at=utcnow(),
                                                     head_seq=head).on_conflict_do_nothing())
    rows = [{"council_id": council_id, "day": day, "user_id": user_id, "accesses": count, "last_seq": seq}
            for (user_id, _day), (count, seq) in sorted(counted.items())]
    for start in range(0, len(rows), 1000):  # a council's users, in statements SQLite takes
        db.session.execute(insert(AuditAccessCount).values(rows[start:start + 1000]).on_conflict_do_nothing())
