"""Places and activities that organisations publish, and the dates they take place on."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from council.core.db import UTCDateTime, utcnow
from council.core.i18n import lazy_gettext as _l
from council.platform.common import ID
from council.platform.database import Base


class PlaceKind(StrEnum):
    PLACE = "place"
    ACTIVITY = "activity"
    EVENT = "event"

    @property
    def label(self):
        return {"place": _l("Place to belong (居場所)"), "activity": _l("Regular activity"),
                "event": _l("Event")}[self.value]


class Place(Base):
    """A community place, regular activity or event, published by a member organisation."""

    __tablename__ = "place"
    id: Mapped[int] = mapped_column(ID, primary_key=True)
    #: The organising member organisation; only its staff may edit.
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    #: One of PlaceKind.
    kind: Mapped[str] = mapped_column(String(20))
    #: One of the configured AREAS.
    area: Mapped[str] = mapped_column(String(100), index=True)
    #: Where it is held: a public facility's name or the organisation's own premises (never a private home).
    venue: Mapped[str] = mapped_column(String(300), default="")
    #: When it usually happens, in words (毎週水曜 10時〜12時).
    schedule: Mapped[str] = mapped_column(Text, default="")
    #: Who it is for.
    audience: Mapped[str] = mapped_column(Text, default="")
    how_to_join: Mapped[str] = mapped_column(Text, default="")
    cost: Mapped[str] = mapped_column(String(200), default="")
    accessibility: Mapped[str] = mapped_column(Text, default="")
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Optimistic lock: an edit based on an older version is refused.
    version: Mapped[int] = mapped_column(Integer, default=1)
    fields: Mapped[list[PlaceField]] = relationship(cascade="all, delete-orphan", lazy="selectin",
                                                    order_by="PlaceField.field")
    sessions: Mapped[list[PlaceSession]] = relationship(cascade="all, delete-orphan", order_by="PlaceSession.starts_at",
                                                        back_populates="place")

    @property
    def field_codes(self) -> list[str]:
        return [f.field for f in self.fields]


class PlaceField(Base):
    """A field of activity the place or activity belongs to (for filtering)."""

    __tablename__ = "place_field"
    place_id: Mapped[int] = mapped_column(ForeignKey("place.id", ondelete="CASCADE"), primary_key=True)
    #: One of organisations.models.ActivityField.
    field: Mapped[str] = mapped_column(String(30), primary_key=True, index=True)


class PlaceSession(Base):
    """One date on which the place is open or the activity or event takes place; feeds the calendar."""

    __tablename__ = "place_session"
    id: Mapped[int] = mapped_column(ID, primary_key=True)
    place_id: Mapped[int] = mapped_column(ForeignKey("place.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    #: A short note for that date (theme, 持ち物).
    note: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    place: Mapped[Place] = relationship(back_populates="sessions")
