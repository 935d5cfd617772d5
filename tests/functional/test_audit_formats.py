"""Format versions: the hashed fields are fixed per version, so a column added later never breaks old events."""

import datetime as dt
import uuid

import psycopg
import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import BigInteger, Column, MetaData, String, Table, Text, insert, select, text
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from council.audit.models import COUNCIL_FORMATS, AuditEvent
from council.core import migrate
from council.core.db import UTCDateTime, make_engine
from council.platform.models import PlatformAuditEvent
from council.security import auditchain
from council.security.auditchain import MIXIN_V1_FIELDS, AuditEventMixin, AuditRecorder, ChainFormat
from tests.conftest import PG_URL

WHEN = dt.datetime(2026, 4, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def empty_database(backend, tmp_path):
    """A database with nothing in it, on the test's backend (migrated step by step by the test)."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path}/old.db"
        return
    name = f"council_old_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_URL, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    yield PG_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1) + f"/{name}"
    with psycopg.connect(PG_URL, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE {name} WITH (FORCE)")


def _upgrade(engine, environment: str, revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(migrate.MIGRATIONS_ROOT / environment))
    with engine.connect() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
        connection.commit()


def _old_table(name: str, side_columns: tuple[str, ...]) -> Table:
    """The audit table as it was before format versions (what the code of that time wrote)."""
    columns = [Column("seq", BigInteger, primary_key=True), Column("occurred_at", UTCDateTime)]
    columns += [Column(n, BigInteger) for n in ("actor_user_id", *side_columns)]
    columns += [Column(n, Text) for n in ("tag", "target_type", "target_id", "outcome", "basis", "reason",
                                          "request_id", "client_ip", "prev_hash", "hash")]
    return Table(name, MetaData(), *columns)


@pytest.mark.parametrize(("environment", "before", "model", "side_columns"), [
    ("council", "0005", AuditEvent, ("council_id", "actor_institution_id")),
    ("platform", "0004", PlatformAuditEvent, ()),
])
def test_events_written_before_format_versions_still_verify_after_the_migration(
        empty_database, environment, before, model, side_columns):
    engine = make_engine(empty_database)
    _upgrade(engine, environment, before)
    old, prev, rows = _old_table(model.__tablename__, side_columns), auditchain.GENESIS_HASH, []
    for seq in range(1, 4):
        row = {"seq": seq, "occurred_at": WHEN + dt.timedelta(minutes=seq), "tag": "auth.login.succeeded",
               "actor_user_id": 7, "target_type": "user_account", "target_id": "7", "outcome": "allowed",
               "basis": None, "reason": None, "request_id": "r1", "client_ip": "10.0.0.1", "prev_hash": prev,
               **dict.fromkeys(side_columns, 1)}
        row["hash"] = prev = auditchain.event_hash(prev, row)  # every column but hash, as the old code hashed
        rows.append(row)
    with engine.begin() as connection:
        connection.execute(insert(old), rows)
    migrate.upgrade(engine, environment)  # to head: format versions, case columns, side table
    with Session(engine) as session:
        AuditRecorder(model, session=lambda: session).record(tag="account:login:succeeded")
        session.commit()
        assert session.scalars(select(model.format_version).order_by(model.seq)).all() == [1, 1, 1, 2]
        assert auditchain.verify(session, model) == auditchain.Verification(4)
        session.execute(text(f"DROP TRIGGER {model.__tablename__}_no_update") if engine.dialect.name == "sqlite"
                        else text(f"ALTER TABLE {model.__tablename__} DISABLE TRIGGER "
                                  f"{model.__tablename__}_no_update_delete"))
        session.execute(text(f"UPDATE {model.__tablename__} SET target_id = '8' WHERE seq = 2"))
        assert auditchain.verify(session, model).first_bad_seq == 2  # old events are still protected
    engine.dispose()


# -- a column added later -------------------------------------------------------------------------------


class _Before(DeclarativeBase):
    pass


class _After(DeclarativeBase):
    pass


class ProbeEvent(AuditEventMixin, _Before):
    """A test-only chain as a side would declare it today."""

    __tablename__ = "probe_audit_event"
    __audit_formats__ = {1: ChainFormat(MIXIN_V1_FIELDS, as_object=True),
                         2: ChainFormat((*MIXIN_V1_FIELDS, "format_version"))}


class ProbeEventWithChannel(AuditEventMixin, _After):
    """The same chain after a migration added a column: the new column goes into a new format, 3."""

    __tablename__ = "probe_audit_event"
    __audit_formats__ = {**ProbeEvent.__audit_formats__,
                         3: ChainFormat((*MIXIN_V1_FIELDS, "format_version", "channel"))}
    channel: Mapped[str | None] = mapped_column(String(20))


def _disable_triggers(session, table: str) -> None:
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text(f"DROP TRIGGER {table}_no_update"))
    else:
        session.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER {table}_no_update_delete"))


def test_a_column_added_later_never_invalidates_old_events(app):
    from council.database import db

    engine = db.engine_of(app)
    _Before.metadata.create_all(engine)
    with engine.begin() as connection:
        for statement in auditchain.append_only_ddl("probe_audit_event", engine.dialect.name):
            connection.execute(text(statement))
    with Session(engine) as session:
        before = AuditRecorder(ProbeEvent, session=lambda: session)
        for _ in range(3):
            before.record(tag="probe:event:written", reason="before the column")
        session.commit()
    with engine.begin() as connection:  # what a migration adding the column does
        connection.execute(text("ALTER TABLE probe_audit_event ADD COLUMN channel VARCHAR(20)"))
    with Session(engine) as session:
        after = AuditRecorder(ProbeEventWithChannel, session=lambda: session)
        for _ in range(2):
            after.record(tag="probe:event:written", channel="phone")
        session.commit()
        assert session.scalars(select(ProbeEventWithChannel.format_version)).all() == [2, 2, 2, 3, 3]
        assert after.verify() == auditchain.Verification(5)
        _disable_triggers(session, "probe_audit_event")
        session.execute(text("UPDATE probe_audit_event SET channel = 'visit' WHERE seq = 4"))
        assert after.verify().first_bad_seq == 4  # the new column is covered from format 3 on
        session.rollback()


def test_a_column_the_formats_do_not_name_is_not_read_by_verification(app):
    """The real chain: a column a migration adds (before a format names it) changes nothing for old events."""
    from council.audit.events import AuditTag, record
    from council.database import db

    with app.app_context():
        for _ in range(3):
            record(tag=AuditTag.AUDIT_LOG_VIEWED)
            db.session.commit()
        db.session.execute(text("ALTER TABLE audit_event ADD COLUMN later_column VARCHAR(20) DEFAULT 'x'"))
        db.session.commit()
        assert auditchain.verify(db.session, AuditEvent) == auditchain.Verification(3)


def test_format_one_is_exactly_what_events_were_hashed_over_before_versions():
    """Changing format 1 would break every chain written before format versions: it is frozen."""
    council, platform = COUNCIL_FORMATS[1], PlatformAuditEvent.__audit_formats__[1]
    assert council.as_object and platform.as_object  # a JSON object with sorted keys, as before
    assert set(council.fields) == {"seq", "occurred_at", "tag", "actor_user_id", "target_type", "target_id",
                                   "outcome", "basis", "reason", "request_id", "client_ip", "prev_hash",
                                   "council_id", "actor_institution_id"}
    assert set(platform.fields) == set(council.fields) - {"council_id", "actor_institution_id"}


def test_an_unknown_format_version_is_reported(app):
    from council.audit.events import AuditTag, record
    from council.database import db

    with app.app_context():
        record(tag=AuditTag.AUDIT_LOG_VIEWED)
        db.session.commit()
        _disable_triggers(db.session, "audit_event")
        db.session.execute(text("UPDATE audit_event SET format_version = 9"))
        result = auditchain.verify(db.session, AuditEvent)
        db.session.rollback()
    assert (result.first_bad_seq, result.problem) == (1, "format")
