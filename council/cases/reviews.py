"""見直し: when a case is next due for review. One rule for the progress ledger's column, sort, filter and
highlight and for the agenda a practitioners' meeting generates ("council cases due for review").

A case's own next review date wins (set by its lead or by a meeting). Without one, the cadence for its risk level
(``REVIEW_CADENCE_MONTHS``, 3 months by default) counts from its last review at a meeting, else from the day the
council took it up, else from its intake.

**Stored.** The ledger sorts and filters 100,000 cases by this date: computed per row in SQL it cannot use an index
(3.4 s a page at 100k, docs/performance.md). So the date is kept on the case (``Case.next_review_due``, indexed with
the council): every insert or update of a case through the ORM sets it from the row's own columns (the mapper
events below: risk, dates and registration all live on the row, so no service can change an input and forget the
date), and ``refresh_stored`` recomputes it in one UPDATE where a bulk write or a changed cadence setting left it
behind (the app runs it at start; migration 0019 filled existing rows). The rule lives here, beside the case, because
``cases`` may not import ``meetings`` and both need it.
"""

from __future__ import annotations

import calendar
import datetime as dt

from flask import current_app, has_app_context
from sqlalchemy import Date, case, event, func, literal, update
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement

from council.cases.models import Case, Risk
from council.core.clock import japan_date, japan_today

DEFAULT_CADENCE_MONTHS = 3


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved ``months`` calendar months on; the 31st of a shorter month becomes its last day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def cadence_months(risk: str | None) -> int:
    """Months between reviews for a case of ``risk`` (the setting, or 3; 3 outside an app, e.g. a migration)."""
    setting = current_app.config.get("REVIEW_CADENCE_MONTHS") if has_app_context() else None
    return int((setting or {}).get(risk or "", DEFAULT_CADENCE_MONTHS))


def default_next_review(risk: str | None, reviewed_on: dt.date) -> dt.date:
    """The next review a meeting proposes for a case of ``risk`` reviewed on ``reviewed_on`` (a Japan date)."""
    return add_months(reviewed_on, cadence_months(risk))


def next_review_of(case: Case) -> dt.date | None:
    """The Japan date ``case`` is next due for review (see the module's docstring); None for a case not yet dated."""
    if case.next_review_date is not None:
        return case.next_review_date
    since = case.last_review_on or (japan_date(case.council_case_at) if case.council_case_at else case.intake_date)
    return default_next_review(case.risk, since) if since is not None else None


def is_overdue(case: Case, on: dt.date | None = None) -> bool:
    """Whether ``case`` (open) was due for review before ``on`` (Japan's today): the ledger highlights it."""
    due = next_review_of(case)
    return case.closed_on is None and due is not None and due < (on or japan_today())


@event.listens_for(Case, "before_insert")
@event.listens_for(Case, "before_update")
def _keep_due_date(_mapper, _connection, target: Case) -> None:
    # Every input of the rule is a column of the row being written: computing it costs no query.
    target.next_review_due = next_review_of(target)


# -- the same rule in SQL, for refresh_stored --------------------------------------------------------------------


class japan_day(FunctionElement):  # noqa: N801 - a SQL function, named like one
    """The Japan date of a stored UTC timestamp."""

    type = Date()
    inherit_cache = True


@compiles(japan_day, "sqlite")
def _japan_day_sqlite(element, compiler, **kw):
    # Stored naive in UTC (core.db.UTCDateTime); Japan has no daylight saving: nine hours on.
    return f"date({compiler.process(element.clauses, **kw)}, '+9 hours')"


@compiles(japan_day, "postgresql")
def _japan_day_postgresql(element, compiler, **kw):
    return f"CAST(({compiler.process(element.clauses, **kw)}) AT TIME ZONE 'Asia/Tokyo' AS DATE)"


class plus_months(FunctionElement):  # noqa: N801 - a SQL function, named like one
    """A date moved N calendar months on, the 31st of a shorter month becoming its last day (add_months)."""

    type = Date()
    inherit_cache = True


@compiles(plus_months, "sqlite")
def _plus_months_sqlite(element, compiler, **kw):
    day, months = (compiler.process(clause, **kw) for clause in element.clauses)
    # SQLite rolls 31 Jan + 1 month over to 3 March; the last day of the target month caps it as Python does.
    return (f"min(date({day}, '+' || ({months}) || ' months'), "
            f"date({day}, 'start of month', '+' || (({months}) + 1) || ' months', '-1 day'))")


@compiles(plus_months, "postgresql")
def _plus_months_postgresql(element, compiler, **kw):
    day, months = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"CAST(({day}) + make_interval(months => CAST(({months}) AS INTEGER)) AS DATE)"


def next_review_sql() -> ColumnElement:
    """``next_review_of`` as an SQL expression on Case, with the cadence setting of the running app."""
    since = func.coalesce(Case.last_review_on, japan_day(Case.council_case_at), Case.intake_date)
    by_risk = case(*((Case.risk == risk.value, plus_months(since, literal(cadence_months(risk.value))))
                     for risk in Risk), else_=plus_months(since, literal(cadence_months(None))))
    return func.coalesce(Case.next_review_date, by_risk)


def refresh_stored(session) -> int:
    """Recompute ``Case.next_review_due`` where it differs from the rule (a bulk write, or a cadence setting changed
    since the dates were stored), in one UPDATE inside ``session``'s transaction (the caller commits). Returns how
    many cases changed; none on an ordinary start, which then costs one read of the column."""
    due = next_review_sql()
    result = session.execute(update(Case).where(Case.next_review_due.is_distinct_from(due)).values(next_review_due=due)
                             .execution_options(synchronize_session=False))
    return result.rowcount
