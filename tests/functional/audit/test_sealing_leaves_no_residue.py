"""Comments saved in plaintext before migration 0023 are sealed at start-up; the old text must then be gone from
the database files too, not only from the rows (SQLite: the WAL checkpointed into the main file, whose freed space
``secure_delete`` zeroes; PostgreSQL: the table rewritten by VACUUM FULL, so no dead row version keeps it)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import text

from council.application import _seal_plaintext_texts
from council.database import db
from tests.functional.audit.test_review_comments import FIRST, _review, auditors, refused  # noqa: F401


def test_start_up_sealing_leaves_no_plaintext_on_disk(app, client, login, refused, auditors):  # noqa: F811
    login(auditors[0])
    _review(client, refused)
    with app.app_context():  # as a database migrated from before 0023 holds it
        db.session.execute(text("UPDATE audit_review SET comment = :text, comment_enc = NULL, wrapped_key = NULL, "
                                "key_version = NULL"), {"text": FIRST})
        db.session.commit()
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


def test_a_transaction_older_than_the_sealing_does_not_keep_the_text(app, client, login, refused, auditors,  # noqa: F811
                                                                      backend):
    """VACUUM FULL keeps a dead row version that a running snapshot could still see: sealing waits for the
    transactions that began before it (an autovacuum's ANALYZE, another worker's request) to end first."""
    if backend != "postgresql":
        pytest.skip("PostgreSQL's row versions kept for older snapshots")
    login(auditors[0])
    _review(client, refused)
    with app.app_context():
        db.session.execute(text("UPDATE audit_review SET comment = :text, comment_enc = NULL, wrapped_key = NULL, "
                                "key_version = NULL"), {"text": FIRST})
        db.session.commit()
    older = db.engine_of(app).connect().execution_options(isolation_level="REPEATABLE READ")
    # Its snapshot still sees the plaintext row (a statement on another table: a lock on audit_review would make
    # VACUUM FULL wait for it anyway).
    older.execute(text("SELECT count(*) FROM institution")).scalar()
    ending = threading.Timer(1.0, older.close)
    ending.start()
    try:
        _seal_plaintext_texts(app)
    finally:
        ending.join()
    with app.app_context():
        assert not any(FIRST.encode() in bytes(page) for page in _raw_pages())


def _raw_pages() -> list:
    db.session.execute(text("CREATE EXTENSION IF NOT EXISTS pageinspect"))
    return db.session.execute(text(
        "SELECT get_raw_page('audit_review', n) FROM generate_series(0, "
        "pg_relation_size('audit_review') / current_setting('block_size')::int - 1) AS n")).scalars().all()
