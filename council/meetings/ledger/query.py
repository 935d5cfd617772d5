"""Which council cases a page of the progress ledger shows, in which order: its filter and its sort, in SQL.

The ledger reaches every case of the council (100k of them in a large prefecture), so filtering, sorting and
paging happen in the database; only the 50 cases of the page are loaded. Every sortable column has one SQL
expression here (a whitelist: the URL names a key, never a column). The next review date is the one stored on the
case by the rule of ``council.cases.reviews`` (own date, else the cadence per risk from the last review, the
registration's Japan date or the intake), indexed with the council: sorting and the "review overdue" filter read it
in index order and agree with the date each row shows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Date, and_, case, exists, func, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement

from council.access.models import CaseGrant, GrantBasis
from council.auth.models import Institution
from council.cases.models import Case, CaseCategory, CaseStatus, Consent, ConsentState, Risk
from council.core.clock import utcnow
from council.meetings.models import MeetingTask


class unindexed(FunctionElement):  # noqa: N801 - a SQL function, named like one
    """A date column's value, hidden from SQLite's choice of index (``+column``: the same value). SQLite plans without
    statistics and takes a range on an indexed column as selective: "review overdue" (most cases of a large council)
    would read the review-date index and sort every match, instead of walking the sort's own index and stopping at
    the page (0.8 s → 3.7 s at 100,000 cases). PostgreSQL has statistics and gets the column."""

    type = Date()
    inherit_cache = True


@compiles(unindexed, "sqlite")
def _unindexed_sqlite(element, compiler, **kw):
    return f"+{compiler.process(element.clauses, **kw)}"


@compiles(unindexed, "postgresql")
def _unindexed_postgresql(element, compiler, **kw):
    return compiler.process(element.clauses, **kw)


# -- what the columns are made of ------------------------------------------------------------------------------


def grants_in_force(now: dt.datetime) -> ColumnElement[bool]:
    """Grants in force at ``now`` (the institutions involved in a case, its open information requests)."""
    return and_(CaseGrant.starts_at <= now, CaseGrant.ended_at.is_(None),
                or_(CaseGrant.expires_at.is_(None), CaseGrant.expires_at > now))


def open_request_grant() -> ColumnElement[bool]:
    """A grant resting on an information request (``request:<id>``): the request is open while it is in force.
    (``council.meetings`` does not import ``council.handoffs``: the grant's basis says it.)"""
    return CaseGrant.basis.like(f"{GrantBasis.REQUEST}:%")


class ConsentSummary:
    """The consent state the ledger shows for a case, from its Consent rows: none recorded, not obtained, in force
    (an obtained consent not withdrawn), or withdrawn (every obtained one withdrawn)."""

    NONE = "none"
    NOT_OBTAINED = "not_obtained"
    IN_FORCE = "in_force"
    WITHDRAWN = "withdrawn"
    ALL = (NONE, NOT_OBTAINED, IN_FORCE, WITHDRAWN)

    @staticmethod
    def of(states: set[str]) -> str:
        """The summary of one case's consent states."""
        if ConsentState.OBTAINED in states:
            return ConsentSummary.IN_FORCE
        if ConsentState.WITHDRAWN in states:
            return ConsentSummary.WITHDRAWN
        return ConsentSummary.NOT_OBTAINED if states else ConsentSummary.NONE


def _consent_with(state: str) -> ColumnElement[bool]:
    return exists(select(Consent.id).where(Consent.case_id == Case.id, Consent.state == state))


def consent_is(summary: str) -> ColumnElement[bool]:
    """Cases whose consent summary is ``summary`` (ConsentSummary)."""
    obtained, withdrawn = _consent_with(ConsentState.OBTAINED), _consent_with(ConsentState.WITHDRAWN)
    any_row = exists(select(Consent.id).where(Consent.case_id == Case.id))
    return {ConsentSummary.IN_FORCE: obtained,
            ConsentSummary.WITHDRAWN: and_(~obtained, withdrawn),
            ConsentSummary.NOT_OBTAINED: and_(any_row, ~obtained, ~withdrawn),
            ConsentSummary.NONE: ~any_row}[summary]


def _consent_rank() -> ColumnElement:
    obtained, withdrawn = _consent_with(ConsentState.OBTAINED), _consent_with(ConsentState.WITHDRAWN)
    any_row = exists(select(Consent.id).where(Consent.case_id == Case.id))
    return case((obtained, 3), (withdrawn, 2), (any_row, 1), else_=0)


def _open_tasks() -> ColumnElement[bool]:
    return and_(MeetingTask.case_id == Case.id, MeetingTask.completed_at.is_(None))


def has_open_tasks() -> ColumnElement[bool]:
    return exists(select(MeetingTask.id).where(_open_tasks()))


def _count(column, *where) -> ColumnElement:
    return select(func.count(column)).where(*where).scalar_subquery()


def _ranked(column, values) -> ColumnElement:
    """An enum column in its own order (intake → closed, high → low), not alphabetically."""
    return case(*((column == value, rank) for rank, value in enumerate(values)), else_=len(values))


def sort_expressions(now: dt.datetime) -> dict[str, ColumnElement]:
    """Every column the ledger sorts by, by the key the URL names."""
    involved = and_(CaseGrant.case_id == Case.id, grants_in_force(now))
    return {
        "number": Case.number,
        "lead": select(Institution.name).where(Institution.id == Case.lead_institution_id).scalar_subquery(),
        "involved": _count(CaseGrant.id, involved),
        "registered": Case.council_case_at,
        "key_person": Case.key_person_role,
        "status": _ranked(Case.status, list(CaseStatus)),
        "risk": _ranked(Case.risk, list(Risk)),
        "categories": select(func.min(CaseCategory.category)).where(CaseCategory.case_id == Case.id)
        .scalar_subquery(),
        "consent": _consent_rank(),
        "last_contact": Case.last_contact_date,
        "days": Case.last_contact_date,
        "last_review": Case.last_review_on,
        "next_review": Case.next_review_due,
        "tasks": _count(MeetingTask.id, _open_tasks()),
        "requests": _count(CaseGrant.id, involved, open_request_grant()),
        "intake": Case.intake_date,
    }


#: Sorted the other way round from its expression: more days since the last contact is an earlier contact.
REVERSED = frozenset({"days"})
#: Never NULL (every case has an intake, so a due date): ordered without a NULLS clause, which PostgreSQL could only
#: serve by sorting, so that the page walks ``ix_case_file_council_review_due`` on both databases.
NEVER_NULL = frozenset({"next_review"})


@dataclass
class LedgerFilter:
    """What the coordinator narrowed the ledger to, how it is sorted, and which page (50 rows) is shown."""

    status: str = ""
    risk: str = ""
    category: str = ""
    lead_institution_id: int | None = None
    #: "yes": registered 協議会ケース only; "no": not registered only; "": both.
    registered: str = ""
    review_overdue: bool = False
    #: One of ConsentSummary, or "" for any.
    consent: str = ""
    open_tasks: bool = False
    #: A key of ``sort_expressions``; "desc" or "asc".
    sort: str = "intake"
    direction: str = "desc"
    page: int = 1


def conditions(ledger_filter: LedgerFilter, *, today: dt.date) -> list[ColumnElement[bool]]:
    """What ``ledger_filter`` keeps, as conditions on Case."""
    kept = []
    if ledger_filter.status:
        kept.append(Case.status == ledger_filter.status)
    if ledger_filter.risk:
        kept.append(Case.risk == ledger_filter.risk)
    if ledger_filter.category:
        kept.append(Case.category_rows.any(CaseCategory.category == ledger_filter.category))
    if ledger_filter.lead_institution_id is not None:
        kept.append(Case.lead_institution_id == ledger_filter.lead_institution_id)
    if ledger_filter.registered == "yes":
        kept.append(Case.council_case_at.is_not(None))
    elif ledger_filter.registered == "no":
        kept.append(Case.council_case_at.is_(None))
    if ledger_filter.review_overdue:
        # reviews.is_overdue: an open case (not closed) due before today in Japan.
        # Sorted by the review date, the range reads that index in order; sorted otherwise, the sort's index serves.
        due = Case.next_review_due if ledger_filter.sort == "next_review" else unindexed(Case.next_review_due)
        kept += [Case.closed_on.is_(None), due < today]
    if ledger_filter.consent:
        kept.append(consent_is(ledger_filter.consent))
    if ledger_filter.open_tasks:
        kept.append(has_open_tasks())
    return kept


def order_by(ledger_filter: LedgerFilter, *, now: dt.datetime | None = None) -> list:
    """The ORDER BY of ``ledger_filter``'s sort (a key of SORT_KEYS; anything else sorts by intake), ties broken by
    the case's id in the same direction so that pages never overlap."""
    expression = sort_expressions(now or utcnow()).get(ledger_filter.sort, Case.intake_date)
    plain = ledger_filter.sort in NEVER_NULL
    if (ledger_filter.direction == "asc") != (ledger_filter.sort in REVERSED):
        return [expression.asc() if plain else expression.asc().nulls_first(), Case.id.asc()]
    return [expression.desc() if plain else expression.desc().nulls_last(), Case.id.desc()]
