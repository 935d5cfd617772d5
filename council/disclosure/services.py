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
from enum import StrEnum

from council.access.policy import Access
from council.audit.events import AuditTag, record
from council.audit.filters import LogFilter, filtered
from council.audit.models import AuditEvent
from council.audit.rows import EventRow, describe
from council.auth.models import Institution, User
from council.cases.models import Case
from council.cases.page import CasePage, read_case_page
from council.core.clock import utcnow
from council.core.i18n import lazy_gettext as _l
from council.database import db

#: The most access events one report lists (the newest); a case with more says so, and the auditors hold the rest.
HISTORY_LIMIT = 5000
#: How long a generated report can be shown again (reloaded, printed) from its address; then it is generated anew.
REPORT_REACHABLE_FOR = dt.timedelta(minutes=30)


class Watermark(StrEnum):
    """What the print's watermark names."""

    #: The supervisor who generated it, their institution, the time: the copy kept inside the institution.
    PERSON = "person"
    #: The institution and the time only: the copy handed over to the person, who has no use for a staff name.
    INSTITUTION = "institution"

    @property
    def label(self):
        return WATERMARK_LABELS[self]


WATERMARK_LABELS = {
    Watermark.PERSON: _l("My name, my institution and the time (a copy kept in the institution)"),
    Watermark.INSTITUTION: _l("The institution and the time only (the copy handed over to the person)"),
}


class ReportGone(Exception):
    """The report's address is older than REPORT_REACHABLE_FOR: it must be generated again (and recorded again)."""


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
    #: Whether the watermark names the supervisor or the institution only.
    watermark: Watermark


def generate(*, actor: User, case: Case, access: Access, watermark: Watermark) -> int:
    """Record ``case:disclosure:generated`` (the reason names the watermark's kind) and commit it; return its
    sequence number, by which the report is shown (``disclosure_report``). Nothing of the case is read here.

    ``access`` must be the case gate's for ``Action.DISCLOSE`` (a supervisor of the lead institution). Raises
    whatever the audit trail raises."""
    event = record(tag=AuditTag.CASE_DISCLOSED, actor=actor, target=case, case=case, basis=access.basis,
                   reason=f"watermark {Watermark(watermark)}")
    db.session.commit()
    return event.seq


def is_generation(*, actor: User, case: Case, event: AuditEvent) -> bool:
    """Whether ``event`` is a generation of ``case``'s report by ``actor`` (another supervisor's is not theirs to
    show: its watermark names its generator)."""
    return (event.tag, event.case_id, event.actor_user_id) == (AuditTag.CASE_DISCLOSED, case.id, actor.id)


def disclosure_report(*, actor: User, case: Case, access: Access, event: AuditEvent) -> DisclosureReport:
    """The report ``event`` (``is_generation``) recorded: the case's sections read now — the read recorded as a print
    of the report (``case:file:printed``, reason ``disclosure <seq>``), committed first: if it cannot be written
    nothing is shown — and the access history, oldest first, its own generation included.

    Raises ReportGone when the generation is older than REPORT_REACHABLE_FOR; whatever the audit trail raises."""
    if utcnow() - event.occurred_at > REPORT_REACHABLE_FOR:
        raise ReportGone
    page = read_case_page(actor=actor, case=case, access=access, printing=True, reason=f"disclosure {event.seq}")
    history, truncated = access_history(case)
    watermark = Watermark.INSTITUTION if event.reason == f"watermark {Watermark.INSTITUTION}" else Watermark.PERSON
    return DisclosureReport(page=page, history=history, truncated=truncated, generated_by=actor,
                            institution=db.session.get(Institution, event.actor_institution_id),
                            generated_at=event.occurred_at, watermark=watermark)


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
