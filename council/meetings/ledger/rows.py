"""A page of the ledger's rows: each case's plaintext metadata and what other tables say about it.

Every source beyond the case itself is read once per page, for the page's cases together — grants in force
(institutions involved, open information requests), consent states, open tasks, institution names — never once per
row: a page costs the same handful of queries whether the council has a hundred cases or a hundred thousand.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import case, func, select

from council.access.models import CaseGrant
from council.auth.models import Institution, User
from council.cases.models import Case, Consent
from council.cases.reviews import is_overdue
from council.database import db
from council.meetings.ledger.query import ConsentSummary, grants_in_force, open_request_grant
from council.meetings.models import MeetingTask


@dataclass
class LedgerRow:
    """One case as the ledger shows it. Nothing here is personal except ``key_person_name``, which is filled only
    where the reader's reach of the case opens it (and never exported or printed)."""

    case: Case
    lead_institution: str
    #: Other institutions holding a grant in force (institution grants, and user grants' institutions), by name.
    involved: list[str] = field(default_factory=list)
    #: ConsentSummary of the case's consent rows.
    consent: str = ConsentSummary.NONE
    next_review: dt.date | None = None
    review_overdue: bool = False
    open_tasks: int = 0
    overdue_tasks: int = 0
    open_requests: int = 0
    key_person_name: str = ""


def build_rows(cases: list[Case], *, now: dt.datetime, today: dt.date) -> list[LedgerRow]:
    """The rows of ``cases`` (one page), each source read in one query for them all."""
    ids = [c.id for c in cases]
    involved, requests = _grants(ids, now)
    consents = _consents(ids)
    tasks = _tasks(ids, today)
    names = _institution_names({c.lead_institution_id for c in cases} | {i for s in involved.values() for i in s})
    rows = []
    for c in cases:
        others = sorted(names.get(i, "") for i in involved.get(c.id, set()) - {c.lead_institution_id})
        open_tasks, overdue_tasks = tasks.get(c.id, (0, 0))
        rows.append(LedgerRow(case=c, lead_institution=names.get(c.lead_institution_id, ""), involved=others,
                              consent=ConsentSummary.of(consents.get(c.id, set())), next_review=c.next_review_due,
                              review_overdue=is_overdue(c, today), open_tasks=open_tasks, overdue_tasks=overdue_tasks,
                              open_requests=requests.get(c.id, 0)))
    return rows


def _grants(ids: list[int], now: dt.datetime) -> tuple[dict[int, set[int]], dict[int, int]]:
    """Per case: the institutions of its grants in force, and how many of them rest on an information request."""
    rows = db.session.execute(
        select(CaseGrant.case_id, func.coalesce(CaseGrant.institution_id, User.institution_id),
               open_request_grant())
        .outerjoin(User, User.id == CaseGrant.user_id)
        .where(CaseGrant.case_id.in_(ids), grants_in_force(now)))
    involved: dict[int, set[int]] = defaultdict(set)
    requests: dict[int, int] = defaultdict(int)
    for case_id, institution_id, is_request in rows:
        involved[case_id].add(institution_id)
        requests[case_id] += 1 if is_request else 0
    return involved, requests


def _consents(ids: list[int]) -> dict[int, set[str]]:
    states: dict[int, set[str]] = defaultdict(set)
    for case_id, state in db.session.execute(select(Consent.case_id, Consent.state).where(Consent.case_id.in_(ids))):
        states[case_id].add(state)
    return states


def _tasks(ids: list[int], today: dt.date) -> dict[int, tuple[int, int]]:
    """Per case: open tasks, and how many of them are past their due date (a Japan date)."""
    overdue = func.sum(case((MeetingTask.due_date < today, 1), else_=0))
    rows = db.session.execute(
        select(MeetingTask.case_id, func.count(MeetingTask.id), overdue)
        .where(MeetingTask.case_id.in_(ids), MeetingTask.completed_at.is_(None)).group_by(MeetingTask.case_id))
    return {case_id: (count, int(late or 0)) for case_id, count, late in rows}


def _institution_names(ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(db.session.execute(select(Institution.id, Institution.name).where(Institution.id.in_(ids))).all())
