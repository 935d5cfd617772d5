"""The hash-chained, append-only audit log mechanism, used by both sides with their own tables.

Each event's hash is SHA-256 over the previous event's hash and a canonical JSON of the event's hashed
fields, so altering, removing or inserting a row breaks the chain from that row on. The hashed fields are
fixed per **format version**, which every event stores: a column added later belongs to a new version and
never changes what an old event was hashed over. Appends are serialised so that concurrent writers never
fork the chain or leave a gap.

``AuditRecorder`` is the one recorder: each side instantiates it with its model and session (the council
adds its council and case columns), and its ``record()`` is the only way events are written.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import queue
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from operator import itemgetter

from flask import g, has_request_context, request
from sqlalchemy import BigInteger, SmallInteger, String, Text, insert, select, text
from sqlalchemy.orm import Mapped, Session, mapped_column

from council.core.db import UTCDateTime, utcnow

GENESIS_HASH = "0" * 64


class Outcome(StrEnum):
    ALLOWED = "allowed"
    DENIED = "denied"
    ERROR = "error"


#: What every chain hashed in format version 1: the mixin's columns (each side adds its own columns).
MIXIN_V1_FIELDS = ("seq", "occurred_at", "tag", "actor_user_id", "target_type", "target_id", "outcome", "basis",
                   "reason", "request_id", "client_ip", "prev_hash")


@dataclass(frozen=True)
class ChainFormat:
    """One format version: which fields an event's hash covers, and how they are written down for hashing.

    Format 1 is what events were hashed over before versions existed: a JSON object of the fields, keys
    sorted (``as_object``). Later formats hash a JSON array of the values in ``fields`` order: just as
    unambiguous (the order is fixed here, with the version), and half the work when the chain is verified.
    Either way: no spaces, UTF-8, timestamps as UTC ISO 8601 with microseconds.
    """

    fields: tuple[str, ...]
    as_object: bool = False


@dataclass(frozen=True)
class LinkTable:
    """An append-only side table of (event seq, id) rows: the many things one event concerns (e.g. the cases
    a list page showed). A format that names ``hashed_as`` hashes the event's ids under that key (sorted and
    joined by commas, ``canonical_ids``), so adding or removing a side row breaks the event's hash like
    altering a column would."""

    model: type
    #: The side table's column holding the id (its event column is ``event_seq``).
    id_column: str
    #: The key of the sorted ids in the hashed fields.
    hashed_as: str


class AuditEventMixin:
    """Columns every audit table has. A side declares ``__audit_formats__``: format version → ChainFormat (a
    column that no format names is not hashed), and optionally ``__audit_links__`` (a LinkTable)."""

    __audit_formats__: Mapping[int, ChainFormat] = {1: ChainFormat(MIXIN_V1_FIELDS, as_object=True)}
    __audit_links__: LinkTable | None = None

    #: Position in the chain, 1, 2, 3 … without gaps.
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    #: Which fields the hash covers (``__audit_formats__``); events written before versions existed are 1.
    format_version: Mapped[int] = mapped_column(SmallInteger, server_default=text("1"))
    #: When the event happened (UTC).
    occurred_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    #: What happened, ``source:subject:action``, e.g. ``account:login:failed`` (a StrEnum value).
    tag: Mapped[str] = mapped_column(String(64), index=True)
    #: The acting user's id; empty for anonymous requests and the command line without a user.
    actor_user_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    #: What was acted on: a table-like type name and its id.
    target_type: Mapped[str | None] = mapped_column(String(40))
    target_id: Mapped[str | None] = mapped_column(String(64))
    #: allowed, denied or error.
    outcome: Mapped[str] = mapped_column(String(10))
    #: Why access was granted (e.g. ``own_institution``; a list joins the bases of the cases it showed, so it
    #: has no length limit); empty where no grant was involved.
    basis: Mapped[str | None] = mapped_column(Text)
    #: A short reason code or a reason written by the user; never secrets, case content or case numbers.
    reason: Mapped[str | None] = mapped_column(Text)
    #: The request id shown on error pages and in X-Request-ID, or ``cli``.
    request_id: Mapped[str | None] = mapped_column(String(40))
    #: The client's address as the proxy chain reports it (core.web); empty on the command line.
    client_ip: Mapped[str | None] = mapped_column(String(45))
    #: The previous event's hash (``GENESIS_HASH`` for the first).
    prev_hash: Mapped[str] = mapped_column(String(64))
    #: SHA-256 over ``prev_hash`` and the canonical JSON of this event's hashed fields (its ChainFormat).
    hash: Mapped[str] = mapped_column(String(64), unique=True)


def current_format(model) -> int:
    """The format version new events of ``model`` are written in: the newest it declares."""
    return max(model.__audit_formats__)


#: One encoder for every event: building a JSONEncoder per call costs more than the encoding itself.
_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)


_ZERO = dt.timedelta(0)


def _canonical_value(value):
    if isinstance(value, dt.datetime):
        if value.utcoffset() != _ZERO:
            value = value.astimezone(dt.UTC)
        return value.isoformat(timespec="microseconds")
    return value


def event_hash(prev_hash: str, fields: dict, chain_format: ChainFormat | None = None) -> str:
    """SHA-256 over the previous hash, a newline, and the canonical JSON of ``fields`` (the hashed fields).

    Without ``chain_format``: a JSON object with sorted keys (format 1). With one: as that format says.
    """
    if chain_format is None or chain_format.as_object:
        return _digest(prev_hash, {key: _canonical_value(fields[key]) for key in sorted(fields)})
    return _digest(prev_hash, [_canonical_value(fields[key]) for key in chain_format.fields])


def _digest(prev_hash: str, canonical: dict | list) -> str:
    return hashlib.sha256(f"{prev_hash}\n{_ENCODER.encode(canonical)}".encode()).hexdigest()


def _lock_chain(session: Session, model) -> None:
    """Serialise appenders until the caller's transaction ends.

    PostgreSQL: a transaction-level advisory lock keyed on the table. SQLite: every transaction
    begins IMMEDIATE (core.db), so the writer already holds the database's single write lock.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:name))"), {"name": model.__tablename__})


def append(session: Session, model, *, now: dt.datetime, linked_ids: Iterable[int] = (), **fields):
    """Add one event (and its side-table rows) to the chain inside the caller's transaction and return it.

    The event is written in the model's current format version. The caller commits; if the transaction
    rolls back, the event and whatever it recorded vanish together, which is how "fail closed" is achieved.
    """
    version, links = current_format(model), model.__audit_links__
    chain_format = model.__audit_formats__[version]
    ids = sorted({int(i) for i in linked_ids})
    if ids and (links is None or links.hashed_as not in chain_format.fields):
        raise ValueError(f"{model.__tablename__} format {version} does not hash linked ids")
    _lock_chain(session, model)
    session.flush()
    head = session.execute(select(model.seq, model.hash).order_by(model.seq.desc()).limit(1)).first()
    seq, prev_hash = (head.seq + 1, head.hash) if head else (1, GENESIS_HASH)
    event = model(seq=seq, format_version=version, occurred_at=now, prev_hash=prev_hash, **fields)
    values = {name: canonical_ids(ids) if links and name == links.hashed_as else getattr(event, name)
              for name in chain_format.fields}
    values["occurred_at"] = now
    event.hash = event_hash(prev_hash, values, chain_format)
    session.add(event)
    session.flush()
    if ids:
        session.execute(insert(links.model), [{"event_seq": seq, links.id_column: i} for i in ids])
    return event


@dataclass
class Verification:
    """The result of walking the chain."""

    checked: int
    first_bad_seq: int | None = None
    #: ``missing`` (a gap), ``link`` (previous hash differs: moved or inserted), ``content`` (altered),
    #: ``format`` (a format version the code does not know).
    problem: str | None = None

    @property
    def intact(self) -> bool:
        return self.first_bad_seq is None

    @property
    def explanation(self) -> str:
        return PROBLEMS.get(self.problem, "")


PROBLEMS = {
    "missing": "an event is missing (removed)",
    "link": "the link to the previous event is broken (an event was moved or inserted)",
    "content": "the event's content does not match its hash (altered)",
    "format": "the event names a format version this program does not know (altered, or written by a newer version)",
}


@dataclass(frozen=True)
class _Layout:
    """Where one format version's hashed fields sit in the rows verify() reads."""

    #: The values in the order they are hashed: sorted field names (``as_object``) or the format's order.
    names: tuple[str, ...]
    #: Picks those values out of a row, in that order (an operator.itemgetter: one C call per row).
    pick: Callable
    time_positions: tuple[int, ...]  # indexes into ``names``
    #: Index into ``names`` of the linked ids, or None when the format hashes none.
    links_at: int | None
    as_object: bool


def _read_plan(model) -> tuple[list[str], dict[int, _Layout]]:
    """The columns to read (every column some format hashes, then hash) and each format's layout."""
    table, links = model.__table__, model.__audit_links__
    link_key = links.hashed_as if links else None
    columns = sorted({name for chain_format in model.__audit_formats__.values() for name in chain_format.fields
                      if name != link_key})
    layouts = {}
    for version, chain_format in model.__audit_formats__.items():
        names = tuple(sorted(chain_format.fields)) if chain_format.as_object else chain_format.fields
        layouts[version] = _Layout(
            names=names, pick=itemgetter(*(columns.index(n) if n != link_key else -1 for n in names)),
            time_positions=tuple(i for i, n in enumerate(names)
                                 if n != link_key and isinstance(table.columns[n].type, UTCDateTime)),
            links_at=names.index(link_key) if link_key in names else None, as_object=chain_format.as_object)
    return [*columns, "hash"], layouts


def _layout_digest(prev_hash: str, layout: _Layout, values: list) -> str:
    return _digest(prev_hash, dict(zip(layout.names, values, strict=True)) if layout.as_object else values)


def verify(session: Session, model, *, progress: Callable[[int], None] | None = None) -> Verification:
    """Re-walk the whole chain; report the first sequence number that is missing, moved or altered.

    Each event is hashed over the fields of its own format version, so events written before a column was
    added verify as they were written. Side-table rows (``__audit_links__``) are read alongside, in event
    order, and hashed into their event. Written for speed (DESIGN §8 asks for 100k events/s): rows come
    straight from the driver's cursor in batches, and the canonical form is built from precomputed positions.
    """
    columns, formats = _read_plan(model)
    table, links = model.__table__, model.__audit_links__
    version_at, seq_at, prev_at, hash_at = (columns.index(n) for n in ("format_version", "seq", "prev_hash", "hash"))
    dialect = session.get_bind().dialect.name
    selected = ", ".join(_TIME_AS_TEXT[dialect].format(name) if isinstance(table.columns[name].type, UTCDateTime)
                         else f'"{name}"' for name in columns)
    driver = session.connection().connection.driver_connection
    # PostgreSQL already returns the canonical text (_TIME_AS_TEXT); SQLite's stored text is reshaped.
    reshape_times = dialect == "sqlite"
    # PostgreSQL: server-side cursors, so memory stays flat however long the chain is.
    cursor = driver.cursor(name="audit_verify") if dialect == "postgresql" else driver.cursor()
    cursor.execute(f'SELECT {selected} FROM "{table.name}" ORDER BY seq')  # noqa: S608 (names from the model)
    linked = _linked_ids(driver, dialect, links)
    pending = next(linked, None)
    expected_seq, prev_hash, checked = 1, GENESIS_HASH, 0
    for batch in _batches(cursor, prefetch=dialect == "postgresql"):
        for row in batch:
            seq = row[seq_at]
            if seq != expected_seq:
                return Verification(checked, expected_seq, "missing")
            if row[prev_at] != prev_hash:
                return Verification(checked, seq, "link")
            layout = formats.get(row[version_at])
            if layout is None:
                return Verification(checked, seq, "format")
            values = list(layout.pick(row))
            if reshape_times:
                for i in layout.time_positions:
                    values[i] = _sqlite_time_text(values[i])
            if pending is not None and pending[0] <= seq:
                if pending[0] < seq or layout.links_at is None:  # side rows of no event, or of one that has none
                    return Verification(checked, pending[0], "content")
                values[layout.links_at], pending = pending[1], next(linked, None)
            elif layout.links_at is not None:
                values[layout.links_at] = ""
            if _layout_digest(prev_hash, layout, values) != row[hash_at] \
                    and not _matches_sorted(prev_hash, layout, values, row[hash_at]):
                return Verification(checked, seq, "content")
            prev_hash, expected_seq, checked = row[hash_at], expected_seq + 1, checked + 1
        if progress:
            progress(len(batch))
    cursor.close()
    if pending is not None:  # side rows beyond the last event
        return Verification(checked, pending[0], "content")
    return Verification(checked)


def _batches(cursor, *, prefetch: bool, size: int = 5000) -> Iterator[list]:
    """The cursor's rows, ``size`` at a time. With ``prefetch`` the next batch is fetched by a thread while this
    one is hashed: PostgreSQL computes and sends rows while Python waits, and hashing needs no database, so the
    two overlap (psycopg serialises the connection's use by the two threads). Closing the generator early
    stops the thread before the caller touches the connection again."""
    if not prefetch:
        while batch := cursor.fetchmany(size):
            yield batch
        return
    ready: queue.Queue = queue.Queue(maxsize=1)
    stop = threading.Event()

    def fetch() -> None:
        try:
            while not stop.is_set():
                batch = cursor.fetchmany(size)
                ready.put(batch)
                if not batch:
                    return
        except BaseException as error:  # noqa: BLE001  (handed to the reading thread, which raises it)
            ready.put(error)

    thread = threading.Thread(target=fetch, name="audit-verify-fetch", daemon=True)
    thread.start()
    try:
        while (item := ready.get()) != []:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        while thread.is_alive():  # a batch it is still handing over would block it forever
            with contextlib.suppress(queue.Empty):
                ready.get(timeout=0.01)
        thread.join()


def _matches_sorted(prev_hash: str, layout: _Layout, values: list, expected: str) -> bool:
    """Whether the event matches once its side-table ids are put in canonical order (see _linked_ids)."""
    if layout.links_at is None or not values[layout.links_at]:
        return False
    values[layout.links_at] = canonical_ids(int(i) for i in values[layout.links_at].split(","))
    return _layout_digest(prev_hash, layout, values) == expected


def _linked_ids(driver, dialect: str, links: LinkTable | None) -> Iterator[tuple[int, str]]:
    """(event seq, its ids joined by commas) for every event with side-table rows, in event order.

    The database groups the rows, so Python sees one row per event rather than one per id. Each group comes
    sorted in practice (_GROUPED_IDS); verify() sorts a group itself before calling its event altered, since
    neither database promises that order.
    """
    if links is None:
        return
    cursor = driver.cursor(name="audit_verify_links") if dialect == "postgresql" else driver.cursor()
    cursor.execute(_GROUPED_IDS[dialect].format(table=links.model.__tablename__, column=links.id_column))
    for batch in _batches(cursor, prefetch=dialect == "postgresql"):
        yield from batch
    cursor.close()


def canonical_ids(ids: Iterable[int]) -> str:
    """How a format hashes an event's side-table ids: sorted, distinct, joined by commas ("" for none)."""
    return ",".join(map(str, sorted(set(ids))))


#: Each event's ids joined by commas, one row per event. SQLite reads its primary-key index, (event_seq, id),
#: in order and aggregates as it goes; PostgreSQL aggregates a sorted subquery (cheaper than sorting inside
#: the aggregate). Neither promises the order an aggregate sees its rows in, hence verify()'s second look.
_GROUPED_IDS = {
    "postgresql": "SELECT event_seq, string_agg(CAST(\"{column}\" AS TEXT), ',') FROM (SELECT event_seq, "
                  "\"{column}\" FROM \"{table}\" ORDER BY event_seq, \"{column}\") AS linked "
                  "GROUP BY event_seq ORDER BY event_seq",
    "sqlite": "SELECT event_seq, group_concat(\"{column}\", ',') FROM \"{table}\" GROUP BY event_seq "
              "ORDER BY event_seq",
}


#: Timestamps read as text in their canonical form (what _canonical_value makes of the datetime):
#: PostgreSQL formats them itself; SQLite holds SQLAlchemy's text 'YYYY-MM-DD HH:MM:SS.ffffff' in UTC.
_TIME_AS_TEXT = {
    "postgresql": """to_char("{0}" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"')""",
    "sqlite": '"{0}"',
}


def _sqlite_time_text(raw: str) -> str:
    return f"{raw[:10]}T{raw[11:26]}+00:00"


def count(session: Session, model) -> int:
    head = session.execute(select(model.seq).order_by(model.seq.desc()).limit(1)).scalar()
    return head or 0


def append_only_ddl(table: str, dialect: str) -> list[str]:
    """Statements that make the database itself refuse UPDATE, DELETE (and TRUNCATE) on ``table``."""
    if dialect == "sqlite":
        return [
            f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END",
            f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END",
        ]
    return [
        f"CREATE FUNCTION {table}_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN RAISE EXCEPTION '{table} is append-only'; END $$",
        f"CREATE TRIGGER {table}_no_update_delete BEFORE UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION {table}_refuse_change()",
        f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {table}_refuse_change()",
    ]


def request_context() -> dict:
    """The request id and client address of the current request, or ``cli`` outside one."""
    if not has_request_context():
        return {"request_id": "cli", "client_ip": None}
    return {"request_id": g.get("request_id"), "client_ip": request.remote_addr}


class AuditRecorder:
    """The one recorder: appends events to one side's chain, inside the caller's transaction.

    Each side instantiates it with its audit model and a function returning its current session; a side with
    columns of its own passes them to ``record()`` as keywords (the council's council and case columns).
    """

    def __init__(self, model, *, session: Callable[[], Session], context: Callable[[], dict] = request_context):
        self.model, self.session, self.context = model, session, context

    def record(self, *, tag: StrEnum, actor=None, target=None, target_type: str | None = None,
               target_id: str | int | None = None, outcome: Outcome = Outcome.ALLOWED, basis: str | None = None,
               reason: str | None = None, linked_ids: Iterable[int] = (), **columns):
        """Append an event and return it; the caller commits (fail closed).

        ``target`` may be a model instance (its table name and id are recorded) instead of
        ``target_type``/``target_id``; ``linked_ids`` fill the side table (``__audit_links__``).
        """
        session = self.session()
        if target is not None:
            session.flush()
            target_type, target_id = target.__tablename__, target.id
        return append(session, self.model, now=utcnow(), linked_ids=linked_ids, tag=str(tag),
                      actor_user_id=actor.id if actor is not None else None, target_type=target_type,
                      target_id=str(target_id) if target_id is not None else None, outcome=str(outcome),
                      basis=str(basis) if basis is not None else None, reason=reason, **self.context(), **columns)

    def verify(self, *, progress: Callable[[int], None] | None = None) -> Verification:
        """Walk this side's whole chain (see ``verify``)."""
        return verify(self.session(), self.model, progress=progress)

    def count(self) -> int:
        """Events in the chain: the sequence number of its head."""
        return count(self.session(), self.model)
