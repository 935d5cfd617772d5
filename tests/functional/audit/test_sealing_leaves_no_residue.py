"""Comments saved in plaintext before migration 0023 are sealed at start-up; the old text must then be gone from
the database files too, not only from the rows (SQLite: the WAL checkpointed into the main file, whose freed space
``secure_delete`` zeroes; PostgreSQL: the table rewritten by VACUUM FULL, so no dead row version keeps it)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text

from council.application import _seal_plaintext_texts
from council.database import db
from tests.functional.audit.test_review_comments import (  # noqa: F401  (auditors, refused: fixtures)
    FIRST,
    _reviewed_in_plaintext,
    auditors,
    refused,
)


def test_start_up_sealing_leaves_no_plaintext_on_disk(app, client, login, refused, auditors):  # noqa: F811
    _reviewed_in_plaintext(app, client, login, refused, auditors)
    _seal_plaintext_texts(app)
    url = app.config["DATABASE_URL"]
    with app.app_context():
        assert db.session.execute(text("SELECT count(*) FROM audit_review WHERE comment IS NOT NULL")).scalar() == 0
        if url.startswith("sqlite"):
            database = Path(url.split("///", 1)[1])
            holding = [path.name for path in database.parent.glob(f"{database.name}*")
                       if FIRST.encode() in path.read_bytes()]
            assert holding == []
        else:
            assert not any(FIRST.encode() in bytes(page) for page in _raw_pages())


@pytest.mark.parametrize("where", ["this database", "another database"])
def test_a_transaction_older_than_the_sealing_does_not_keep_the_text(app, client, login, refused, auditors,  # noqa: F811
                                                                      backend, where):
    """VACUUM FULL keeps a dead row version that a transaction older than its deletion could still need: a snapshot
    in the same database (an autovacuum's ANALYZE, another worker's request), or a write anywhere in the cluster (it
    holds back the xmin of VACUUM's own snapshot; seen when two test runs shared the server). Sealing waits for them
    to end first."""
    if backend != "postgresql":
        pytest.skip("PostgreSQL's row versions kept for older transactions")
    _reviewed_in_plaintext(app, client, login, refused, auditors)
    if where == "this database":
        engine = db.engine_of(app)
        older = engine.connect().execution_options(isolation_level="REPEATABLE READ")
        # A statement on another table: a lock on audit_review would make VACUUM FULL wait for it anyway.
        older.execute(text("SELECT count(*) FROM institution")).scalar()
    else:
        engine = create_engine(make_url(app.config["DATABASE_URL"]).set(database="postgres"))
        older = engine.connect()
        older.execute(text("SELECT txid_current()")).scalar()  # a transaction with an id, left open
    ending = threading.Timer(1.0, older.close)
    ending.start()
    try:
        _seal_plaintext_texts(app)
    finally:
        ending.join()
        if where != "this database":
            engine.dispose()
    with app.app_context():
        assert not any(FIRST.encode() in bytes(page) for page in _raw_pages())


def _raw_pages() -> list:
    db.session.execute(text("CREATE EXTENSION IF NOT EXISTS pageinspect"))
    return db.session.execute(text(
        "SELECT get_raw_page('audit_review', n) FROM generate_series(0, "
        "pg_relation_size('audit_review') / current_setting('block_size')::int - 1) AS n")).scalars().all()
