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

import datetime as dt
import functools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from flask import g, has_request_context, request
from sqlalchemy import BigInteger, SmallInteger, String, Text, insert, select, text
from sqlalchemy.orm import Mapped, Session, mapped_column

from council.core.db import UTCDateTime, prepared, utcnow
from council.security.auditformat import (
    GENESIS_HASH,
    MIXIN_V1_FIELDS,
    ChainFormat,
    canonical_ids,
    event_hash,
)
from council.security.auditverify import PROBLEMS, Verification, verify

#: Names other modules take from here: the mechanism is one module to them, in three files.
__all__ = ["GENESIS_HASH", "MIXIN_V1_FIELDS", "PROBLEMS", "AuditEventMixin", "AuditRecorder", "ChainFormat",
           "LinkTable", "Outcome", "Verification", "append", "append_only_ddl", "canonical_ids", "count",
           "current_format", "event_hash", "request_context", "verify"]


class Outcome(StrEnum):
    ALLOWED = "allowed"
    DENIED = "denied"
    ERROR = "error"


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


_LOCK = prepared(text("SELECT pg_advisory_xact_lock(hashtext(:name))"))


def _lock_chain(session: Session, model) -> None:
    """Serialise appenders until the caller's transaction ends.

    PostgreSQL: a transaction-level advisory lock keyed on the table. SQLite: every transaction
    begins IMMEDIATE (core.db), so the writer already holds the database's single write lock.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(_LOCK, {"name": model.__tablename__})


def append(session: Session, model, *, now: dt.datetime, linked_ids: Iterable[int] = (), **fields):
    """Add one event (and its side-table rows) to the chain inside the caller's transaction and return it (not
    added to the session: it is in the table already).

    The event is written in the model's current format version. The caller commits; if the transaction
    rolls back, the event and whatever it recorded vanish together, which is how "fail closed" is achieved.
    """
    version, links = current_format(model), model.__audit_links__
    chain_format = model.__audit_formats__[version]
    ids = sorted({int(i) for i in linked_ids})
    if ids and (links is None or links.hashed_as not in chain_format.fields):
        raise ValueError(f"{model.__tablename__} format {version} does not hash linked ids")
    heading, inserting, linking = _statements(model)
    _lock_chain(session, model)
    session.flush()
    head = session.execute(heading).first()
    seq, prev_hash = (head.seq + 1, head.hash) if head else (1, GENESIS_HASH)
    row = {"seq": seq, "format_version": version, "occurred_at": now, "prev_hash": prev_hash, **fields}
    event = model(**row)
    values = {name: canonical_ids(ids) if links and name == links.hashed_as else getattr(event, name)
              for name in chain_format.fields}
    values["occurred_at"] = now
    event.hash = row["hash"] = event_hash(prev_hash, values, chain_format)
    # A plain INSERT, not the session's unit of work: the event is written once and never changed (append-only).
    session.execute(inserting, [row])
    if ids:
        session.execute(linking, [{"event_seq": seq, links.id_column: i} for i in ids])
    return event


@functools.cache
def _statements(model) -> tuple:
    """The head lookup and the inserts of ``model``'s chain, built once: every audited request runs them. Of the
    table's columns, not the mapped attributes: a select of mapped attributes runs through the ORM's execution (which
    took twice as long as the statement) though it loads no object."""
    links, table = model.__audit_links__, model.__table__
    return (prepared(select(table.c.seq, table.c.hash).order_by(table.c.seq.desc()).limit(1)), prepared(insert(table)),
            insert(links.model.__table__) if links is not None else None)


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
