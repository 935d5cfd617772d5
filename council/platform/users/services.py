"""Account administration by platform administrators. Each change is audited and committed.

An administrator never sets or sees a password: resetting an account yields a setup link for its owner.
Platform administrators' own accounts are not managed here: one administrator could otherwise take over
another's account (and its second factor) with a new setup link; ``council platform create-admin`` and the
database's operator stay the way for those.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import func, select

from council.core.db import utcnow
from council.core.editing import lock_and_bump
from council.core.i18n import gettext as _
from council.platform.audit import PlatformTag, record
from council.platform.database import db
from council.platform.models import PlatformSession, PlatformUser
from council.platform.organisations.models import Organisation


class UserAdminError(Exception):
    """The account change cannot be made; the message says why. Nothing was written."""


@dataclass(frozen=True)
class Account:
    """One row of the accounts list."""

    user: PlatformUser
    #: The member organisation's name; empty for platform administrators.
    organisation: str
    #: Sessions not ended (some may have run idle since: they end at their next use).
    open_sessions: int


def accounts() -> list[Account]:
    """Every platform account, platform administrators first, then by organisation and username."""
    open_sessions = (select(PlatformSession.user_id, func.count().label("n"))
                     .where(PlatformSession.ended_at.is_(None)).group_by(PlatformSession.user_id).subquery())
    rows = db.session.execute(
        select(PlatformUser, Organisation.name, open_sessions.c.n)
        .outerjoin(Organisation, Organisation.id == PlatformUser.organisation_id)
        .outerjoin(open_sessions, open_sessions.c.user_id == PlatformUser.id)
        .order_by(PlatformUser.organisation_id.is_not(None), Organisation.name, PlatformUser.username))
    return [Account(user=user, organisation=name or "", open_sessions=sessions or 0) for user, name, sessions in rows]


def account(user_id: int) -> Account | None:
    """The list's row for one account, or None."""
    return next((row for row in accounts() if row.user.id == user_id), None)


def live_sessions(user: PlatformUser) -> list:
    return current_app.extensions["account_service"].registry.live_for(db.session, user.id)


def _check_manageable(actor: PlatformUser, user: PlatformUser) -> None:
    if user.id == actor.id:
        raise UserAdminError(_("You cannot do this to your own account; use your account page, or ask another "
                               "platform administrator."))
    if user.is_platform_admin:
        raise UserAdminError(_("Platform administrators' accounts are not reset or disabled here: a new setup "
                               "link would let one administrator take over another's account. Use the command "
                               "line on the server."))


def reset(*, actor: PlatformUser, user: PlatformUser) -> str:
    """Clear the account's password and second factor, end its sessions and return a new setup link token for
    its owner (earlier links stop working). Raises UserAdminError for oneself or a platform administrator."""
    _check_manageable(actor, user)
    if user.disabled_at is not None:
        raise UserAdminError(_("The account is disabled. Enable it first."))
    service = current_app.extensions["account_service"]
    lock_and_bump(user)
    user.password_hash = user.totp_secret = user.totp_last_step = None
    user.failed_logins, user.locked_until = 0, None
    record(tag=PlatformTag.USER_RESET, actor=actor, target=user)
    service.end_sessions(db.session, actor=actor, user=user, reason="reset")
    token = service.issue_setup_link(db.session, actor=actor, user=user)
    db.session.commit()
    return token


def set_disabled(*, actor: PlatformUser, user: PlatformUser, disabled: bool) -> None:
    """Disable an account (its sessions end, its setup links stop working) or enable it again; doing it twice
    changes nothing. Raises UserAdminError for oneself or a platform administrator."""
    _check_manageable(actor, user)
    service = current_app.extensions["account_service"]
    lock_and_bump(user)
    if disabled and user.disabled_at is None:
        user.disabled_at = utcnow()
        record(tag=PlatformTag.USER_DISABLED, actor=actor, target=user)
        service.end_sessions(db.session, actor=actor, user=user, reason="disabled")
        service.revoke_setup_links(db.session, user=user)
    elif not disabled and user.disabled_at is not None:
        user.disabled_at, user.failed_logins, user.locked_until = None, 0, None
        record(tag=PlatformTag.USER_ENABLED, actor=actor, target=user)
    db.session.commit()


def end_sessions(*, actor: PlatformUser, user: PlatformUser) -> int:
    """End every session of ``user`` (a platform administrator's too: a stolen session is ended this way);
    return how many. Raises UserAdminError for oneself (the account page ends one's other sessions)."""
    if user.id == actor.id:
        raise UserAdminError(_("You cannot do this to your own account; use your account page, or ask another "
                               "platform administrator."))
    ended = current_app.extensions["account_service"].end_sessions(db.session, actor=actor, user=user,
                                                                   reason="revoked")
    db.session.commit()
    return ended
