"""Round trips a request saves on PostgreSQL (issue 13), and what they must not cost:

- the rest of a request that declared it only reads (``core.db.reads_only``: a page whose audit event is committed)
  runs its statements without a transaction block: no BEGIN, no end; a write there is refused, not committed at once,
  and ``writing()`` makes transactions again;
- a request tests a pooled connection with its first transaction's BEGIN rather than with an empty statement before
  it; a connection the request then sets to autocommit (a VACUUM) still gets there."""

from __future__ import annotations

import pytest
from flask import Flask, g
from sqlalchemy import column, insert, table, text
from sqlalchemy.orm import Session

from council.core.db import WriteWhileReadingOnly, protocol_trace, reading, reads_only, writing

_SCRATCH = table("scratch", column("n"))


@pytest.fixture
def request_context():
    with Flask(__name__).test_request_context("/"):
        g.request_id = "a-request"  # as core.web gives each request: a connection it put back is not tested again
        yield


def _queries(trace: list[str]) -> list[str]:
    """The simple queries the app sent (BEGIN, COMMIT, the pool's empty statement, a statement without parameters),
    as the trace quotes them."""
    return [line.split("\t", 3)[3].strip().strip('"') for line in trace if line.startswith("F\t")
            and "\tQuery\t" in line]


def _rows(scratch_engine) -> int:
    with Session(scratch_engine) as session:
        return session.scalar(text("SELECT count(*) FROM scratch"))


def test_reads_after_reads_only_send_neither_begin_nor_an_end(scratch_engine, request_context):
    with Session(scratch_engine) as session:
        session.scalar(text("SELECT 1"))  # the request's audited transaction: the connection is tested, then used
        session.commit()
        reads_only()
        with protocol_trace(scratch_engine) as trace:
            assert session.scalar(text("SELECT count(*) FROM scratch")) == 0
            assert session.scalar(text("SELECT 2")) == 2
            session.close()
    assert _queries(trace) == ["SELECT count(*) FROM scratch", "SELECT 2"], trace  # no BEGIN, COMMIT, ROLLBACK
    assert len([line for line in trace if "ReadyForQuery" in line]) == 2  # one round trip a statement, nothing else


def test_a_write_after_reads_only_is_refused_and_nothing_is_written(scratch_engine, request_context):
    with Session(scratch_engine) as session:
        session.scalar(text("SELECT 1"))
        session.commit()
        reads_only()
        with pytest.raises(WriteWhileReadingOnly, match="write inside core.db.writing"):
            session.execute(insert(_SCRATCH).values(n=1))
        session.rollback()
    assert _rows(scratch_engine) == 0


def test_writing_makes_transactions_again(scratch_engine, request_context):
    with Session(scratch_engine) as session:
        reads_only()
        assert session.scalar(text("SELECT 1")) == 1
        with writing():
            session.commit()
            session.execute(insert(_SCRATCH).values(n=1))
            session.rollback()  # a transaction: the row goes with it
            assert _rows(scratch_engine) == 0
            session.execute(insert(_SCRATCH).values(n=2))
            session.commit()
    assert _rows(scratch_engine) == 1


def test_a_reading_block_stays_in_the_transaction_the_request_goes_on_to_write_in(scratch_engine, request_context):
    """The session's read is a ``reading`` block: on PostgreSQL the gate and the audit append go on in its transaction,
    which must be one."""
    with Session(scratch_engine) as session:
        with reading():
            session.scalar(text("SELECT 1"))
        session.execute(insert(_SCRATCH).values(n=1))
        session.rollback()
    assert _rows(scratch_engine) == 0


def test_a_connection_goes_back_to_the_pool_in_transactions(scratch_engine, request_context):
    with Session(scratch_engine) as session:
        reads_only()
        session.scalar(text("SELECT 1"))
    # Outside the request's declaration now: the same pooled connection.
    with Session(scratch_engine) as session, writing():
        session.execute(insert(_SCRATCH).values(n=1))
        session.rollback()
    assert _rows(scratch_engine) == 0


def test_a_request_s_first_transaction_begins_at_the_test_of_its_connection(scratch_engine, request_context):
    with protocol_trace(scratch_engine) as trace, Session(scratch_engine) as session:
        session.scalar(text("SELECT 1"))
        session.commit()
    assert _queries(trace)[0] == "BEGIN" and ";" not in _queries(trace), trace


def test_outside_a_request_a_connection_is_tested_with_an_empty_statement(scratch_engine):
    with protocol_trace(scratch_engine) as trace, Session(scratch_engine) as session:
        session.scalar(text("SELECT 1"))
        session.commit()
    assert _queries(trace)[0] == ";", trace


def test_a_connection_set_to_autocommit_after_its_test_runs_outside_a_transaction(scratch_engine, request_context):
    """VACUUM runs only outside a transaction block (core.db.flush_freed_pages, after a purge): the BEGIN that tested
    the connection is rolled back before SQLAlchemy sets autocommit."""
    with scratch_engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("VACUUM scratch")
    with Session(scratch_engine) as session:  # and the connection comes back in transactions
        session.execute(insert(_SCRATCH).values(n=1))
        session.rollback()
    assert _rows(scratch_engine) == 0
