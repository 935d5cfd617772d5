"""The two questions an auditor asks most: "who has looked at this person" (per case) and "what did this user
look at" (per user). Each is a summary — one line per user or per case, with bases, times and refusals — over an
index lookup; the events themselves are paged by the log's own query.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import case, func, select

from council.audit.describe import basis_words
from council.audit.filters import case_event_seqs
from council.audit.models import AuditEvent
from council.audit.rows import Actor, actor, grant_facts
from council.audit.tags import AuditTag
from council.auth.models import Institution, User
from council.database import db
from council.security.auditchain import Outcome

#: A summary names at most this many users or cases (the events below it are paged, not bounded).
SUMMARY_LIMIT = 500


@dataclass(frozen=True)
class Looked:
    """One user's dealings with one case (per case: one line per user; per user: one line per case)."""

    actor: Actor | None
    case_number: str | None
    bases: list[str]
    events: int
    refused: int
    first: dt.datetime
    last: dt.datetime


def who_looked(*, council_id: int, number: str) -> list[Looked]:
    """Everyone who acted on, read, listed or was refused the council's case ``number``: one line per user (and
    institution at the time), most recent first. An unknown number finds nobody."""
    seqs = case_event_seqs(council_id, number).subquery()
    # The auditors' own reading of the case's history is in the events below, not among those who looked at it.
    events = select(AuditEvent).join(seqs, AuditEvent.seq == seqs.c.seq).where(
        AuditEvent.council_id == council_id, AuditEvent.actor_user_id.is_not(None),
        AuditEvent.tag.not_in((AuditTag.AUDIT_LOG_VIEWED, AuditTag.AUDIT_LOG_EXPORTED))).subquery()
    rows = db.session.execute(_grouped(events, events.c.actor_user_id, events.c.actor_institution_id))
    lines = rows.all()
    bases = _bases(events, events.c.actor_user_id, events.c.actor_institution_id)
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_({r[0] for r in lines})))}
    institutions = {i.id: i for i in db.session.scalars(select(Institution).where(
        Institution.id.in_({r[1] for r in lines if r[1]})))}
    return [Looked(actor=_actor(users.get(user_id), user_id, institutions.get(institution_id)), case_number=number,
                   bases=bases.get((user_id, institution_id), []), events=count, refused=refused or 0, first=first,
                   last=last) for user_id, institution_id, count, refused, first, last in lines]


#: The per-user summary reads the user's latest this many events (an index walk and as many row reads, whatever the
#: user did: an account whose events never concern a case costs the same), so that it answers as fast for someone
#: with years of work; the paged events below it hold every event, and each case's page everyone who looked at it.
SUMMARY_EVENTS = 1000


def what_they_looked_at(*, council_id: int, user_id: int) -> list[Looked]:
    """Every case of the council the user acted on, read or was refused (by the event's own case columns) in their
    latest ``SUMMARY_EVENTS`` events: one line per case, most recent first. Lists that showed a case are in the
    user's events, not here."""
    latest = select(AuditEvent).where(AuditEvent.council_id == council_id, AuditEvent.actor_user_id == user_id) \
        .order_by(AuditEvent.seq.desc()).limit(SUMMARY_EVENTS).subquery()
    events = select(latest).where(latest.c.case_id.is_not(None)).subquery()
    rows = db.session.execute(_grouped(events, events.c.case_number))
    lines = rows.all()
    bases = _bases(events, events.c.case_number)
    return [Looked(actor=None, case_number=number, bases=bases.get((number,), []), events=count,
                   refused=refused or 0, first=first, last=last) for number, count, refused, first, last in lines]


def summary_is_bounded(*, council_id: int, user_id: int) -> bool:
    """Whether the user has older events than the summary read (the page says so): one step of the (council, user,
    seq) index past the summary's, no row read."""
    return db.session.scalar(select(AuditEvent.seq).where(
        AuditEvent.council_id == council_id, AuditEvent.actor_user_id == user_id)
        .order_by(AuditEvent.seq.desc()).offset(SUMMARY_EVENTS).limit(1)) is not None


def _grouped(events, *keys):
    refused = func.sum(case((events.c.outcome != Outcome.ALLOWED, 1), else_=0))
    return (select(*keys, func.count(), refused, func.min(events.c.occurred_at), func.max(events.c.occurred_at))
            .group_by(*keys).order_by(func.max(events.c.seq).desc()).limit(SUMMARY_LIMIT))


def _bases(events, *keys) -> dict[tuple, list[str]]:
    """The distinct bases of each group, in words (a list's kinds; a grant's kind, recipient and scope). A grant's
    recipient and scope are those of the grant the user held when they acted (``rows.GrantsNamed``): a transfer's
    receiver and its former lead act on the same basis under two grants."""
    found: dict[tuple, list[str]] = {}
    actor_columns = (events.c.actor_user_id, events.c.actor_institution_id, events.c.case_id, events.c.basis)
    rows = db.session.execute(select(*keys, *actor_columns, func.min(events.c.occurred_at),
                                     func.max(events.c.occurred_at))
                              .where(events.c.basis.is_not(None)).group_by(*keys, *actor_columns)).all()
    grants = grant_facts({(row[-4], row[-3]) for row in rows})
    for row in rows:
        user_id, institution_id, case_id, basis, first, last = row[-6:]
        words = basis_words(basis, grants.get(case_id, basis, user_id=user_id, institution_id=institution_id,
                                              since=first, until=last))
        group = found.setdefault(tuple(row[:-6]), [])
        if words not in group:
            group.append(words)
    return found


def _actor(user: User | None, user_id: int, institution: Institution | None) -> Actor:
    if user is None:
        return Actor(user_id=user_id, name="", username=f"#{user_id}", institution=getattr(institution, "name", ""),
                     role="", former=True)
    return actor(user, institution=institution)
