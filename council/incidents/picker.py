"""Picking an incident's affected cases from the audit log: by case number and a Japan date range.

The picker reads only the log's own columns (time, user, institution, tag, outcome, case id and number, and the
side table's case ids) and the cases' numbers: an auditor finds which cases a lost printout or a misdirected fax
concerned without reading any of them. A search shows case numbers, so it is itself an audit event naming them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, or_, select

from council.audit.events import AuditTag, record
from council.audit.models import AuditEvent, AuditEventCase
from council.auth.models import Institution, User
from council.cases.models import Case, Person
from council.core.clock import day_bounds
from council.database import db
from council.incidents.models import Incident

#: Events shown at most (the counts cover every match).
SHOWN_EVENTS = 200
#: Longest range searched without a case number: a month of a whole council's events is already a lot.
LONGEST_RANGE_DAYS = 31


@dataclass(frozen=True)
class FoundEvent:
    """One event of the log as the picker shows it."""

    seq: int
    occurred_at: dt.datetime
    tag: str
    outcome: str
    user: str
    institution: str
    case_number: str


@dataclass(frozen=True)
class Finding:
    """What a search found: the events (the newest SHOWN_EVENTS), the council's cases they concern, the number of
    persons of those cases, and how many events matched in all."""

    events: list[FoundEvent]
    cases: dict[int, str]
    persons: int
    total_events: int


def council_case_numbers(council_id: int, case_ids) -> dict[int, str]:
    """Case id → number, for the ids that are cases of the council (others, and ids of nothing, are dropped)."""
    ids = [case_id for case_id in case_ids if isinstance(case_id, int)]
    if not ids:
        return {}
    return dict(db.session.execute(select(Case.id, Case.number).where(Case.council_id == council_id,
                                                                      Case.id.in_(ids))).all())


def search(*, actor: User, incident: Incident, case_number: str, since: dt.date, until: dt.date) -> Finding:
    """The log's events of the actor's council from ``since`` to ``until`` (Japan dates, both included) about the
    case ``case_number`` — or, with no number, about any case. Records the search (naming the cases found) and
    commits. The caller checked the range (see ``range_problem``)."""
    council_id = actor.council_id
    start, _ = day_bounds(since)
    _, end = day_bounds(until)
    in_range = (AuditEvent.council_id == council_id, AuditEvent.occurred_at >= start, AuditEvent.occurred_at < end)
    if case_number:
        ids = list(db.session.scalars(select(Case.id).where(Case.council_id == council_id,
                                                            Case.number == case_number)))
        linked = select(AuditEventCase.event_seq).where(AuditEventCase.case_id.in_(ids))
        about = or_(AuditEvent.case_id.in_(ids), AuditEvent.seq.in_(linked))
    else:
        about = or_(AuditEvent.case_id.is_not(None), AuditEvent.seq.in_(select(AuditEventCase.event_seq)))
    matching = select(AuditEvent.seq).where(*in_range, about)
    direct = db.session.scalars(select(AuditEvent.case_id).where(*in_range, about, AuditEvent.case_id.is_not(None))
                                .distinct())
    via_lists = db.session.scalars(select(AuditEventCase.case_id).where(AuditEventCase.event_seq.in_(matching))
                                   .distinct())
    found = {*direct, *via_lists}
    if case_number:
        found &= set(ids)
    cases = council_case_numbers(council_id, found)
    finding = Finding(events=_events(select(AuditEvent).where(*in_range, about)), cases=cases,
                      persons=_persons(cases), total_events=db.session.scalar(
                          select(func.count()).select_from(matching.subquery())) or 0)
    record(tag=AuditTag.INCIDENT_CASES_SEARCHED, actor=actor, target=incident, cases=sorted(cases),
           reason=f"{since.isoformat()}..{until.isoformat()}, {len(cases)} cases")
    db.session.commit()
    return finding


def range_problem(case_number: str, since: dt.date | None, until: dt.date | None) -> str | None:
    """Why a search cannot run as asked (a code the view words), or None."""
    if since is None or until is None:
        return "dates"
    if until < since:
        return "order"
    if not case_number and (until - since).days >= LONGEST_RANGE_DAYS:
        return "too_long"
    return None


def _events(query) -> list[FoundEvent]:
    rows = list(db.session.scalars(query.order_by(AuditEvent.seq.desc()).limit(SHOWN_EVENTS)))
    users = {user.id: user for user in db.session.scalars(select(User).where(
        User.id.in_({row.actor_user_id for row in rows if row.actor_user_id})))}
    institutions = dict(db.session.execute(select(Institution.id, Institution.name).where(
        Institution.id.in_({row.actor_institution_id for row in rows if row.actor_institution_id}))).all())
    return [FoundEvent(seq=row.seq, occurred_at=row.occurred_at, tag=row.tag, outcome=row.outcome,
                       user=_user(users.get(row.actor_user_id)), institution=institutions.get(
                           row.actor_institution_id, ""), case_number=row.case_number or "")
            for row in rows]


def _user(user: User | None) -> str:
    return f"{user.display_name} ({user.username})" if user is not None else ""


def _persons(cases: dict[int, str]) -> int:
    """How many persons the cases hold (subjects and household members not removed): a count, nothing opened."""
    if not cases:
        return 0
    return db.session.scalar(select(func.count()).select_from(Person).where(
        Person.case_id.in_(list(cases)), Person.deleted_at.is_(None))) or 0
