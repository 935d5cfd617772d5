"""Platform accounts and the platform's own audit chain."""

from enum import StrEnum

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from council.platform.database import Base
from council.security.accounts import (
    IpThrottleMixin,
    RecoveryCodeMixin,
    SessionRecordMixin,
    SetupLinkMixin,
    UserAccountMixin,
)
from council.security.auditchain import AuditEventMixin


class PlatformRole(StrEnum):
    ADMIN = "admin"
    ORGANISATION_ADMIN = "organisation_admin"
    MEMBER = "member"


class PlatformUser(UserAccountMixin, Base):
    """A platform account. MFA is optional, except for platform administrators."""

    __tablename__ = "platform_user"
    #: One of PlatformRole.
    role: Mapped[str] = mapped_column(String(30))

    @property
    def mfa_required(self) -> bool:
        return self.role == PlatformRole.ADMIN


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
