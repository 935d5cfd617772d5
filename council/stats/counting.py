"""Counting a council's cases by status, risk, category, age band and month of intake, in one pass.

Every dimension is counted from the same reading of each case, so the dimensions always describe the same
set of cases even while others keep working: the pass reads cases in id order, a batch per transaction
(on SQLite each transaction holds the write lock, so one long read would stall every caseworker).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import load_only, selectinload

from council.access.reads import operator_access, record_read
from council.audit.events import AuditTag
from council.cases.models import Case, CaseCategory, Person
from council.cases.services import subject_birth_date
from council.cases.vault import CasePurged, vault
from council.crypto.errors import DecryptionFailed, KeyUnavailable
from council.database import db
from council.stats.errors import StatisticsError

#: Cases per transaction: enough to keep the round trips few, small enough that the unwrapped keys of one
#: batch are all that is ever held in memory.
BATCH = 1000


@dataclass
class Tally:
    total: int = 0
    status: Counter = field(default_factory=Counter)
    risk: Counter = field(default_factory=Counter)
    category: Counter = field(default_factory=Counter)
    age_band: Counter = field(default_factory=Counter)
    intake_month: Counter = field(default_factory=Counter)
    earliest_intake: dt.date | None = None
    latest_intake: dt.date | None = None

    def add(self, case: Case, *, band: str) -> None:
        self.total += 1
        self.status[case.status] += 1
        self.risk[case.risk] += 1
        self.category.update(case.categories)
        self.age_band[band] += 1
        self.intake_month[case.intake_date.strftime("%Y-%m")] += 1
        self.earliest_intake = min(filter(None, (self.earliest_intake, case.intake_date)))
        self.latest_intake = max(filter(None, (self.latest_intake, case.intake_date)))


def age_band(birth: dt.date | None, today: dt.date) -> str:
    """under_20, 20s … 70s, 80_and_over, or unknown (no date, or a date after ``today``)."""
    if birth is None or birth > today:
        return "unknown"
    age = today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))
    if age < 20:
        return "under_20"
    return "80_and_over" if age >= 80 else f"{age // 10 * 10}s"


#: What the count opens of each case: the subject's date of birth (for the age bands), nothing else.
COUNTED_COLUMNS = frozenset({("person", "birth_date")})


def count_cases(council_id: int, *, today: dt.date, batch: int = BATCH, progress=None) -> Tally:
    """Count the council's cases that are not purged; ages are taken on ``today``.

    The subject's birth date is decrypted through the cases service, after each batch's read is recorded (one
    event naming its cases, ``stats:cases:counted``: each case's history shows that the export read it). A case
    whose date cannot be read raises StatisticsError naming it, rather than being counted as "unknown".
    """
    tally, after = Tally(), 0
    while True:
        cases = list(db.session.scalars(
            select(Case).where(Case.council_id == council_id, Case.purged_at.is_(None), Case.id > after)
            .order_by(Case.id).limit(batch)
            .options(load_only(Case.id, Case.number, Case.status, Case.risk, Case.intake_date, Case.wrapped_key,
                               Case.key_version),
                     selectinload(Case.category_rows).load_only(CaseCategory.category),
                     selectinload(Case.persons).load_only(Person.case_id, Person.relationship_kind,
                                                          Person.birth_date_enc))))
        if not cases:
            return tally
        record_read(tag=AuditTag.STATISTICS_COUNTED, actor=None, reached=[operator_access(c.id) for c in cases],
                    only=COUNTED_COLUMNS, council_id=council_id, reason=f"{len(cases)} cases: ages for the statistics")
        for case in cases:
            tally.add(case, band=age_band(_birth_date(case), today))
            vault().forget(case)
        after = cases[-1].id
        # Detach the batch first (a rollback would expire every row one by one), then end the transaction and
        # with it, on SQLite, the write lock.
        db.session.expunge_all()
        db.session.rollback()
        if progress:
            progress(len(cases))


def _birth_date(case: Case) -> dt.date | None:
    try:
        return subject_birth_date(case)
    except (CasePurged, KeyUnavailable, DecryptionFailed) as error:
        raise StatisticsError(f"The birth date of case {case.number} cannot be read ({type(error).__name__}); "
                              "check the key files with `council keys status`.") from None


def case_count(council_id: int) -> int:
    """How many cases the pass will read (for a progress bar)."""
    return db.session.scalar(select(func.count()).select_from(Case).where(Case.council_id == council_id,
                                                                          Case.purged_at.is_(None))) or 0
