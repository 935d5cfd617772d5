"""PostgreSQL keeps the statements marked ``prepared`` from one request to the next (issue 13), and ending a
transaction that wrote nothing with COMMIT instead of ROLLBACK never keeps a write that was rolled back.

psycopg forgets a connection's prepared statements when a transaction rolls back, and most requests end with the
rollback that closes their session: without ``core.db._keep_prepared_statements`` the server parsed and planned the
case page's every statement on every request (half the server's CPU of a case page)."""

from __future__ import annotations

import threading

import psycopg
import pytest
from psycopg import pq
from sqlalchemy import exc, text
from sqlalchemy.orm import Session

from council.core.db import prepared
from council.database import db

_MARKED = prepared(text("SELECT CAST(:n AS integer) + 1 AS marked_one"))
_UNMARKED = text("SELECT CAST(:n AS integer) + 2 AS not_marked")


def _prepared_here(session: Session) -> list[str]:
    return list(session.scalars(text("SELECT statement FROM pg_prepared_statements")))


def _marked_is_prepared(scratch_engine) -> bool:
    with Session(scratch_engine) as session:
        return any("marked_one" in s for s in _prepared_here(session))


def _rows(scratch_engine) -> int:
    with Session(scratch_engine) as session:
        return session.scalar(text("SELECT count(*) FROM scratch"))


def test_a_marked_statement_stays_prepared_after_a_transaction_that_only_read(scratch_engine):
    with Session(scratch_engine) as session:
        assert session.scalar(_MARKED, {"n": 1}) == 2
        for n in range(8):  # more often than psycopg's threshold for preparing on its own
            assert session.scalar(_UNMARKED, {"n": n}) == n + 2
    # Session.close() ended the transaction (a rollback, for SQLAlchemy); the pool hands back the same connection.
    with Session(scratch_engine) as session:
        statements = _prepared_here(session)
    assert [s for s in statements if "marked_one" in s], statements  # kept
    assert not [s for s in statements if "not_marked" in s], statements  # never prepared: planned each time


def _closed_with_protocol_trace(session: Session, trace) -> list[str]:
    """Close ``session`` with libpq tracing its connection into the file ``trace``; the server's messages ("B",
    for backend: the messages the app sent are "F" lines)."""
    driver = session.connection().connection.driver_connection
    with trace.open("w") as out:
        driver.pgconn.trace(out.fileno())
        driver.pgconn.set_trace_flags(pq.Trace.SUPPRESS_TIMESTAMPS)
        session.close()
        driver.pgconn.untrace()
    return [line for line in trace.read_text().splitlines() if line.startswith("B")]


def test_a_transaction_that_only_read_ends_in_one_round_trip(scratch_engine, tmp_path):
    """The question whether it wrote and the COMMIT go together: one answer from the server (ReadyForQuery), as
    for the ROLLBACK it replaces; asked apart, they took two."""
    with Session(scratch_engine) as session:
        session.scalar(_MARKED, {"n": 1})
        answers = _closed_with_protocol_trace(session, tmp_path / "protocol.trace")
    assert len([line for line in answers if "ReadyForQuery" in line]) == 1, answers
    assert _marked_is_prepared(scratch_engine)  # committed, not rolled back


def test_a_transaction_that_wrote_is_told_apart_by_the_text_the_servers_log_shows(scratch_engine, tmp_path):
    """docs/operations.md tells an operator what that line in PostgreSQL's log means: it must be the server's
    answer when a transaction that wrote is closed without a commit (not merely the text of the query sent)."""
    with Session(scratch_engine) as session:
        session.connection().exec_driver_sql("INSERT INTO scratch VALUES (1)")
        answers = _closed_with_protocol_trace(session, tmp_path / "protocol.trace")
    errors = [line for line in answers if "ErrorResponse" in line]
    assert len(errors) == 1, answers
    assert ('invalid input syntax for type boolean: "the transaction wrote: council rolls it back instead of '
            'committing"') in errors[0]
    assert _rows(scratch_engine) == 0


@pytest.mark.parametrize("write", [
    "INSERT INTO scratch VALUES (1)",
    "WITH added AS (INSERT INTO scratch VALUES (1) RETURNING n) SELECT n FROM added",
    "SELECT add_row()",
    "SELECT 1; INSERT INTO scratch VALUES (1)",
    "SELECT 1; CREATE TABLE made_here (n integer)",
], ids=["INSERT", "data-modifying CTE", "function that writes", "two statements", "DDL"])
def test_a_transaction_that_wrote_is_rolled_back_and_forgets_what_it_prepared(scratch_engine, write):
    with Session(scratch_engine) as session:
        session.scalar(_MARKED, {"n": 1})
        session.connection().exec_driver_sql(write)
    assert _rows(scratch_engine) == 0
    with Session(scratch_engine) as session:
        assert session.scalar(text("SELECT to_regclass('made_here') IS NULL"))
    assert not _marked_is_prepared(scratch_engine)  # a real ROLLBACK: psycopg forgot


def test_a_write_through_the_driver_past_the_engine_is_rolled_back(scratch_engine):
    with Session(scratch_engine) as session:
        session.scalar(_MARKED, {"n": 1})
        driver = session.connection().connection.driver_connection
        driver.execute("INSERT INTO scratch VALUES (1)")
        with driver.cursor().copy("COPY scratch (n) FROM STDIN") as copy:
            copy.write_row((2,))
    assert _rows(scratch_engine) == 0


def test_a_failed_transaction_is_rolled_back(scratch_engine):
    with Session(scratch_engine) as session:
        session.scalar(_MARKED, {"n": 1})
        with pytest.raises(exc.DBAPIError, match="division by zero"):
            session.execute(text("SELECT 1 / 0"))
    assert not _marked_is_prepared(scratch_engine)  # rolled back (a COMMIT of a failed transaction would have kept it)
    with Session(scratch_engine) as session:
        assert session.scalar(_MARKED, {"n": 2}) == 3


def test_a_lock_taken_by_a_transaction_that_only_read_is_released_when_the_session_closes(scratch_engine):
    with Session(scratch_engine) as session:
        session.scalar(_MARKED, {"n": 1})
        session.execute(text("SELECT pg_advisory_xact_lock(4242)"))
    assert _marked_is_prepared(scratch_engine)  # ended by COMMIT
    url = scratch_engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    taken = threading.Event()

    def lock_elsewhere():
        with psycopg.connect(url) as other:
            if other.execute("SELECT pg_try_advisory_xact_lock(4242)").fetchone()[0]:
                taken.set()

    worker = threading.Thread(target=lock_elsewhere)
    worker.start()
    worker.join(10)
    assert taken.is_set()


def test_a_streamed_result_is_read_as_before(scratch_engine):
    with scratch_engine.begin() as connection:
        connection.exec_driver_sql("INSERT INTO scratch SELECT generate_series(1, 50)")
    with Session(scratch_engine) as session:
        streamed = session.execute(prepared(text("SELECT n FROM scratch ORDER BY n")),
                                   execution_options={"stream_results": True, "max_row_buffer": 10})
        assert [n for (n,) in streamed] == list(range(1, 51))


def test_a_column_changed_by_another_process_costs_one_request_not_every_connection(scratch_engine):
    statement = prepared(text("SELECT label FROM scratch"))
    with Session(scratch_engine) as session:
        session.execute(statement).all()
    url = scratch_engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(url, autocommit=True) as migration:  # another process's migration, as a deploy runs it
        migration.execute("ALTER TABLE scratch ALTER COLUMN label TYPE varchar(160)")
    with Session(scratch_engine) as session, pytest.raises(exc.DBAPIError) as refused:
        session.execute(statement).all()
    assert refused.value.connection_invalidated  # told as a lost connection: the pool starts again
    with Session(scratch_engine) as session:
        assert session.execute(statement).all() == []


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
