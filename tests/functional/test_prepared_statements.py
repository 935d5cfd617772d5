"""PostgreSQL keeps the statements marked ``prepared`` from one request to the next (issue 13), and ending a
transaction that only read with COMMIT instead of ROLLBACK never keeps a write that was rolled back.

psycopg forgets a connection's prepared statements when a transaction rolls back, and most requests end with the
rollback that closes their session: without ``core.db._keep_prepared_statements`` the server parsed and planned the
case page's every statement on every request (half the server's CPU of a case page)."""

from __future__ import annotations

import threading

import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from council.core.db import make_engine, prepared
from council.database import db
from tests.conftest import skip_or_fail


@pytest.fixture
def engine(templates, postgres_available):
    if not postgres_available:
        skip_or_fail("PostgreSQL is not reachable")
    url = templates.pg_url("council")
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE scratch (n integer)")
    yield engine
    engine.dispose()
    templates.drop(url)


_MARKED = prepared(text("SELECT CAST(:n AS integer) + 1 AS marked_one"))
_UNMARKED = text("SELECT CAST(:n AS integer) + 2 AS not_marked")


def _prepared_here(session: Session) -> list[str]:
    return list(session.scalars(text("SELECT statement FROM pg_prepared_statements")))


def _rows(engine) -> int:
    with Session(engine) as session:
        return session.scalar(text("SELECT count(*) FROM scratch"))


def test_a_marked_statement_stays_prepared_after_a_transaction_that_only_read(engine):
    with Session(engine) as session:
        assert session.scalar(_MARKED, {"n": 1}) == 2
        assert session.scalar(_UNMARKED, {"n": 1}) == 3
    # Session.close() ended the transaction (a rollback, for SQLAlchemy); the pool hands back the same connection.
    with Session(engine) as session:
        statements = _prepared_here(session)
    assert [s for s in statements if "marked_one" in s], statements  # kept
    assert not [s for s in statements if "not_marked" in s], statements  # never prepared: planned each time


def test_a_rollback_after_a_write_still_forgets_and_undoes(engine):
    with Session(engine) as session:
        session.scalar(_MARKED, {"n": 1})
        session.execute(text("INSERT INTO scratch VALUES (1)"))
    assert _rows(engine) == 0
    with Session(engine) as session:
        assert not [s for s in _prepared_here(session) if "marked_one" in s]  # a real ROLLBACK: psycopg forgot


@pytest.mark.parametrize("write", [
    "WITH added AS (INSERT INTO scratch VALUES (1) RETURNING n) SELECT n FROM added",
    "select n into temporary copied from scratch",
], ids=["data-modifying CTE", "SELECT INTO"])
def test_a_write_that_begins_like_a_read_is_rolled_back(engine, write):
    with Session(engine) as session:
        session.scalar(_MARKED, {"n": 1})
        session.connection().exec_driver_sql(write)
    assert _rows(engine) == 0
    with Session(engine) as session:  # the temporary table of SELECT INTO went with the rollback
        assert session.scalar(text("SELECT to_regclass('pg_temp.copied') IS NULL"))


def test_a_write_through_the_driver_past_the_engine_is_rolled_back(engine):
    with Session(engine) as session:
        connection = session.connection()
        connection.connection.driver_connection.execute("INSERT INTO scratch VALUES (1)")
    assert _rows(engine) == 0


def test_a_failed_transaction_ends_as_before(engine):
    with Session(engine) as session:
        session.scalar(_MARKED, {"n": 1})
        with pytest.raises(Exception, match="division by zero"):
            session.execute(text("SELECT 1 / 0"))
    with Session(engine) as session:
        assert session.scalar(_MARKED, {"n": 2}) == 3


def test_a_row_locked_for_update_is_released_when_the_session_closes(engine):
    with engine.begin() as connection:
        connection.exec_driver_sql("INSERT INTO scratch VALUES (1)")
    with Session(engine) as session:
        session.execute(text("SELECT n FROM scratch FOR UPDATE"))
    url = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    taken = threading.Event()

    def lock_elsewhere():
        with psycopg.connect(url) as other:
            other.execute("SET lock_timeout = '2s'")
            other.execute("SELECT n FROM scratch FOR UPDATE NOWAIT")
            taken.set()

    worker = threading.Thread(target=lock_elsewhere)
    worker.start()
    worker.join(10)
    assert taken.is_set()


def test_a_case_page_leaves_its_lookups_prepared_for_the_next(app, client, login, make_user, make_case, backend):
    if backend != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    worker = make_user("caseworker")
    case = make_case(worker)
    login(worker)
    for _ in range(2):
        assert client.get(f"/cases/{case.id}").status_code == 200
    with app.app_context():
        statements = _prepared_here(db.session)
    # The case gate's statement (the case with its reaches, grants included) and the page's support records.
    assert [s for s in statements if "case_grant" in s and "FROM case_file" in s], statements
    assert [s for s in statements if "FROM support_record" in s], statements
