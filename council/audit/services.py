"""Reading and verifying the council's audit trail."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select

from council.audit.events import AuditTag, record
from council.audit.models import AuditEvent
from council.core.clock import day_bounds
from council.core.web import page_offset
from council.database import db
from council.security import auditchain
from council.security.auditchain import Outcome, Verification

PAGE_SIZE = 100
#: No chain is longer than this many pages (a 64-bit sequence).


@dataclass
class LogFilter:
    tag: str = ""
    actor_user_id: int | None = None
    #: Japan dates, both included: an event at 23:30 UTC belongs to the next day in Japan.
    since: dt.date | None = None
    until: dt.date | None = None
    page: int = 1


def events_for(*, council_id: int, log_filter: LogFilter) -> tuple[list[AuditEvent], bool]:
    """One page of a council's events, newest first; and whether more follow.

    Events that belong to no council (sign-in attempts with unknown usernames, first-administrator links)
    are left out: they may concern another council of the same deployment.
    """
    query = select(AuditEvent).where(AuditEvent.council_id == council_id)
    if log_filter.tag:
        query = query.where(AuditEvent.tag.startswith(log_filter.tag, autoescape=True))
    if log_filter.actor_user_id:
        query = query.where(AuditEvent.actor_user_id == log_filter.actor_user_id)
    if log_filter.since:
        query = query.where(AuditEvent.occurred_at >= day_bounds(log_filter.since)[0])
    if log_filter.until:
        query = query.where(AuditEvent.occurred_at < day_bounds(log_filter.until)[1])
    offset = page_offset(log_filter.page, PAGE_SIZE)
    rows = list(db.session.scalars(query.order_by(AuditEvent.seq.desc()).offset(offset).limit(PAGE_SIZE + 1)))
    return rows[:PAGE_SIZE], len(rows) > PAGE_SIZE


def record_log_viewed(*, actor) -> None:
    """Reading the audit trail is itself audited. Commits."""
    record(tag=AuditTag.AUDIT_LOG_VIEWED, actor=actor)
    db.session.commit()


def verify_chain(*, actor=None, progress=None) -> Verification:
    """Walk the whole chain; record the outcome as an event (after the walk, so it is not part of it).

    The chain holds every council of the deployment. An auditor's verification is an event of their
    council, which that council's auditors read, so its reason does not give the deployment-wide count;
    the operator's (``council audit verify``, no actor) does.
    """
    result = auditchain.verify(db.session, AuditEvent, progress=progress)
    db.session.rollback()
    intact = f"{result.checked} intact" if actor is None else "intact"
    record(tag=AuditTag.AUDIT_VERIFIED, actor=actor,
           outcome=Outcome.ALLOWED if result.intact else Outcome.ERROR,
           reason=intact if result.intact else f"first bad seq {result.first_bad_seq}")
    db.session.commit()
    return result


def chain_length() -> int:
    """Events in the whole chain, every council's: for the operator's command line, never for a council's page."""
    return auditchain.count(db.session, AuditEvent)


def council_event_count(*, council_id: int) -> int:
    """How many events belong to ``council_id``: what an auditor of that council may know of the chain's size."""
    return db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.council_id == council_id))
