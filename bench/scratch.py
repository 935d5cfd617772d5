"""A scratch PostgreSQL database for one benchmark run: created, handed over as a SQLAlchemy URL, dropped.

Every bench that measures PostgreSQL uses this (``from scratch import postgres_database``; the bench folder is
on ``sys.path`` when a bench runs as a script)."""

from __future__ import annotations

import sys
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import psycopg


def reachable(admin_dsn: str) -> bool:
    """Whether PostgreSQL answers at ``admin_dsn`` (a bench skips its PostgreSQL half otherwise)."""
    try:
        with psycopg.connect(admin_dsn, connect_timeout=3):
            return True
    except psycopg.OperationalError:
        return False


@contextmanager
def postgres_database(admin_dsn: str, prefix: str = "council_bench") -> Iterator[str]:
    """A new, empty database beside ``admin_dsn``'s; yields its ``postgresql+psycopg://`` URL, drops it after."""
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin_dsn, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    try:
        yield admin_dsn.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1) + f"/{name}"
    finally:
        with psycopg.connect(admin_dsn, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def run_on_postgres(admin_dsn: str, run: Callable[[str], None]) -> None:
    """``run(url)`` on a scratch database (:func:`postgres_database`), or a note on stderr that PostgreSQL is not
    reachable at ``admin_dsn`` and the bench's PostgreSQL half is skipped."""
    if not reachable(admin_dsn):
        print("PostgreSQL not reachable; skipped", file=sys.stderr)
        return
    with postgres_database(admin_dsn) as url:
        run(url)
