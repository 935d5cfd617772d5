"""Writers to one SQLite file take turns on a kernel lock before SQLite's write lock (core.db._SQLiteWriters, issue 13):
the next starts when the last ends, instead of sleeping through SQLite's growing retries."""

from __future__ import annotations

import fcntl
import os
import threading

import pytest
from flask import Flask
from sqlalchemy import event, text
from sqlalchemy.exc import OperationalError

from council.core import db as core_db
from council.core.db import make_engine, reads_only


@pytest.fixture
def database(tmp_path):
    url = f"sqlite:///{tmp_path}/council.db"
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE written (id INTEGER PRIMARY KEY, who TEXT)"))
    yield url, tmp_path / "council.db-writer"
    engine.dispose()


def turn_taken(lock_file) -> bool:
    """Whether a writer holds the turn (as another worker would find it)."""
    fd = os.open(lock_file, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


def test_a_write_transaction_holds_the_turn_until_it_commits_or_rolls_back(database):
    url, lock_file = database
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO written (who) VALUES ('first')"))
        assert turn_taken(lock_file)
    assert not turn_taken(lock_file)
    with pytest.raises(RuntimeError), engine.begin() as connection:
        connection.execute(text("INSERT INTO written (who) VALUES ('undone')"))
        assert turn_taken(lock_file)
        raise RuntimeError
    assert not turn_taken(lock_file)
    assert oct(lock_file.stat().st_mode & 0o777) == "0o600"
    with engine.connect() as connection:
        assert connection.execute(text("SELECT who FROM written")).scalars().all() == ["first"]
    engine.dispose()


def test_the_next_writer_starts_when_the_last_one_commits_and_loses_nothing(database):
    url, lock_file = database
    first, second = make_engine(url), make_engine(url)  # two workers
    holding, order = threading.Event(), []

    def second_writer():
        holding.wait(timeout=10)
        with second.begin() as connection:
            order.append("second began")
            connection.execute(text("INSERT INTO written (who) VALUES ('second')"))

    waiting = threading.Thread(target=second_writer)
    waiting.start()
    with first.begin() as connection:
        connection.execute(text("INSERT INTO written (who) VALUES ('first')"))
        holding.set()
        waiting.join(timeout=0.3)  # the second writer waits for its turn meanwhile
        order.append("first committing")
    waiting.join(timeout=10)
    assert order == ["first committing", "second began"]
    with first.connect() as connection:
        assert connection.execute(text("SELECT who FROM written ORDER BY id")).scalars().all() == ["first", "second"]
    assert not turn_taken(lock_file)
    first.dispose(), second.dispose()


def test_a_thread_already_writing_does_not_wait_for_its_own_turn(database, monkeypatch):
    # It would wait TIMEOUT (30 s) on itself; SQLite then refuses the second connection's write lock, as before.
    url, _lock_file = database
    first, second = make_engine(url), make_engine(url)
    asked, flock = [], fcntl.flock
    monkeypatch.setattr(core_db.fcntl, "flock", lambda fd, how: asked.append(how) or flock(fd, how))
    event.listen(second, "connect", lambda connection, _record: connection.execute("PRAGMA busy_timeout=50"))
    with first.begin() as connection:
        connection.execute(text("INSERT INTO written (who) VALUES ('first')"))
        with pytest.raises(OperationalError, match="database is locked"), second.begin():
            pass
    assert len(asked) == 1
    first.dispose(), second.dispose()


def test_a_transaction_begun_to_read_takes_no_turn(database):
    url, lock_file = database
    engine = make_engine(url)
    with engine.begin() as connection:  # a write first, so that the lock file exists
        connection.execute(text("INSERT INTO written (who) VALUES ('first')"))
    with Flask(__name__).test_request_context():
        reads_only()
        with engine.begin() as connection:
            assert connection.execute(text("SELECT count(*) FROM written")).scalar() == 1
            assert not turn_taken(lock_file)
    engine.dispose()
