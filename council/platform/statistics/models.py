"""Imported statistics snapshots: the signed payload as received, never anything finer."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from council.core.db import UTCDateTime, utcnow
from council.platform.database import Base

_ID = BigInteger().with_variant(Integer, "sqlite")


class StatisticsSnapshot(Base):
    """One accepted `council stats export` file: the council's counts at one moment."""

    __tablename__ = "statistics_snapshot"
    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    #: The council's display name, as signed.
    council_name: Mapped[str] = mapped_column(String(200))
    #: When the council made the export (UTC, to the second).
    generated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    #: Counts below k are "<k" in the payload.
    k: Mapped[int] = mapped_column(Integer)
    #: The signed payload text, byte for byte (canonical JSON of format council-stats/1).
    payload: Mapped[str] = mapped_column(Text)
    #: SHA-256 hex of the payload text: the same statistics cannot be imported twice.
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    #: Fingerprint of the council key that signed it (SHA-256 hex of the raw public key).
    key_fingerprint: Mapped[str] = mapped_column(String(64))
    imported_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
