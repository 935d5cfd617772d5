"""Which cases a meeting may discuss, and what the coordinator sees of them while preparing it.

The legal basis of the brief grants is 協議会内の情報共有, which rests on the case being a registered 協議会ケース:
only the council's registered, open cases go on an agenda. The coordinator reaches them through the progress
ledger — metadata only (number, lead institution, categories, risk, next review), all plaintext — so choosing an
agenda decrypts nothing; the list is still recorded as shown (DESIGN §6), like every list of cases.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select

from council.access.policy import accesses
from council.access.reads import record_read
from council.audit.events import AuditTag
from council.auth.models import Institution, User
from council.cases.models import Case
from council.database import db


@dataclass(frozen=True)
class AgendaCase:
    """One case as the coordinator sees it on the scheduling form and the meeting page: no name, no content."""

    id: int
    number: str
    lead_institution: str
    categories: list[str]
    risk: str
    next_review: dt.date


def eligible(council_id: int) -> list[Case]:
    """The council's registered, open, unpurged cases (those an agenda may hold), by number."""
    return list(db.session.scalars(select(Case).where(
        Case.council_id == council_id, Case.council_case_at.is_not(None), Case.closed_on.is_(None),
        Case.purged_at.is_(None)).order_by(Case.number)))


def due_for_review(council_id: int, on: dt.date) -> list[Case]:
    """実務者会議's generated agenda: the eligible cases whose next review (``Case.next_review_due``, kept by
    ``cases.reviews``) is on or before ``on`` (the meeting's Japan date), by number."""
    return list(db.session.scalars(select(Case).where(
        Case.council_id == council_id, Case.council_case_at.is_not(None), Case.closed_on.is_(None),
        Case.purged_at.is_(None), Case.next_review_due <= on).order_by(Case.number)))


def describe(cases: Iterable[Case]) -> list[AgendaCase]:
    """The metadata of ``cases`` for the coordinator (nothing encrypted is opened)."""
    cases = list(cases)
    names = dict(db.session.execute(select(Institution.id, Institution.name).where(
        Institution.id.in_({c.lead_institution_id for c in cases}))).all()) if cases else {}
    return [AgendaCase(id=c.id, number=c.number, lead_institution=names.get(c.lead_institution_id, ""),
                       categories=c.categories, risk=c.risk, next_review=c.next_review_due) for c in cases]


def record_shown(actor: User, cases: Iterable[Case], *, reason: str) -> None:
    """Record that ``actor`` was shown these cases' metadata (one event, the side table names each — those it no
    longer reaches too, by their number on the page). Commits."""
    ids = [c.id for c in cases]
    reached = accesses(actor, ids)
    if ids:
        record_read(tag=AuditTag.CASE_LISTED, actor=actor, reached=list(reached.values()),
                    listed=[i for i in ids if i not in reached], only=(), reason=reason)
