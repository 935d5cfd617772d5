"""Column types and small helpers every platform feature shares."""

from __future__ import annotations

from sqlalchemy import BigInteger, Integer

#: Primary keys: 64-bit on PostgreSQL, SQLite's rowid alias there.
ID = BigInteger().with_variant(Integer, "sqlite")


class StaleEdit(Exception):
    """Someone saved the same thing after this form was opened; nothing was written."""


def check_version(row, submitted_version: int | None) -> None:
    """Refuse an edit based on an older version of ``row`` (optimistic locking); bump the version otherwise."""
    try:
        current = int(submitted_version)
    except (TypeError, ValueError):
        raise StaleEdit() from None
    if current != row.version:
        raise StaleEdit()
    row.version += 1
