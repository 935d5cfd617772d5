"""The progress ledger (進行管理台帳): read a page of it, export it, print it — each recorded in the audit trail with
the cases it showed.

The ledger is metadata: what the coordinator's ``ledger`` reach allows (status, lead institution, categories, risk,
dates, counts), which is plaintext. The one personal field it can show is the key person's name, and only for a case
the reader also reaches in a scope that opens it (their own institution's case, a full or read-only share): the
page's read receipt opens that column and nothing else. Exports and prints never carry it.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from council.access import reads
from council.access.policy import Reach, accesses, list_reach, visible_cases
from council.access.scopes import ALL_SCOPES, may_open
from council.audit.tags import AuditTag
from council.auth.models import Institution, User
from council.cases.errors import CaseError
from council.cases.models import Case
from council.cases.vault import vault
from council.core.clock import japan_today, utcnow
from council.core.i18n import gettext as _
from council.core.web import page_offset
from council.database import db
from council.meetings.ledger.query import LedgerFilter, conditions, order_by
from council.meetings.ledger.rows import LedgerRow, build_rows

PAGE_SIZE = 50
#: "Every filtered row" exports at most this many: a bounded file, and one audit event that names every case in it.
EXPORT_ALL_LIMIT = 2000
#: The one encrypted column a ledger page may open, where the reach allows it.
KEY_PERSON = frozenset({("case_file", "key_person")})


class TooManyToExport(CaseError):
    """The filtered ledger has more rows than one export of every filtered row may hold."""


@dataclass
class LedgerPage:
    rows: list[LedgerRow]
    #: How many cases match the filter (all pages).
    total: int
    page: int
    #: How far the reader's ledger reaches: the whole council (the 調整機関's coordinator) or their institution.
    reach: Reach

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / PAGE_SIZE))


def _matching(actor: User, ledger_filter: LedgerFilter, now: dt.datetime, today: dt.date):
    return [visible_cases(actor, scopes=ALL_SCOPES, now=now), *conditions(ledger_filter, today=today)]


def _cases(actor: User, ledger_filter: LedgerFilter, *, offset: int, limit: int, now: dt.datetime,
           today: dt.date) -> list[Case]:
    return list(db.session.scalars(
        select(Case).where(*_matching(actor, ledger_filter, now, today)).order_by(*order_by(ledger_filter, now=now))
        .offset(offset).limit(limit).options(selectinload(Case.category_rows))))


def count_matching(*, actor: User, ledger_filter: LedgerFilter) -> int:
    """How many cases of ``actor``'s ledger ``ledger_filter`` keeps (all pages); reads nothing, shows nothing."""
    now, today = utcnow(), japan_today()
    return db.session.scalar(select(func.count(Case.id)).where(*_matching(actor, ledger_filter, now, today)))


def read_ledger(*, actor: User, ledger_filter: LedgerFilter) -> LedgerPage:
    """One page (50 rows) of ``actor``'s ledger, filtered and sorted; records which cases it showed
    (``case:list:viewed``) and opens the key person's name of those whose reach allows it."""
    now, today = utcnow(), japan_today()
    cases = _cases(actor, ledger_filter, offset=page_offset(ledger_filter.page, PAGE_SIZE), limit=PAGE_SIZE,
                   now=now, today=today)
    rows = build_rows(cases, now=now, today=today)
    reached = accesses(actor, [c.id for c in cases], now=now)
    reads.record_read(tag=AuditTag.CASE_LISTED, actor=actor, reached=[reached[c.id] for c in cases], only=KEY_PERSON,
                      reason=f"ledger page {ledger_filter.page}: {len(cases)} shown")
    for row in rows:
        if may_open(reached[row.case.id].scope, "case_file", "key_person"):
            row.key_person_name = vault().text(row.case, "key_person")
    return LedgerPage(rows=rows, total=count_matching(actor=actor, ledger_filter=ledger_filter),
                      page=ledger_filter.page, reach=list_reach(actor, ledger=True))


def rows_to_hand_out(*, actor: User, ledger_filter: LedgerFilter, tag: AuditTag, how: str,
                     every_row: bool = False) -> list[LedgerRow]:
    """The rows of an export or a print: the page on screen (or, with ``every_row``, every filtered row, at most
    EXPORT_ALL_LIMIT), metadata only — no key person's name, whoever asks. Records ``tag`` naming every case
    handed out, with ``how`` (e.g. ``csv``) in the reason, and commits it before anything is written.

    Raises TooManyToExport when ``every_row`` would exceed the limit."""
    now, today = utcnow(), japan_today()
    if every_row:
        if count_matching(actor=actor, ledger_filter=ledger_filter) > EXPORT_ALL_LIMIT:
            raise TooManyToExport(_("More than %(limit)s cases match: narrow the filter, or export page by page.",
                                    limit=EXPORT_ALL_LIMIT))
        offset, limit, which = 0, EXPORT_ALL_LIMIT, "every filtered row"
    else:
        offset, limit, which = page_offset(ledger_filter.page, PAGE_SIZE), PAGE_SIZE, f"page {ledger_filter.page}"
    cases = _cases(actor, ledger_filter, offset=offset, limit=limit, now=now, today=today)
    reached = accesses(actor, [c.id for c in cases], now=now)
    reads.record_read(tag=tag, actor=actor, reached=[reached[c.id] for c in cases], only=frozenset(),
                      reason=f"ledger {how}, {which}: {len(cases)} rows")
    return build_rows(cases, now=now, today=today)


def lead_institutions(actor: User) -> list[Institution]:
    """The institutions of ``actor``'s council, by name (the lead institution filter's choices)."""
    return list(db.session.scalars(select(Institution).where(Institution.council_id == actor.council_id)
                                   .order_by(Institution.name)))
