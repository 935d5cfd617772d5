"""When a council case is next due for review: its own date, else the cadence for its risk from its last review."""

import datetime as dt

from council.cases.models import Case
from council.cases.reviews import add_months, is_overdue, next_review_of


def test_months_are_calendar_months_and_a_month_end_stays_in_its_month():
    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2026, 11, 15), 3) == dt.date(2027, 2, 15)


def test_a_case_own_next_review_date_wins_over_the_cadence(app):
    with app.app_context():
        case = Case(risk="high", intake_date=dt.date(2026, 4, 1), next_review_date=dt.date(2026, 5, 1),
                    last_review_on=dt.date(2026, 4, 20))
        assert next_review_of(case) == dt.date(2026, 5, 1)


def test_without_a_date_the_cadence_of_its_risk_counts_from_the_last_review(app):
    app.config["REVIEW_CADENCE_MONTHS"] = {"high": 1, "medium": 3, "low": 6}
    with app.app_context():
        high = Case(risk="high", intake_date=dt.date(2026, 1, 10), last_review_on=dt.date(2026, 4, 20))
        low = Case(risk="low", intake_date=dt.date(2026, 1, 10))
        assert next_review_of(high) == dt.date(2026, 5, 20)
        assert next_review_of(low) == dt.date(2026, 7, 10)
        assert is_overdue(low, on=dt.date(2026, 7, 11)) and not is_overdue(low, on=dt.date(2026, 7, 10))
        low.closed_on = dt.date(2026, 7, 1)
        assert not is_overdue(low, on=dt.date(2026, 7, 11))
