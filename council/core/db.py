"""One SQLAlchemy engine and session per application, without a global that the two apps could share."""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import functools
import importlib
import os
import tempfile
import threading
import time
from pathlib import Path

from flask import Flask, current_app, g, has_request_context
from sqlalchemy import DateTime, create_engine, event, exc, make_url
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, scoped_session, sessionmaker
from sqlalchemy.types import TypeDecorator

# One clock for both apps: models and services import utcnow from here, and it is clock.utcnow itself.
from council.core.clock import utcnow as utcnow

#: Constraint names both databases share, so that migrations can refer to them on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator):
    """A timestamp that is always stored and returned as UTC.

    SQLite keeps no timezone; without this, values would come back naive on SQLite and aware on
    PostgreSQL, and the audit chain hashes would differ between the two.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use council.core.db.utcnow()")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def make_engine(url: str) -> Engine:
    """An engine with the settings every part of the system relies on.

    On SQLite every transaction starts with BEGIN IMMEDIATE: it takes the write lock up front, so a
    transaction that reads the audit chain head and then appends can never interleave with another
    writer (deferred transactions would both read the same head). busy_timeout makes writers queue.
    The one exception is the rest of a request that has declared it only reads from now on
    (:func:`reads_only`, e.g. rendering a page after its audit event was committed): its transactions begin
    deferred, so other workers' requests are not held up by the rendering. A write in such a transaction still
    runs serialisably (SQLite upgrades the snapshot only when no other writer committed since it began, and
    otherwise refuses with "database is locked", never writing on a stale read).
    hide_parameters keeps submitted values out of exception messages and so out of logs.
    """
    if url.startswith("sqlite"):
        create_private_sqlite_file(url)
        engine = create_engine(url, hide_parameters=True,
                               connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_connect(dbapi_connection, _record):
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            # Freed pages are zeroed: a purged case's wrapped key must not linger in the file.
            cursor.execute("PRAGMA secure_delete=ON")
            cursor.close()

        writers = _SQLiteWriters.of(sqlite_file(url))

        def _sqlite_begin(dbapi_connection):
            if _reading_only():
                dbapi_connection.execute("BEGIN")
                return
            writers.wait_for_turn(dbapi_connection)
            try:
                dbapi_connection.execute("BEGIN IMMEDIATE")
            except BaseException:
                writers.done(dbapi_connection)
                raise

        # The dialect's own BEGIN (a failure is wrapped like any statement's: "database is locked" is an
        # OperationalError), not a "begin" event listener: one connection event makes every connection, transaction
        # and statement of the engine dispatch all of them, ~0.2 M instructions a signed-in request on SQLite.
        engine.dialect.do_begin = _sqlite_begin
        writers.release_when_ended(engine)
        _refuse_writes_while_reading_only(engine)
        return engine
    engine = create_engine(url, hide_parameters=True)
    _test_connections_once_a_request(engine)
    _keep_prepared_statements(engine)
    _read_without_transactions(engine)
    _refuse_writes_while_reading_only(engine)
    return engine


class _SQLiteWriters:
    """Writers to one SQLite file take turns on a lock of the kernel's (``flock`` on ``<file>-writer``) before
    SQLite's write lock, so that the next one starts as soon as the last one ends.

    SQLite's own wait (``busy_timeout``) sleeps and tries again, 1, 2, 5, 10, 15, 20, 25 … ms apart, however soon the
    lock is free: with four workers on two cores, a case page's audit append (a few milliseconds under the lock) came
    second often enough that a worker slept well past the end of the other's (issue 13: the case page's p95 65–74 ms,
    43–49 ms with this turn-taking; docs/performance.md). Here a writer asks for its turn every half millisecond.
    Bounded as SQLite's wait is: after ``TIMEOUT`` seconds it goes on to SQLite's own wait (``busy_timeout``), and so
    fails with "database is locked" as before, later. A thread already writing to the file through another
    connection does not wait for its own turn (SQLite refuses it, as before, instead of it waiting on itself), and a
    transaction begun only to read (:func:`reading`) takes no turn, as it takes no write lock. The kernel ends a turn
    whose process died; the file holds nothing."""

    TIMEOUT = 30.0
    _POLL = 0.0005

    @classmethod
    @functools.cache
    def of(cls, database: Path | None) -> _SQLiteWriters:
        """The one per file in a process, whatever the engines on it (an app and its commands, tests' apps)."""
        return cls(database)

    def __init__(self, database: Path | None):
        self.path = None if database is None else f"{database}-writer"
        self._turns: dict[int, int] = {}  # id of a DBAPI connection holding the turn -> the lock file's descriptor
        self._mine = threading.local()

    def wait_for_turn(self, connection) -> None:
        if self.path is None or getattr(self._mine, "turn", None) in self._turns:
            return
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        deadline = time.monotonic() + self.TIMEOUT
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    os.close(fd)
                    return
                time.sleep(self._POLL)
        self._turns[id(_dbapi(connection))] = fd
        self._mine.turn = id(_dbapi(connection))  # this thread's turn, while the connection holds it

    def done(self, connection) -> None:
        fd = self._turns.pop(id(_dbapi(connection)), None)
        if fd is not None:
            os.close(fd)  # ends the turn

    def release_when_ended(self, engine: Engine) -> None:
        """End a connection's turn when its transaction ends, and when the pool closes or drops the connection."""
        if self.path is None:
            return
        dialect = engine.dialect
        commit, rollback = dialect.do_commit, dialect.do_rollback

        def do_commit(connection):
            try:
                commit(connection)
            finally:
                self.done(connection)

        def do_rollback(connection):
            try:
                rollback(connection)
            finally:
                self.done(connection)

        dialect.do_commit, dialect.do_rollback = do_commit, do_rollback
        for name in ("close", "invalidate", "close_detached"):
            event.listen(engine, name, lambda connection, *_: self.done(connection))


def _dbapi(connection):
    """The DBAPI connection, whether SQLAlchemy passes it or the pool's proxy of it."""
    return getattr(connection, "dbapi_connection", connection)


#: The execution option that :func:`prepared` sets.
_PREPARED = "council_prepared"


def prepared(statement):
    """``statement``, prepared on PostgreSQL: parsed once per connection, and planned once for any values after its
    fifth run (PostgreSQL's "generic plan"). For the lookups by key that every request or every case page runs
    (its session, the case gate, the audit append, the page's reads by case): half of a case page's server CPU
    was parsing and planning them again (issue 13). Not for a query whose best plan depends on its values (a filter
    that matches three rows for one user and a million for another: a generic plan may suit the one and not the
    other), nor for one whose text varies (an IN list of any length: psycopg keeps 100 prepared statements a
    connection); every other statement is parsed and planned at each run. No effect on SQLite."""
    return statement.execution_options(**{_PREPARED: True})


#: Commits a transaction that has written nothing (no transaction id was assigned: an INSERT, UPDATE, DELETE, COPY,
#: TRUNCATE, DDL, a row lock or a function that writes would have taken one), in one round trip with the question.
#: In one that wrote, the SELECT fails (its text is not a boolean), so the server skips the COMMIT and the transaction
#: stays open, failed, for the rollback that follows; the server's log shows that text (docs/operations.md). Sent as
#: one simple query (no parameters, never prepared): the server runs its statements in turn, stopping at an error.
_WROTE = "the transaction wrote: council rolls it back instead of committing"
_COMMIT_IF_WROTE_NOTHING = (f"SELECT CAST(CASE WHEN pg_current_xact_id_if_assigned() IS NULL THEN 'true' "
                            f"ELSE '{_WROTE}' END AS boolean); COMMIT")
#: What PostgreSQL answers when a prepared statement's tables changed the columns it returns (a migration run by
#: another process while this one's connections hold it prepared).
_PLAN_CHANGED = "cached plan must not change result type"


def _keep_prepared_statements(engine: Engine) -> None:
    """Prepare the statements marked :func:`prepared` (psycopg's ``prepare=True``; no other), and keep them: a
    transaction that wrote nothing ends with COMMIT instead of ROLLBACK — the same for the database.

    psycopg forgets every statement it prepared on a connection when a transaction rolls back there. Most requests
    end with the rollback that closes their session (a page read after its audit event was committed), so nothing
    would stay prepared from one request to the next. Instead of rolling back a transaction that is open and has not
    failed, the connection asks the server to commit it if it wrote nothing (``_COMMIT_IF_WROTE_NOTHING``: the
    question and the COMMIT in one round trip, as many as the ROLLBACK it replaces); a transaction that wrote is
    rolled back, as is one that failed. The server's answer covers what the statements' text would not tell: a write
    through the driver past the engine, a function that writes, several statements in one string. What a COMMIT
    keeps and a ROLLBACK would undo besides, with no transaction id to show for it: a session setting changed in the
    transaction (``SET``, ``set_config``), a ``NOTIFY`` (delivered), ``LISTEN``/``UNLISTEN``, a cursor declared
    ``WITH HOLD``, a write through a foreign data wrapper: the app uses none of them.

    A prepared statement whose table changed the columns it returns fails once (``_PLAN_CHANGED``, after a migration
    run by another process): that counts as a lost connection, so the pool replaces its connections and the next
    request prepares again."""
    from psycopg import ServerCursor
    from psycopg.errors import FeatureNotSupported
    from psycopg.pq import TransactionStatus  # the only PostgreSQL driver the app uses

    idle_in_transaction = TransactionStatus.INTRANS  # a transaction open, no statement running, none failed
    idle = TransactionStatus.IDLE  # no transaction open
    dialect = engine.dialect
    rollback, is_disconnect = dialect.do_rollback, dialect.is_disconnect

    def prepare(cursor, context) -> dict:
        if type(cursor) is ServerCursor:  # a streamed result (``stream_results``): psycopg prepares none
            return {}
        return {"prepare": context is not None and context.execution_options.get(_PREPARED, False)}

    def do_execute(cursor, statement, parameters, context=None):
        cursor.execute(statement, parameters, **prepare(cursor, context))

    def do_execute_no_params(cursor, statement, context=None):
        cursor.execute(statement, **prepare(cursor, context))

    def do_rollback(dbapi_connection):
        # SQLAlchemy ends a transaction on a proxy of the connection at times (its first connect): the status is the
        # connection's own.
        connection = _dbapi(dbapi_connection)
        if connection.info.transaction_status != idle_in_transaction or not _committed_as_it_wrote_nothing(connection):
            rollback(dbapi_connection)

    def _committed_as_it_wrote_nothing(connection) -> bool:
        try:
            connection.execute(_COMMIT_IF_WROTE_NOTHING, prepare=False)
        except dialect.loaded_dbapi.Error:  # it wrote (or the connection failed): the rollback that follows ends it
            return False
        return connection.info.transaction_status == idle

    def _is_disconnect(error, connection, cursor) -> bool:
        return is_disconnect(error, connection, cursor) or (
            isinstance(error, FeatureNotSupported) and _PLAN_CHANGED in str(error))

    dialect.do_execute, dialect.do_execute_no_params = do_execute, do_execute_no_params
    dialect.do_rollback, dialect.is_disconnect = do_rollback, _is_disconnect


class WriteWhileReadingOnly(RuntimeError):
    """A write in the part of a request that declared it only reads (:func:`reads_only`): a programming error."""


def _refuse_writes_while_reading_only(engine: Engine) -> None:
    """Refuse an INSERT, UPDATE or DELETE the engine compiled (the app writes no other way) in the rest of a request
    that declared it only reads (:func:`reads_only`), before it is sent: on PostgreSQL those statements run without
    a transaction (:func:`_read_without_transactions`), and a write would be committed at once whatever the request
    did next; on SQLite the same code, so that both databases' tests find it. A request that means to write after
    its page's read writes inside :func:`writing`."""
    dialect = engine.dialect
    execute, execute_no_params = dialect.do_execute, dialect.do_execute_no_params

    def refuse_a_write(context):
        if context is not None and context.is_crud and _reading_the_rest():
            raise WriteWhileReadingOnly(f"{context.compiled.statement.__visit_name__} in a request that declared it "
                                        "only reads (core.db.reads_only): write inside core.db.writing()")

    def do_execute(cursor, statement, parameters, context=None):
        refuse_a_write(context)
        execute(cursor, statement, parameters, context)

    def do_execute_no_params(cursor, statement, context=None):
        refuse_a_write(context)
        execute_no_params(cursor, statement, context)

    dialect.do_execute, dialect.do_execute_no_params = do_execute, do_execute_no_params


def _read_without_transactions(engine: Engine) -> None:
    """Run the statements of the rest of a request that only reads (:func:`reads_only`: its audit event and its
    writes are committed) without a transaction block, in psycopg's autocommit: neither BEGIN nor the end of the
    transaction goes to the server, two round trips fewer for every page that reads after its event (issue 13). Read
    committed takes a snapshot at each statement inside a transaction too, so the page reads what it read before.
    A write there is refused (:func:`_refuse_writes_while_reading_only`); :func:`writing` makes transactions again.
    A connection goes back to the pool as it came out of it, in transactions."""
    from psycopg.pq import TransactionStatus

    idle = TransactionStatus.IDLE

    def do_begin(connection):
        dbapi_connection = _dbapi(connection)
        if _reading_the_rest():
            if not dbapi_connection.autocommit and dbapi_connection.info.transaction_status == idle:
                dbapi_connection.autocommit = dbapi_connection.council_reads_only = True
        elif getattr(dbapi_connection, "council_reads_only", False):
            _in_transactions(dbapi_connection)

    def _in_transactions(dbapi_connection):
        dbapi_connection.autocommit = dbapi_connection.council_reads_only = False

    @event.listens_for(engine, "checkin")
    def _back_in_transactions(dbapi_connection, _record):
        if dbapi_connection is not None and getattr(dbapi_connection, "council_reads_only", False):
            _in_transactions(dbapi_connection)

    engine.dialect.do_begin = do_begin


@contextlib.contextmanager
def protocol_trace(engine: Engine):
    """libpq's trace of each PostgreSQL connection taken while the block runs, traced from its checkout (before the
    pool tests it): its lines, "F" for a message the app sent, "B" for the server's. Yields a list, filled when the
    block ends; it stays empty on SQLite. For tests and ``bench/``."""
    lines: list[str] = []
    if engine.dialect.name != "postgresql":
        yield lines
        return
    from psycopg import pq

    traced = []

    def trace(dbapi_connection, _record, _proxy):
        if dbapi_connection.pgconn not in traced:
            dbapi_connection.pgconn.trace(out.fileno())
            dbapi_connection.pgconn.set_trace_flags(pq.Trace.SUPPRESS_TIMESTAMPS)
            traced.append(dbapi_connection.pgconn)

    with tempfile.TemporaryFile("w+") as out:
        event.listen(engine, "checkout", trace, insert=True)
        try:
            yield lines
        finally:
            event.remove(engine, "checkout", trace)
            for pgconn in traced:
                pgconn.untrace()
            out.seek(0)
            lines.extend(out)


@contextlib.contextmanager
def server_answers(engine: Engine):
    """The PostgreSQL server's answers while the block runs, one per round trip: the ``ReadyForQuery`` messages of
    :func:`protocol_trace`. Yields a list, filled when the block ends (issue 13: a request's round trips are what
    the app pays on PostgreSQL beside its own Python)."""
    answers: list[str] = []
    with protocol_trace(engine) as lines:
        yield answers
    answers.extend(line for line in lines if line.startswith("B") and "ReadyForQuery" in line)


def _test_connections_once_a_request(engine: Engine) -> None:
    """Test a pooled connection before a request's first use of it; not again when the same request takes it back.

    SQLAlchemy's ``pool_pre_ping`` tests every checkout: a round trip to the server each time, and a request takes
    a connection more than once (its audited transaction, then the page's reads). A connection the server dropped
    (a restart, a failover, an idle timeout) is found when a request first takes it and replaced, so the first request
    after a restart gets a live one; a connection this request put back a moment ago is used as it is (should the
    server go away within the request, its next statement fails as a disconnect: a 503, as for any request during an
    outage, and SQLAlchemy empties the pool). Outside a request (commands, start-up) every checkout is tested.

    In a request the test is the transaction's BEGIN, sent at once instead of before the first statement (psycopg
    sends none while one is open): the round trip that tests the connection is one the request makes anyway (issue
    13). Read committed takes no snapshot at BEGIN, so the transaction sees what it would have seen. Should the
    request set the connection's isolation level instead (``AUTOCOMMIT``, for a VACUUM), that empty transaction is
    rolled back first; one ended unused costs the round trip the test did. Outside a request, and for a connection
    whose transactions are not plain BEGINs, the test is an empty statement (SQLAlchemy's ping)."""
    from psycopg.pq import ExecStatus, TransactionStatus

    dialect = engine.dialect
    set_isolation_level = dialect.set_isolation_level
    idle, in_transaction = TransactionStatus.IDLE, TransactionStatus.INTRANS

    def this_request():
        return g.get("request_id") if has_request_context() else None

    @event.listens_for(engine, "connect")
    def _new(_dbapi_connection, record):
        record.info["used_by"] = this_request()

    @event.listens_for(engine, "checkin")
    def _put_back(_dbapi_connection, record):
        if record is not None:
            record.info["used_by"] = this_request()

    @event.listens_for(engine, "checkout")
    def _test_unless_used_by_this_request(dbapi_connection, record, _proxy):
        used_by = record.info.pop("used_by", None)
        if used_by is not None and used_by == this_request():
            return
        try:
            if has_request_context() and _begins_plainly(dbapi_connection):
                _run(dbapi_connection, b"BEGIN")
            else:
                dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as error:
            raise exc.DisconnectionError("the pooled connection is gone") from error

    def _begins_plainly(dbapi_connection) -> bool:
        return (not dbapi_connection.autocommit and dbapi_connection.isolation_level is None
                and dbapi_connection.read_only is None and dbapi_connection.deferrable is None
                and dbapi_connection.info.transaction_status == idle)

    def _run(dbapi_connection, command: bytes) -> None:
        result = dbapi_connection.pgconn.exec_(command)
        if result.status != ExecStatus.COMMAND_OK:
            raise dialect.loaded_dbapi.OperationalError(result.error_message.decode(errors="replace"))

    def _set_isolation_level(dbapi_connection, level) -> None:
        connection = _dbapi(dbapi_connection)
        # SQLAlchemy sets a level before it begins a transaction: one open here is the test's BEGIN, still empty.
        if connection.info.transaction_status == in_transaction:
            _run(connection, b"ROLLBACK")
        set_isolation_level(dbapi_connection, level)

    dialect.set_isolation_level = _set_isolation_level


_READS_ONLY = "council_db_reads_only"
#: The value of ``_READS_ONLY`` inside a :func:`reading` block (True: the rest of the request, :func:`reads_only`).
_IN_A_BLOCK = "block"


def reads_only() -> None:
    """Declare that the current request only reads from here on (its writes, above all its audit event, are
    committed): on SQLite its next transactions begin deferred instead of taking the write lock for as long as
    the page renders; on PostgreSQL its next statements run without a transaction block, and a write among them is
    refused (:func:`_read_without_transactions`). No effect outside a request, or on the transaction already open."""
    if has_request_context():
        setattr(g, _READS_ONLY, True)


@contextlib.contextmanager
def reading():
    """Transactions begun inside the block only read: on SQLite they begin deferred (see :func:`reads_only`). On
    PostgreSQL nothing changes: the request may go on to write in the transaction the block began
    (:func:`end_reading`)."""
    before = getattr(g, _READS_ONLY, False) if has_request_context() else False
    if has_request_context() and not before:
        setattr(g, _READS_ONLY, _IN_A_BLOCK)
    try:
        yield
    finally:
        if has_request_context():
            setattr(g, _READS_ONLY, before)


def end_reading(session: Session) -> None:
    """End what a :func:`reading` block read, before the request goes on to write.

    On SQLite the deferred read transaction is committed: a write in it could not take the lock once another worker
    had committed since it began ("database is locked"). On PostgreSQL (read committed: each statement sees what
    is committed when it runs) the request's work goes on in the same transaction, a COMMIT and a BEGIN fewer."""
    if session.get_bind().dialect.name == "sqlite":
        session.commit()


@contextlib.contextmanager
def writing():
    """Transactions begun inside the block may write: on SQLite they take the write lock first, even in a request
    that declared it only reads (a page that records a second read appends a second event); on PostgreSQL they are
    transactions again. Yields whether the request was reading only: the caller then commits the read transaction
    still open before it writes, so that the write does not run on that transaction's snapshot."""
    before = getattr(g, _READS_ONLY, False) if has_request_context() else False
    if has_request_context():
        setattr(g, _READS_ONLY, False)
    try:
        yield bool(before)
    finally:
        if has_request_context():
            setattr(g, _READS_ONLY, before)


def _reading_only() -> bool:
    return has_request_context() and bool(getattr(g, _READS_ONLY, False))


def _reading_the_rest() -> bool:
    """Whether the request declared that it only reads from here on (:func:`reads_only`; not a :func:`reading`
    block)."""
    return has_request_context() and getattr(g, _READS_ONLY, False) is True


def flush_freed_pages(engine: Engine, tables: tuple[str, ...], *, rewrite: bool = False) -> None:
    """Best effort to push what was just overwritten or deleted (a destroyed key, a text sealed in place) out of the
    database files the app controls. The caller has committed; call outside any transaction.

    SQLite: checkpoint the WAL into the main file and truncate it (``secure_delete`` zeroes the freed space).
    PostgreSQL: VACUUM ``tables`` — with ``rewrite``, VACUUM FULL, which writes the table into new files and removes
    the old ones (an exclusive lock while it runs: for small tables, or once at start-up); plain VACUUM frees the
    dead row versions' space for reuse without locking out readers.
    """
    if engine.dialect.name == "sqlite":
        # Outside any transaction (the engine's BEGIN IMMEDIATE would block the checkpoint): a raw connection in
        # autocommit mode.
        connection = engine.raw_connection()
        try:
            connection.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            connection.close()
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        _wait_for_older_transactions(connection)
        for table in tables:
            connection.exec_driver_sql(f"VACUUM {'FULL ' if rewrite else ''}{table}")


#: How long flush_freed_pages waits, at most, for transactions older than the caller's commit (seconds).
OLDER_TRANSACTIONS_WAIT = 10.0


def _wait_for_older_transactions(connection, timeout: float = OLDER_TRANSACTIONS_WAIT) -> None:
    """Wait (bounded) until no transaction that began before now could still need the row versions the caller's commit
    made dead. VACUUM, FULL or not, keeps such a version: for a snapshot in this database (an autovacuum's ANALYZE,
    another worker's request) and for a write anywhere in the cluster, whose id holds back the xmin of VACUUM's own
    snapshot (seen when two test runs shared the server): the overwritten text would stay in the table's new files.
    Best effort: a role without pg_read_all_stats sees no other role's transactions and does not wait for them."""
    mark = connection.exec_driver_sql("SELECT mod(txid_current(), 4294967296)").scalar()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and connection.exec_driver_sql(
            "SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND ("
            "age(backend_xid) >= age(%(mark)s::text::xid) OR (datname = current_database() "
            "AND age(backend_xmin) >= age(%(mark)s::text::xid))))", {"mark": mark}).scalar():
        time.sleep(0.05)


def sqlite_file(url: str) -> Path | None:
    """The database file of a SQLite ``url``; None for an in-memory database or any other kind of database."""
    if not url.startswith("sqlite"):
        return None
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def sqlite_files(url: str) -> list[Path]:
    """The database file of a SQLite ``url`` and its write-ahead log and shared-memory files."""
    path = sqlite_file(url)
    return [] if path is None else [path, Path(f"{path}-wal"), Path(f"{path}-shm")]


def create_private_sqlite_file(url: str) -> None:
    """Create the SQLite file of ``url`` empty with mode 0600 if it does not exist yet.

    SQLite would create it 0644 (readable by every local account), and it gives the -wal and -shm files
    the database file's own mode, so creating the file first keeps all three private. An existing file
    is left alone; ``council init`` tightens the files of older instances.
    """
    path = sqlite_file(url)
    if path is None:
        return
    # Already there, or its folder is missing (SQLite then names the problem when it connects).
    with contextlib.suppress(FileExistsError, FileNotFoundError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def lock_for_update(session: Session, row) -> None:
    """Re-read ``row`` and lock it until the transaction ends, so a check-then-write cannot interleave.

    Only the row's own table is locked (eager joins may not be, on PostgreSQL). On SQLite every transaction
    already holds the write lock (BEGIN IMMEDIATE), so this only refreshes the row.
    """
    session.refresh(row, with_for_update={"of": type(row)})


def import_models(package: str, *, skip: tuple[str, ...] = ()) -> list[str]:
    """Import every module named ``models`` (or package ``models/``) under ``package``, except under ``skip``;
    return their names.

    A declarative base knows only the tables of the modules imported so far. Migrations, the start-up checks
    and foreign keys across features need all of them, and a hand-kept list forgets the feature added last
    (Indico imports its models the same way). Models live in modules named ``models``.
    """
    root = Path(importlib.import_module(package).__file__).parent
    found = sorted({*root.rglob("models.py"), *root.rglob("models/__init__.py")})
    names = []
    for path in found:
        parts = path.relative_to(root).with_suffix("").parts
        name = ".".join((package, *(parts[:-1] if parts[-1] == "__init__" else parts)))
        if not any(name == other or name.startswith(f"{other}.") for other in skip):
            importlib.import_module(name)
            names.append(name)
    return names


class Database:
    """The engine and request-scoped session of one application, found through ``current_app``."""

    def __init__(self, name: str):
        self.name = name

    def init_app(self, app: Flask, url: str) -> None:
        engine = make_engine(url)
        factory = scoped_session(sessionmaker(bind=engine, expire_on_commit=False))
        app.extensions[self.name] = (engine, factory)

        @app.teardown_appcontext
        def _remove_session(_exc):
            factory.remove()

    @property
    def session(self) -> Session:
        """The session of the current app and thread (created on first use)."""
        return current_app.extensions[self.name][1]()

    def remove(self) -> None:
        """Close the current app's session for this thread, ending its transaction.

        Teardown does this after every request; code that keeps the app context open for long (the
        ``serve`` command) calls it itself, because an open transaction on SQLite holds the write lock.
        """
        current_app.extensions[self.name][1].remove()

    @property
    def engine(self) -> Engine:
        return current_app.extensions[self.name][0]

    def engine_of(self, app: Flask) -> Engine:
        return app.extensions[self.name][0]

    def dispose(self, app: Flask) -> None:
        """Close every connection of ``app`` (tests drop their databases after this)."""
        engine, factory = app.extensions[self.name]
        factory.remove()
        engine.dispose()
