"""Bring a database to the newest migration, safely when several processes start at once."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Engine

MIGRATIONS_ROOT = Path(__file__).resolve().parents[2] / "migrations"

#: Arbitrary constant for the PostgreSQL advisory lock that serialises migrations across workers.
_MIGRATION_LOCK_ID = 0x636F756E63696C


def _config(environment: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_ROOT / environment))
    return config


def head_revision(environment: str) -> str:
    return ScriptDirectory.from_config(_config(environment)).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, environment: str) -> None:
    """Run ``alembic upgrade head`` for ``environment`` ("council" or "platform") on ``engine``.

    On PostgreSQL a session-level advisory lock makes concurrent starters wait for each other; on
    SQLite every transaction already holds the write lock (BEGIN IMMEDIATE, see core.db).
    """
    if current_revision(engine) == head_revision(environment):
        return
    config = _config(environment)
    with engine.connect() as connection:
        is_postgres = connection.dialect.name == "postgresql"
        if is_postgres:
            connection.execute(text("SELECT pg_advisory_lock(:id)"), {"id": _MIGRATION_LOCK_ID})
            connection.commit()
        try:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
            connection.commit()
        finally:
            if is_postgres:
                connection.execute(text("SELECT pg_advisory_unlock(:id)"), {"id": _MIGRATION_LOCK_ID})
                connection.commit()


class DatabaseUnavailable(RuntimeError):
    """The database could not be reached or migrated at start-up; the message names the fix."""


def prepare(engine: Engine, environment: str, *, url_variable: str, init_command: str) -> None:
    """Bring ``engine``'s database to head at start-up, or raise DatabaseUnavailable saying what to do."""
    from sqlalchemy.exc import OperationalError

    try:
        upgrade(engine, environment)
    except OperationalError as error:
        raise DatabaseUnavailable(
            f"The {environment} database is not reachable ({type(error.orig).__name__}). Check {url_variable} "
            f"and that the database server is running, then run `{init_command}`."
        ) from None
