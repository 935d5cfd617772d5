"""Walking an audit chain: every event against its own format version, side-table ids included.

Written for speed (DESIGN §8 asks for 100k events/s; docs/performance.md has the figures): rows come straight
from the driver's cursor in batches (on PostgreSQL the next batch is fetched while this one is hashed), the
database groups the side table, and each format's layout is worked out once.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from operator import itemgetter

from sqlalchemy.orm import Session

from council.core.db import UTCDateTime
from council.security.auditformat import GENESIS_HASH, canonical_ids, digest


@dataclass
class Verification:
    """The result of walking the chain."""

    checked: int
    first_bad_seq: int | None = None
    #: ``missing`` (a gap), ``link`` (previous hash differs: moved or inserted), ``content`` (altered),
    #: ``format`` (a format version the code does not know), ``marks`` (a side's derived, unhashed columns disagree
    #: with the hashed ones: council.audit.marks), ``counts`` (a day's kept access counts disagree with its events:
    #: council.audit.reviews.daily).
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
    "marks": "the event's marks for the auditor's filters do not match its content (altered)",
    "counts": "the access counts kept for this event's day do not match the day's events (altered)",
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


def _layoutdigest(prev_hash: str, layout: _Layout, values: list) -> str:
    return digest(prev_hash, dict(zip(layout.names, values, strict=True)) if layout.as_object else values)


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
            if _layoutdigest(prev_hash, layout, values) != row[hash_at] \
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
    return _layoutdigest(prev_hash, layout, values) == expected


def _linked_ids(driver, dialect: str, links) -> Iterator[tuple[int, str]]:
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
