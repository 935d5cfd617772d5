"""The ledger's columns, in order: their headings and the text of each cell.

One list for the screen, the print and the exports, so that an export is exactly the table the coordinator saw
(the screen adds only what is not text: highlights, buttons, and the key person's name where it may be read — never
exported or printed).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import g

from council.cases.models import CaseStatus, KeyPersonRole, Risk
from council.core.clock import japan_date
from council.core.i18n import gettext as _
from council.core.i18n import lazy_gettext as _l
from council.meetings.ledger.query import ConsentSummary
from council.meetings.ledger.rows import LedgerRow

CONSENT_LABELS = {ConsentSummary.NONE: _l("None recorded"), ConsentSummary.NOT_OBTAINED: _l("Not obtained"),
                  ConsentSummary.IN_FORCE: _l("In force"), ConsentSummary.WITHDRAWN: _l("Withdrawn")}


def _label(enum, value: str) -> str:
    """An enum's label, translated once per value and request (a page of 50 rows asks ~200 times)."""
    cache = g.setdefault("ledger_labels", {})
    if (enum, value) not in cache:
        cache[enum, value] = str(enum(value).label)
    return cache[enum, value]


def _day(value) -> str:
    return value.isoformat() if value else ""


def registration(row: LedgerRow) -> str:
    """When the case became a 協議会ケース, and by whom: the coordinator or meeting N."""
    c = row.case
    if c.council_case_at is None:
        return _("Not registered")
    basis = c.council_case_basis or ""
    by = _("by meeting %(id)s", id=basis.split(":", 1)[1]) if basis.startswith("meeting:") else _("by the coordinator")
    return f"{japan_date(c.council_case_at).isoformat()} {by}"


def key_person_role(row: LedgerRow) -> str:
    role = row.case.key_person_role
    return _label(KeyPersonRole, role) if role else ""


def open_tasks(row: LedgerRow) -> str:
    if row.overdue_tasks:
        return _("%(open)s (%(overdue)s overdue)", open=row.open_tasks, overdue=row.overdue_tasks)
    return str(row.open_tasks)


@dataclass(frozen=True)
class Column:
    #: The sort key (query.SORT_KEYS) and the cell's name in the page (data-col).
    key: str
    heading: object
    text: Callable[[LedgerRow], str]


COLUMNS: tuple[Column, ...] = (
    Column("number", _l("Case number"), lambda row: row.case.number),
    Column("lead", _l("Lead institution"), lambda row: row.lead_institution),
    Column("involved", _l("Other institutions involved"), lambda row: "、".join(row.involved)),
    Column("registered", _l("Council case (協議会ケース)"), registration),
    Column("key_person", _l("Key person (role)"), key_person_role),
    Column("status", _l("Status"), lambda row: _label(CaseStatus, row.case.status)),
    Column("risk", _l("Risk"), lambda row: _label(Risk, row.case.risk)),
    Column("categories", _l("Concerns"), lambda row: "・".join(row.case.categories)),
    Column("consent", _l("Consent"), lambda row: str(CONSENT_LABELS[row.consent])),
    Column("intake", _l("Intake date"), lambda row: _day(row.case.intake_date)),
    Column("last_contact", _l("Last contact"), lambda row: _day(row.case.last_contact_date)),
    Column("days", _l("Days since last contact"),
           lambda row: "" if row.case.days_since_contact is None else str(row.case.days_since_contact)),
    Column("last_review", _l("Last review"), lambda row: _day(row.case.last_review_on)),
    Column("next_review", _l("Next review"), lambda row: _day(row.next_review)),
    Column("tasks", _l("Open tasks"), open_tasks),
    Column("requests", _l("Open information requests"), lambda row: str(row.open_requests)),
)


def headings() -> list[str]:
    return [str(column.heading) for column in COLUMNS]


def cells(row: LedgerRow) -> list[str]:
    """The text of each column for ``row``: what the screen shows and the exports write."""
    return [column.text(row) for column in COLUMNS]


def table(rows: list[LedgerRow]) -> list[list[str]]:
    """``cells`` of every row."""
    return [cells(row) for row in rows]
