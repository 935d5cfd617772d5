"""Generating the disclosure report (開示請求) of one case.

The report has two parts: the case data the lead institution holds (what its own full reach reads — the case page's
sections) and the access history of the case from the audit trail. The history names institutions and roles, not
staff: the person asks for their own data and how it was used; the names of the staff who handled it are those
staff's personal information, which the Act on the Protection of Personal Information lets the holder withhold
(Art. 33(2)(i): harm to a third party's rights), and the auditors keep them for an inquiry.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from council.access.policy import Access
from council.audit.events import AuditTag
from council.audit.filters import LogFilter, filtered
from council.audit.models import AuditEvent
from council.audit.rows import EventRow, describe
from council.auth.models import Institution, User
from council.cases.models import Case
from council.cases.page import CasePage, read_case_page
from council.core.clock import utcnow
from council.database import db

#: The most access events one report lists (the newest); a case with more says so, and the auditors hold the rest.
HISTORY_LIMIT = 5000


@dataclass(frozen=True)
class AccessLine:
    """One access to the case as the report shows it: no staff name, no address, no free text of the event."""

    occurred_at: dt.datetime
    what: str
    institution: str
    role: str
    basis: str
    outcome: str
    outcome_label: str


@dataclass(frozen=True)
class DisclosureReport:
    """What the report page prints."""

    page: CasePage
    history: list[AccessLine]
    #: Whether older events exist beyond ``HISTORY_LIMIT``.
    truncated: bool
    #: Who generated it, where, when (the watermark).
    generated_by: User
    institution: Institution
    generated_at: dt.datetime


def disclosure_report(*, actor: User, case: Case, access: Access) -> DisclosureReport:
    """Record ``case:disclosure:generated`` (committed first: if it cannot be written nothing is shown), then read
    the case's sections and its access history, oldest first — the report's own generation included.

    ``access`` must be the case gate's for ``Action.DISCLOSE`` (a supervisor of the lead institution). Raises
    whatever the audit trail raises."""
    page = read_case_page(actor=actor, case=case, access=access, printing=True, tag=AuditTag.CASE_DISCLOSED)
    history, truncated = access_history(case)
    return DisclosureReport(page=page, history=history, truncated=truncated, generated_by=actor,
                            institution=db.session.get(Institution, actor.institution_id), generated_at=utcnow())


def access_history(case: Case) -> tuple[list[AccessLine], bool]:
    """Every event about ``case`` (reads, writes, refusals, the lists and searches that showed it), oldest first,
    at most the newest ``HISTORY_LIMIT``; and whether older ones were left out."""
    query = filtered(case.council_id, LogFilter(case=case.number)).order_by(AuditEvent.seq.desc())
    events = list(db.session.scalars(query.limit(HISTORY_LIMIT + 1)))
    rows = describe(events[:HISTORY_LIMIT][::-1])
    return [_line(row) for row in rows], len(events) > HISTORY_LIMIT


def _line(row: EventRow) -> AccessLine:
    return AccessLine(occurred_at=row.occurred_at, what=row.what,
                      institution=row.actor.institution if row.actor else "", role=row.actor.role if row.actor else "",
                      basis=row.basis, outcome=row.outcome, outcome_label=row.outcome_label)
