"""Platform accounts and the platform's own audit chain."""

from enum import StrEnum

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from council.core.db import import_models
from council.core.i18n import lazy_gettext as _l
from council.platform.database import Base
from council.security.accounts import (
    IpThrottleMixin,
    RecoveryCodeMixin,
    SessionRecordMixin,
    SetupLinkMixin,
    UserAccountMixin,
)
from council.security.auditchain import MIXIN_V1_FIELDS, AuditEventMixin, ChainFormat


class PlatformRole(StrEnum):
    ADMIN = "admin"
    ORGANISATION_ADMIN = "organisation_admin"
    MEMBER = "member"

    @property
    def label(self):
        return {"admin": _l("Platform administrator"), "organisation_admin": _l("Organisation administrator"),
                "member": _l("Member")}[self.value]


class PlatformUser(UserAccountMixin, Base):
    """A platform account. MFA is optional, except for platform administrators."""

    __tablename__ = "platform_user"
    #: One of PlatformRole.
    role: Mapped[str] = mapped_column(String(30))
    #: The member organisation the account belongs to; empty for platform administrators.
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"),
                                                        index=True)

    @property
    def mfa_required(self) -> bool:
        return self.role == PlatformRole.ADMIN

    @property
    def is_platform_admin(self) -> bool:
        return self.role == PlatformRole.ADMIN

    @property
    def is_organisation_admin(self) -> bool:
        return self.role == PlatformRole.ORGANISATION_ADMIN


class PlatformSession(SessionRecordMixin, Base):
    __tablename__ = "platform_session"
    __user_table__ = "platform_user"


class PlatformRecoveryCode(RecoveryCodeMixin, Base):
    __tablename__ = "platform_recovery_code"
    __user_table__ = "platform_user"


class PlatformSetupLink(SetupLinkMixin, Base):
    __tablename__ = "platform_setup_link"
    __user_table__ = "platform_user"


class PlatformLoginThrottle(IpThrottleMixin, Base):
    __tablename__ = "platform_login_throttle"


class PlatformAuditEvent(AuditEventMixin, Base):
    """The platform's own chain: never holds text that users wrote, only ids and tags."""

    __tablename__ = "platform_audit_event"
    #: Format 1: what events were hashed over before format versions existed (old events verify against it);
    #: format 2 adds the version itself. A column added later goes into a format 3, never into these.
    __audit_formats__ = {1: ChainFormat(MIXIN_V1_FIELDS, as_object=True),
                         2: ChainFormat((*MIXIN_V1_FIELDS, "format_version"))}


def register_all() -> list[str]:
    """Import every platform feature's models so the metadata knows all platform tables (migrations, foreign keys)."""
    return import_models("council.platform")
