"""Reading and verifying the council's audit trail: a page of filtered events, who is who, being audited."""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import case, func, or_, select

from council.audit.events import AuditTag, record, recorder
from council.audit.filters import LogFilter, filtered
from council.audit.models import AuditEvent
from council.audit.rows import Actor, actor
from council.auth.models import Institution, User
from council.cases.models import Case
from council.core.db import reads_only
from council.core.i18n import gettext as _
from council.database import db

__all__ = ["PAGE_SIZE", "LogFilter", "Page", "events_for", "resolve_user"]

PAGE_SIZE = 100
#: At most this many users are suggested for what the auditor typed: a council's users are never all listed.
SUGGESTION_LIMIT = 20


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


@dataclass(frozen=True)
class Suggestion:
    """A user suggested for the user filter: what the field takes (the username) and how the list shows it."""

    username: str
    #: The display name, the institution and, for a disabled account, that it is a former user.
    label: str


def user_suggestions(*, council_id: int, typed: str, limit: int = SUGGESTION_LIMIT) -> list[Suggestion]:
    """The council's users (former ones included) whose username or display name contains ``typed`` — those that
    begin with it first, then by username — at most ``limit``, in one query with their institution. None for
    nothing typed: the page never loads every user of the council (issue 13)."""
    typed = typed.strip()[:100]
    if not typed:
        return []
    begins = or_(User.username.startswith(typed, autoescape=True),
                 User.display_name.startswith(typed, autoescape=True))
    rows = db.session.execute(
        select(User.username, User.display_name, User.disabled_at, Institution.name)
        .join(Institution, User.institution_id == Institution.id)
        .where(Institution.council_id == council_id, or_(User.username.contains(typed, autoescape=True),
                                                         User.display_name.contains(typed, autoescape=True)))
        .order_by(case((begins, 0), else_=1), User.username).limit(limit))
    return [Suggestion(username=username, label=f"{name} · {institution}"
                       + (f" ({_('former user')})" if disabled_at is not None else ""))
            for username, name, disabled_at, institution in rows]


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


def chain_length() -> int:
    """Events in the whole chain, every council's: for the operator's command line, never for a council's page."""
    return recorder.count()


def council_event_count(*, council_id: int) -> int:
    """How many events belong to ``council_id``: what an auditor of that council may know of the chain's size."""
    return db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.council_id == council_id))


def run_actors(runs) -> dict[int, Actor]:
    """The auditors who ran verifications from the workspace, by user id, as the auditor reads them."""
    ids = {run.actor_user_id for run in runs if run.actor_user_id}
    users = db.session.scalars(select(User).where(User.id.in_(ids))) if ids else []
    return {user.id: actor(user) for user in users}
