"""Reading and verifying the council's audit trail: a page of filtered events, who is who, being audited."""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import func, or_, select

from council.audit.checkpoints import CheckpointError, check_checkpoint, read_checkpoints
from council.audit.events import AuditTag, record, recorder
from council.audit.filters import LogFilter, filtered
from council.audit.models import AuditEvent
from council.auth.models import Institution, User
from council.cases.models import Case
from council.core.db import reads_only
from council.database import db
from council.security.auditchain import Outcome, Verification

__all__ = ["PAGE_SIZE", "LogFilter", "Page", "events_for", "resolve_user"]

PAGE_SIZE = 100


@dataclass(frozen=True)
class Page:
    """One page of events, newest first, and where the neighbouring pages start (keyset on seq)."""

    events: list[AuditEvent]
    #: Whether older events follow (the next page is ``before=events[-1].seq``).
    older: bool
    #: Whether newer events precede (the previous page is ``after=events[0].seq``).
    newer: bool


def events_for(*, council_id: int, log_filter: LogFilter, size: int = PAGE_SIZE) -> Page:
    """One page of the council's events the filter asks for, newest first.

    ``log_filter.actor_ids`` must be resolved (``resolve_user``) when it names a user. A case number that is not
    one of the council's cases finds nothing. Each page is an index walk from a sequence number: no OFFSET.
    """
    query = filtered(council_id, log_filter)
    if log_filter.after and not log_filter.before:
        rows = list(db.session.scalars(query.order_by(AuditEvent.seq.asc()).limit(size + 1)))
        return Page(events=rows[:size][::-1], older=True, newer=len(rows) > size)
    rows = list(db.session.scalars(query.order_by(AuditEvent.seq.desc()).limit(size + 1)))
    return Page(events=rows[:size], older=len(rows) > size, newer=log_filter.before is not None)


@dataclass(frozen=True)
class UserMatch:
    """What a typed name or username found among the council's users."""

    filter: LogFilter
    #: The users found; empty when nobody of the council has that name (the page says so).
    users: list[User]


def resolve_user(*, council_id: int, log_filter: LogFilter) -> UserMatch:
    """Find the council's users (former ones included) that ``log_filter.user`` names: its username exactly, else
    its display name exactly, else every username or display name that contains it. No match finds no events."""
    typed = log_filter.user
    if not typed:
        return UserMatch(filter=log_filter, users=[])
    ours = select(User).join(Institution, User.institution_id == Institution.id).where(
        Institution.council_id == council_id)
    for condition in (User.username == typed, User.display_name == typed,
                      or_(User.username.contains(typed, autoescape=True),
                          User.display_name.contains(typed, autoescape=True))):
        users = list(db.session.scalars(ours.where(condition).order_by(User.username).limit(50)))
        if users:
            break
    return UserMatch(filter=replace(log_filter, actor_ids=tuple(u.id for u in users)), users=users)


def council_users(*, council_id: int) -> list[User]:
    """Every account of the council, former ones included: the filter's suggestions."""
    return list(db.session.scalars(select(User).join(Institution, User.institution_id == Institution.id).where(
        Institution.council_id == council_id).order_by(User.username)))


def council_institutions(*, council_id: int) -> list[Institution]:
    return list(db.session.scalars(select(Institution).where(Institution.council_id == council_id)
                                   .order_by(Institution.name)))


def council_user(*, council_id: int, user_id: int) -> User | None:
    """The council's user ``user_id`` (former included), or None: another council's user is not found."""
    user = db.session.get(User, user_id)
    return user if user is not None and user.council_id == council_id else None


def council_case(*, council_id: int, number: str) -> Case | None:
    """The council's case ``number`` (its id and number only are ever read here), or None."""
    return db.session.scalar(select(Case).where(Case.council_id == council_id, Case.number == number)) \
        if number else None


def record_log_viewed(*, actor, case_number: str = "", user: User | None = None) -> None:
    """Reading the audit trail is itself audited, with the case whose history was asked for (or the user's, as
    the target). Commits."""
    case = council_case(council_id=actor.council_id, number=case_number)
    record(tag=AuditTag.AUDIT_LOG_VIEWED, actor=actor, case=case, target=user)
    db.session.commit()
    reads_only()  # the auditor's pages (GET) only read once their event is committed


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

