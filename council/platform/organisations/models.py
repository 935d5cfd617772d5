"""Member organisations. Everything here is public information about organisations, never about people."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from council.core.db import UTCDateTime, utcnow
from council.core.i18n import lazy_gettext as _l
from council.platform.common import ID
from council.platform.database import Base


class OrganisationKind(StrEnum):
    NPO = "npo"
    SOCIAL_WELFARE = "social_welfare"
    COMPANY = "company"
    GOVERNMENT = "government"
    VOLUNTARY = "voluntary"
    OTHER = "other"

    @property
    def label(self):
        return {
            "npo": _l("NPO corporation (NPO法人)"), "social_welfare": _l("Social welfare corporation (社会福祉法人)"),
            "company": _l("Company (企業)"), "government": _l("Administration (行政)"),
            "voluntary": _l("Voluntary group (任意団体)"), "other": _l("Other"),
        }[self.value]


class ActivityField(StrEnum):
    """Fields of activity; organisations, places and projects are filtered by them."""

    ELDERLY = "elderly"
    CHILDREN = "children"
    YOUTH = "youth"
    DISABILITY = "disability"
    POVERTY = "poverty"
    PLACES = "places"
    WATCHING = "watching"
    FOOD = "food"
    WORK = "work"
    MULTICULTURAL = "multicultural"
    COMMUNITY = "community"
    OTHER = "other"

    @property
    def label(self):
        return {
            "elderly": _l("Older people"), "children": _l("Children and child-rearing"), "youth": _l("Young people"),
            "disability": _l("Disability"), "poverty": _l("Financial hardship"),
            "places": _l("Places to belong (居場所づくり)"), "watching": _l("Looking in on neighbours (見守り)"),
            "food": _l("Food support"), "work": _l("Work and learning"), "multicultural": _l("Multicultural community"),
            "community": _l("Community building and disaster preparedness"), "other": _l("Other"),
        }[self.value]


class OrganisationStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    DECLINED = "declined"

    @property
    def label(self):
        return {"pending": _l("Waiting for review"), "approved": _l("Member"), "declined": _l("Declined")}[self.value]


class Organisation(Base):
    """An organisation that applied to take part; a member once a platform administrator approves it."""

    __tablename__ = "organisation"
    id: Mapped[int] = mapped_column(ID, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    #: One of OrganisationKind.
    kind: Mapped[str] = mapped_column(String(30))
    #: The area it mainly works in, one of the configured AREAS.
    area: Mapped[str] = mapped_column(String(100))
    #: What the organisation does, shown in the directory.
    description: Mapped[str] = mapped_column(Text, default="")
    #: The organisation's public contact (office phone, e-mail, address): the only place these may appear.
    public_contact: Mapped[str] = mapped_column(Text, default="")
    #: Its own public web site, if any.
    website: Mapped[str] = mapped_column(String(300), default="")
    #: One of OrganisationStatus.
    status: Mapped[str] = mapped_column(String(20), default=OrganisationStatus.PENDING)
    applied_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: When a platform administrator decided the application (who did is in the audit trail).
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: Why an application was declined, shown to nobody but administrators.
    decline_reason: Mapped[str] = mapped_column(Text, default="")
    #: Optimistic lock for profile edits.
    version: Mapped[int] = mapped_column(Integer, default=1)
    fields: Mapped[list[OrganisationField]] = relationship(cascade="all, delete-orphan", lazy="selectin",
                                                           order_by="OrganisationField.field")

    @property
    def field_codes(self) -> list[str]:
        return [f.field for f in self.fields]

    @property
    def is_member(self) -> bool:
        return self.status == OrganisationStatus.APPROVED


class OrganisationField(Base):
    """One field of activity of an organisation."""

    __tablename__ = "organisation_field"
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True)
    #: One of ActivityField.
    field: Mapped[str] = mapped_column(String(30), primary_key=True, index=True)


class Application(Base):
    """Who applied for an organisation: becomes the organisation's first administrator on approval."""

    __tablename__ = "organisation_application"
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True)
    #: The login name the applicant asked for; reserved (unique) until the application is decided.
    username: Mapped[str] = mapped_column(String(64), unique=True)
    #: The applicant's name as colleagues will see it.
    display_name: Mapped[str] = mapped_column(String(100))
