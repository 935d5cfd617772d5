"""Shared documents and training announcements."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import Date, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column

from council.core.db import UTCDateTime, utcnow
from council.core.i18n import lazy_gettext as _l
from council.platform.common import ID
from council.platform.database import Base


class ResourceKind(StrEnum):
    DOCUMENT = "document"
    TRAINING = "training"

    @property
    def label(self):
        return {"document": _l("Document"), "training": _l("Training")}[self.value]


class Resource(Base):
    """A document or a training announcement; optionally with one file and a link."""

    __tablename__ = "resource"
    id: Mapped[int] = mapped_column(ID, primary_key=True)
    #: One of ResourceKind.
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    #: For training: the (first) day it takes place.
    held_on: Mapped[dt.date | None] = mapped_column(Date)
    #: A public web page about it, if any.
    link: Mapped[str] = mapped_column(String(300), default="")
    #: Who shared it; their organisation's staff (and administrators) may remove it.
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("platform_user.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: The attached file's name as uploaded (checked by the PII guard), type (by its first bytes) and size.
    file_name: Mapped[str] = mapped_column(String(200), default="")
    file_type: Mapped[str] = mapped_column(String(100), default="")
    file_size: Mapped[int] = mapped_column(Integer, default=0)
    #: The file itself, loaded only for downloads.
    file_content: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
