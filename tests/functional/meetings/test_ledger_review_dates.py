"""The next review date the ledger sorts and filters by is stored on the case (``Case.next_review_due``, indexed with
the council): kept on every write of a case, recomputed at start when the cadence setting changed, filled for
existing cases by migration 0019. Both databases."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import select, text

from council.cases.models import Case
from council.cases.reviews import add_months
from council.core import migrate
from council.core.clock import japan_today, utcnow
from council.core.db import make_engine
from council.database import db
from tests.conftest import db_get, english
from tests.functional.meetings.ledger_world import (  # noqa: F401  (ledger_world_fixture: the fixture)
    add_bare_cases,
    client_of,
    ledger_world_fixture,
    table_of,
)
from tests.functional.test_audit_formats import _upgrade, empty_database  # noqa: F401  (the fixture)


def _due(app, case_id: int) -> dt.date:
    with app.app_context():
        return db_get(app, Case, case_id).next_review_due


def test_every_write_of_a_case_keeps_its_due_date(app, ledger_world):
    from council.cases.council_cases import register_council_case

    world = ledger_world
    app.config["REVIEW_CADENCE_MONTHS"] = {"high": 1, "medium": 2, "low": 6}
    (case_id,) = add_bare_cases(app, world.houkatsu, 1)  # low risk, intake 2025-01-02
    assert _due(app, case_id) == dt.date(2025, 7, 2)
    with app.app_context():
        case = db_get(app, Case, case_id)
        case.risk = "high"
        db.session.commit()
    assert _due(app, case_id) == dt.date(2025, 2, 2)
    with app.app_context():
        register_council_case(actor=db_get(app, type(world.coordinator), world.coordinator.id),
                              case=db_get(app, Case, case_id))
    assert _due(app, case_id) == add_months(japan_today(), 1)  # from the registration's Japan date
    with app.app_context():
        case = db_get(app, Case, case_id)
        case.last_review_on, case.next_review_date = dt.date(2026, 1, 31), None
        db.session.commit()
    assert _due(app, case_id) == dt.date(2026, 2, 28)  # the 31st of a shorter month is its last day
    with app.app_context():
        db_get(app, Case, case_id).next_review_date = dt.date(2026, 12, 24)
        db.session.commit()
    assert _due(app, case_id) == dt.date(2026, 12, 24)  # the case's own date wins


def test_the_ledger_sorts_and_filters_by_the_stored_date(app, ledger_world):
    world = ledger_world
    client = english(client_of(app, world.coordinator))
    _headings, rows = table_of(client.get("/cases/ledger?sort=next_review&direction=asc").get_data(as_text=True))
    shown = [row["number"] for row in rows]
    with app.app_context():
        stored = list(db.session.scalars(select(Case.number).where(Case.council_id == world.houkatsu.council_id)
                                         .order_by(Case.next_review_due, Case.id)))
    assert shown == stored and shown[0] == world.late.number
    _headings, late = table_of(client.get("/cases/ledger?overdue=y").get_data(as_text=True))
    assert [row["number"] for row in late] == [world.late.number]


def test_a_changed_cadence_setting_is_applied_at_the_next_start(app, app_config, ledger_world):
    from council import create_app

    ids = add_bare_cases(app, ledger_world.houkatsu, 3)
    with app.app_context():  # a bulk write, as an import or a repair script makes, passes no ORM event
        db.session.execute(Case.__table__.update().where(Case.id == ids[0]).values(next_review_due=None))
        db.session.commit()
    restarted = create_app({**app_config, "REVIEW_CADENCE_MONTHS": {"high": 3, "medium": 3, "low": 12}})
    try:
        for case_id in ids:
            with restarted.app_context():
                case = db_get(restarted, Case, case_id)
                assert case.next_review_due == case.intake_date.replace(year=case.intake_date.year + 1)
    finally:
        db.dispose(restarted)


def test_migration_0019_fills_the_date_of_existing_cases(empty_database):  # noqa: F811
    engine = make_engine(empty_database)
    _upgrade(engine, "council", "0017")
    now = utcnow()
    with engine.begin() as connection:
        council = connection.execute(text("INSERT INTO council (name, created_at) VALUES (:n, :t) RETURNING id"),
                                     {"n": f"移行試験-{uuid.uuid4().hex[:6]}", "t": now}).scalar_one()
        institution = connection.execute(text(
            "INSERT INTO institution (council_id, name, kind, is_coordinator, caseworkers_see_all, created_at, "
            "version) VALUES (:c, '包括', 'government', false, false, :t, 1) RETURNING id"),
            {"c": council, "t": now}).scalar_one()
        rows = [("2026-0001", dt.date(2025, 11, 30), None, None, None),
                ("2026-0002", dt.date(2025, 1, 1), dt.date(2026, 5, 31), None, None),
                ("2026-0003", dt.date(2025, 1, 1), None, dt.datetime(2026, 3, 31, 23, 30, tzinfo=dt.UTC), None),
                ("2026-0004", dt.date(2025, 1, 1), None, None, dt.date(2027, 1, 5))]
        for number, intake, reviewed, registered, own in rows:
            connection.execute(text(
                "INSERT INTO case_file (council_id, number, status, lead_institution_id, risk, intake_date, "
                "last_review_on, council_case_at, next_review_date, created_at, restricted, version) "
                "VALUES (:c, :n, 'support', :i, 'low', :intake, :reviewed, :registered, :own, :t, false, 1)"),
                {"c": council, "n": number, "i": institution, "intake": intake, "reviewed": reviewed,
                 "registered": registered, "own": own, "t": now})
    migrate.upgrade(engine, "council")
    with engine.connect() as connection:
        due = dict(connection.execute(text("SELECT number, next_review_due FROM case_file")).all())
    engine.dispose()
    due = {number: dt.date.fromisoformat(v) if isinstance(v, str) else v for number, v in due.items()}
    assert due == {"2026-0001": dt.date(2026, 2, 28), "2026-0002": dt.date(2026, 8, 31),
                   "2026-0003": dt.date(2026, 7, 1), "2026-0004": dt.date(2027, 1, 5)}
