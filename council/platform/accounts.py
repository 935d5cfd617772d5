"""Platform accounts: the shared account machinery bound to the platform's own tables and audit chain."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from council.platform.audit import PlatformTag, record
from council.platform.database import db
from council.platform.models import (
    PlatformLoginThrottle,
    PlatformRecoveryCode,
    PlatformRole,
    PlatformSession,
    PlatformSetupLink,
    PlatformUser,
)
from council.security import signin
from council.security.signin import AccountModels, AccountService

MODELS = AccountModels(user=PlatformUser, session=PlatformSession, recovery_code=PlatformRecoveryCode,
                       setup_link=PlatformSetupLink, ip_throttle=PlatformLoginThrottle)


class PlatformAccountError(Exception):
    """The account change cannot be made; the message says why."""


def build_account_service(config) -> AccountService:
    return signin.build_account_service(config, models=MODELS, record=record)


def create_admin(*, username: str, display_name: str) -> tuple[PlatformUser, str]:
    """Create a platform administrator without a password; return it and its setup link token. Commits."""
    username = username.strip().lower()
    if not username or db.session.scalar(select(PlatformUser).where(PlatformUser.username == username)):
        raise PlatformAccountError(f"The username {username!r} is empty or taken.")
    user = PlatformUser(username=username, display_name=display_name.strip() or username,
                        role=PlatformRole.ADMIN, failed_logins=0)
    db.session.add(user)
    record(tag=PlatformTag.ADMIN_CREATED, target=user)
    token = current_app.extensions["account_service"].issue_setup_link(db.session, actor=None, user=user)
    db.session.commit()
    return user, token
