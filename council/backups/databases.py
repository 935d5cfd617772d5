"""Dumping and loading a database with its own tools: SQLite's online backup API (a consistent copy while the app
runs, made in memory), PostgreSQL's pg_dump / pg_restore (custom format, through pipes). Nothing is written to a
temporary file: the dump is encrypted from memory, and a restore writes only into the target database."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess

from sqlalchemy import create_engine, inspect
from sqlalchemy.engine import make_url

from council.backups.archive import BackupError
from council.core.db import create_private_sqlite_file, sqlite_file


def backend(url: str) -> str:
    return "sqlite" if url.startswith("sqlite") else "postgresql"


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """A libpq connection string for ``url`` without its password, and the environment that carries it (so that
    no password shows in the process list)."""
    parsed = make_url(url)
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = parsed.password
    return parsed.set(drivername="postgresql", password=None).render_as_string(hide_password=False), env


def dump(url: str) -> bytes:
    """A consistent copy of the database at ``url``."""
    if backend(url) == "sqlite":
        path = sqlite_file(url)
        if path is None or not path.exists():
            raise BackupError(f"The database {path or url} does not exist. Run `council init`.")
        source, memory = sqlite3.connect(path), sqlite3.connect(":memory:")
        try:
            source.backup(memory)
            image = bytearray(memory.serialize())
        finally:
            source.close()
            memory.close()
        # The copy keeps the WAL flag of its source (file format bytes 18-19 = 2), which an image loaded in memory
        # cannot open: mark it a rollback-journal database; the app turns WAL on again when it connects.
        image[18:20] = b"\x01\x01"
        return bytes(image)
    return _run("pg_dump", url, "--format=custom", "--no-owner", "--no-acl")


def is_empty(url: str) -> bool:
    """Whether the database at ``url`` has no table yet (or, for SQLite, no file)."""
    if backend(url) == "sqlite":
        path = sqlite_file(url)
        if path is None or not path.exists() or path.stat().st_size == 0:
            return True
    engine = create_engine(url)
    try:
        return not inspect(engine).get_table_names()
    finally:
        engine.dispose()


def load(url: str, data: bytes) -> None:
    """Load a dump into the empty database at ``url`` (refused when it holds tables)."""
    if not is_empty(url):
        raise BackupError(f"The target database {make_url(url).render_as_string(hide_password=True)} is not "
                          "empty: restore only into a new instance.")
    if backend(url) == "sqlite":
        create_private_sqlite_file(url)
        memory, target = sqlite3.connect(":memory:"), sqlite3.connect(sqlite_file(url))
        try:
            memory.deserialize(data)
            memory.backup(target)
        finally:
            memory.close()
            target.close()
        return
    _run("pg_restore", url, "--no-owner", "--no-acl", "--exit-on-error", data=data)


def _run(tool: str, url: str, *options: str, data: bytes | None = None) -> bytes:
    """Run PostgreSQL's ``tool`` on the database at ``url`` (its password in the environment), through pipes."""
    executable = shutil.which(tool)
    if executable is None:
        raise BackupError(f"{tool} is not installed: install PostgreSQL's client tools (postgresql-client) of the "
                          "server's major version.")
    dsn, env = _libpq(url)
    # The arguments are ours and the connection string is the operator's own configuration, never user input.
    done = subprocess.run([executable, *options, f"--dbname={dsn}"], input=data,  # noqa: S603
                          capture_output=True, env=env, check=False)
    if done.returncode != 0:
        raise BackupError(f"{tool} failed: {done.stderr.decode(errors='replace').strip()[:500]}")
    return done.stdout
