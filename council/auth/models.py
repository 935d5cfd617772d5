"""Councils, institutions and council-side user accounts."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from council.access.permissions import Role
from council.core.db import UTCDateTime, utcnow
from council.core.i18n import lazy_gettext as _l
from council.database import Base
from council.security.accounts import (
    IpThrottleMixin,
    RecoveryCodeMixin,
    SessionRecordMixin,
    SetupLinkMixin,
    UserAccountMixin,
)

_ID = BigInteger().with_variant(Integer, "sqlite")


class Council(Base):
    """A 協議会. One deployment may host several; nothing is visible across them."""

    __tablename__ = "council"
    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    #: e.g. 〇〇市孤独・孤立対策地域協議会
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class InstitutionType(StrEnum):
    GOVERNMENT = "government"
    SOCIAL_WELFARE_COUNCIL = "social_welfare_council"
    COMMUNITY_SUPPORT_CENTER = "community_support_center"
    NPO = "npo"
    SOCIAL_WELFARE_CORPORATION = "social_welfare_corporation"
    MEDICAL = "medical"
    SCHOOL = "school"
    POLICE = "police"
    OTHER = "other"

    @property
    def label(self):
        """Translated when rendered (a lazy string), so form choices built at import follow the page's language."""
        return INSTITUTION_TYPE_LABELS[self]

    @classmethod
    def parse(cls, text: str) -> InstitutionType:
        """Accept the code (``npo``) or the Japanese label (``NPO法人``); raise ValueError otherwise."""
        for kind in cls:
            if text in (kind.value, JAPANESE_TYPE_NAMES[kind]):
                return kind
        raise ValueError(text)


#: The glossary's names (DESIGN.md §4), accepted on the command line.
JAPANESE_TYPE_NAMES = {
    InstitutionType.GOVERNMENT: "行政",
    InstitutionType.SOCIAL_WELFARE_COUNCIL: "社協",
    InstitutionType.COMMUNITY_SUPPORT_CENTER: "地域包括",
    InstitutionType.NPO: "NPO法人",
    InstitutionType.SOCIAL_WELFARE_CORPORATION: "社会福祉法人",
    InstitutionType.MEDICAL: "医療",
    InstitutionType.SCHOOL: "学校",
    InstitutionType.POLICE: "警察",
    InstitutionType.OTHER: "その他",
}

INSTITUTION_TYPE_LABELS = {
    InstitutionType.GOVERNMENT: _l("Government (行政)"),
    InstitutionType.SOCIAL_WELFARE_COUNCIL: _l("Social welfare council (社協)"),
    InstitutionType.COMMUNITY_SUPPORT_CENTER: _l("Community general support centre (地域包括)"),
    InstitutionType.NPO: _l("NPO (NPO法人)"),
    InstitutionType.SOCIAL_WELFARE_CORPORATION: _l("Social welfare corporation (社会福祉法人)"),
    InstitutionType.MEDICAL: _l("Medical (医療)"),
    InstitutionType.SCHOOL: _l("School (学校)"),
    InstitutionType.POLICE: _l("Police (警察)"),
    InstitutionType.OTHER: _l("Other (その他)"),
}


class Institution(Base):
    """A 構成機関 of one council."""

    __tablename__ = "institution"
    __table_args__ = (
        UniqueConstraint("council_id", "name"),
        # At most one 調整機関 per council, enforced by the database as well as the service.
        Index("uq_institution_one_coordinator", "council_id", unique=True,
              sqlite_where=text("is_coordinator"), postgresql_where=text("is_coordinator")),
    )
    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("council.id"), index=True)
    #: Name as the council knows it, e.g. 〇〇市社会福祉協議会.
    name: Mapped[str] = mapped_column(String(200))
    #: One of InstitutionType.
    kind: Mapped[str] = mapped_column(String(40))
    #: True for the council's 調整機関 (coordinator institution).
    is_coordinator: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Public contact for colleagues in the council (phone, department): shown when a duplicate is found.
    contact: Mapped[str | None] = mapped_column(String(200))
    #: When True every caseworker of the institution reads all its cases; otherwise only assigned ones.
    caseworkers_see_all: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Optimistic lock for edits by two administrators at once.
    version: Mapped[int] = mapped_column(Integer, default=1)

    council: Mapped[Council] = relationship()

    @property
    def kind_label(self) -> str:
        return InstitutionType(self.kind).label


class User(UserAccountMixin, Base):
    """A council-side account. Belongs to one institution; MFA is mandatory."""

    __tablename__ = "user_account"
    #: The institution the user works for; the council follows from it.
    institution_id: Mapped[int] = mapped_column(ForeignKey("institution.id"), index=True)
    #: One of access.permissions.Role.
    role: Mapped[str] = mapped_column(String(20))

    institution: Mapped[Institution] = relationship(lazy="joined")

    #: Every council-side account signs in with a second factor.
    mfa_required = True

    @property
    def council_id(self) -> int:
        return self.institution.council_id

    @property
    def role_label(self) -> str:
        return Role(self.role).label


class UserSession(SessionRecordMixin, Base):
    __tablename__ = "user_session"
    __user_table__ = "user_account"


class RecoveryCode(RecoveryCodeMixin, Base):
    __tablename__ = "recovery_code"
    __user_table__ = "user_account"


class SetupLink(SetupLinkMixin, Base):
    """A one-time link; with no user it is the first-administrator link printed by ``make run``."""

    __tablename__ = "setup_link"
    __user_table__ = "user_account"


class LoginThrottle(IpThrottleMixin, Base):
    __tablename__ = "login_throttle"


class PledgeAcceptance(Base):
    """A user accepted version ``version`` of the 秘密保持誓約 at ``accepted_at``."""

    __tablename__ = "pledge_acceptance"
    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    version: Mapped[str] = mapped_column(String(20))
    accepted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
