"""見直し: when a council case is next due for review. One rule for the ledger's column and highlight and for the
agenda a practitioners' meeting generates ("council cases due for review").

A case's own next review date wins (set by its lead or by a meeting). Without one, the cadence for its risk level
(``REVIEW_CADENCE_MONTHS``, 3 months by default) counts from its last review at a meeting, else from the day the
council took it up, else from its intake.
"""

from __future__ import annotations

import calendar
import datetime as dt

from flask import current_app

from council.cases.models import Case
from council.core.clock import japan_date, japan_today

DEFAULT_CADENCE_MONTHS = 3


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved ``months`` calendar months on; the 31st of a shorter month becomes its last day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def cadence_months(risk: str | None) -> int:
    """Months between reviews for a case of ``risk`` (the setting, or 3)."""
    return int((current_app.config.get("REVIEW_CADENCE_MONTHS") or {}).get(risk or "", DEFAULT_CADENCE_MONTHS))


def default_next_review(risk: str | None, reviewed_on: dt.date) -> dt.date:
    """The next review a meeting proposes for a case of ``risk`` reviewed on ``reviewed_on`` (a Japan date)."""
    return add_months(reviewed_on, cadence_months(risk))


def next_review_of(case: Case) -> dt.date:
    """The Japan date ``case`` is next due for review (see the module's docstring)."""
    if case.next_review_date is not None:
        return case.next_review_date
    since = case.last_review_on or (japan_date(case.council_case_at) if case.council_case_at else case.intake_date)
    return default_next_review(case.risk, since)


def is_overdue(case: Case, on: dt.date | None = None) -> bool:
    """Whether ``case`` (open) was due for review before ``on`` (Japan's today): the ledger highlights it."""
    return case.closed_on is None and next_review_of(case) < (on or japan_today())
