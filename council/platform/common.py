"""Column types every platform feature shares."""

from __future__ import annotations

from sqlalchemy import BigInteger, Integer

#: Primary keys: 64-bit on PostgreSQL, SQLite's rowid alias there.
ID = BigInteger().with_variant(Integer, "sqlite")
