"""Co-creation projects, their partner organisations and their updates."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from council.core.db import UTCDateTime, utcnow
from council.core.i18n import lazy_gettext as _l
from council.platform.common import ID
from council.platform.database import Base


class ProjectStatus(StrEnum):
    IDEA = "idea"
    ACTIVE = "active"
    PAUSED = "paused"
    DONE = "done"

    @property
    def label(self):
        return {"idea": _l("Being planned"), "active": _l("Under way"), "paused": _l("Paused"),
                "done": _l("Finished")}[self.value]


class Project(Base):
    """A project that organisations take on together (e.g. a shared food pantry, a 見守り network)."""

    __tablename__ = "project"
    id: Mapped[int] = mapped_column(ID, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    #: What the project wants to achieve.
    goal: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, default="")
    #: One of ProjectStatus.
    status: Mapped[str] = mapped_column(String(20), default=ProjectStatus.IDEA)
    #: The organisation that started it; its staff may edit the project.
    lead_organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("platform_user.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Optimistic lock: an edit based on an older version is refused.
    version: Mapped[int] = mapped_column(Integer, default=1)
    partners: Mapped[list[ProjectPartner]] = relationship(cascade="all, delete-orphan", lazy="selectin",
                                                          order_by="ProjectPartner.joined_at")
    updates: Mapped[list[ProjectUpdate]] = relationship(cascade="all, delete-orphan",
                                                        order_by="ProjectUpdate.created_at.desc()")

    @property
    def partner_ids(self) -> set[int]:
        return {p.organisation_id for p in self.partners}


class ProjectPartner(Base):
    """An organisation taking part in a project (the lead organisation is one too)."""

    __tablename__ = "project_partner"
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True,
                                                 index=True)
    joined_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class ProjectUpdate(Base):
    """A progress note by a partner organisation's staff."""

    __tablename__ = "project_update"
    id: Mapped[int] = mapped_column(ID, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("platform_user.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
