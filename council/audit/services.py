"""Reading and verifying the council's audit trail."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select, union

from council.audit.checkpoints import CheckpointError, check_checkpoint, read_checkpoints
from council.audit.events import AuditTag, record, recorder
from council.audit.models import AuditEvent, AuditEventCase
from council.cases.models import Case
from council.core.clock import day_bounds
from council.core.web import page_offset
from council.database import db
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
    #: A case number of the auditor's council (exact): every event about that case — reads, writes, refusals —
    #: and every list, search or check that showed it.
    case_number: str = ""
    page: int = 1


def events_for(*, council_id: int, log_filter: LogFilter) -> tuple[list[AuditEvent], bool]:
    """One page of a council's events, newest first; and whether more follow.

    Events that belong to no council (sign-in attempts with unknown usernames, first-administrator links)
    are left out: they may concern another council of the same deployment. A case number that is not one of
    the council's cases finds nothing.
    """
    query = select(AuditEvent).where(AuditEvent.council_id == council_id)
    if log_filter.case_number:
        # A join, not ``seq IN (…)``: SQLite would otherwise walk every event of the council and test each one.
        seqs = _case_event_seqs(council_id, log_filter.case_number).subquery()
        query = query.join(seqs, AuditEvent.seq == seqs.c.seq)
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


def _case_event_seqs(council_id: int, number: str):
    """The sequence numbers of the events about the council's case ``number``: two index lookups, one on the
    event's case columns (council, case, seq) and one on the side table (case, seq)."""
    case_id = select(Case.id).where(Case.council_id == council_id, Case.number == number).scalar_subquery()
    return union(select(AuditEvent.seq.label("seq")).where(AuditEvent.council_id == council_id,
                                                           AuditEvent.case_id == case_id),
                 select(AuditEventCase.event_seq.label("seq")).where(AuditEventCase.case_id == case_id))


def cases_concerned(events: list[AuditEvent]) -> dict[int, int]:
    """How many cases each event's side-table rows name (lists, searches, checks), by event seq."""
    if not events:
        return {}
    rows = db.session.execute(select(AuditEventCase.event_seq, func.count()).where(
        AuditEventCase.event_seq.in_([e.seq for e in events])).group_by(AuditEventCase.event_seq))
    return dict(rows.all())


def record_log_viewed(*, actor, case_number: str = "") -> None:
    """Reading the audit trail is itself audited, with the case whose history was asked for. Commits."""
    case = db.session.scalar(select(Case).where(Case.council_id == actor.council_id, Case.number == case_number)) \
        if case_number else None
    record(tag=AuditTag.AUDIT_LOG_VIEWED, actor=actor, case=case)
    db.session.commit()


def verify_chain(*, actor=None, progress=None) -> Verification:
    """Walk the whole chain; record the outcome as an event (after the walk, so it is not part of it).

    The chain holds every council of the deployment. An auditor's verification is an event of their
    council, which that council's auditors read, so its reason does not give the deployment-wide count;
    the operator's (``council audit verify``, no actor) does.
    """
    result = recorder.verify(progress=progress)
    db.session.rollback()
    intact = f"{result.checked} intact" if actor is None else "intact"
    record(tag=AuditTag.AUDIT_VERIFIED, actor=actor,
           outcome=Outcome.ALLOWED if result.intact else Outcome.ERROR,
           reason=intact if result.intact else f"first bad seq {result.first_bad_seq}")
    db.session.commit()
    return result


def chain_length() -> int:
    """Events in the whole chain, every council's: for the operator's command line, never for a council's page."""
    return recorder.count()


def council_event_count(*, council_id: int) -> int:
    """How many events belong to ``council_id``: what an auditor of that council may know of the chain's size."""
    return db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.council_id == council_id))


@dataclass(frozen=True)
class CheckpointResult:
    """One checkpoint an auditor pasted (e.g. copied from approved minutes) and what checking it found."""

    seq: int | None
    signed_at: str
    #: The chain still holds the signed event with the signed hash.
    present: bool
    #: Why not, in English (CheckpointError's message); "" when present.
    problem: str = ""
    first_bad_seq: int | None = None


def check_checkpoint_lines(text: str) -> list[CheckpointResult]:
    """Check each checkpoint in ``text`` (lines of ``audit-checkpoints.jsonl``, as printed on approved minutes, or
    the checkpoint command's file) against the chain. A text that holds no checkpoint gives one failed result."""
    try:
        bodies = read_checkpoints(text)
    except CheckpointError as error:
        return [CheckpointResult(seq=None, signed_at="", present=False, problem=str(error))]
    results = []
    for body in bodies:
        try:
            checked = check_checkpoint(body)
        except CheckpointError as error:
            results.append(CheckpointResult(seq=body.get("seq"), signed_at=str(body.get("signed_at", "")),
                                            present=False, problem=str(error), first_bad_seq=error.first_bad_seq))
        else:
            results.append(CheckpointResult(seq=checked.seq, signed_at=checked.signed_at, present=True))
    return results

