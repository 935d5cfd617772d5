"""Council-side account services: the account machinery, the pledge, councils and the first administrator.

Every function that changes data records its audit event in the same transaction and commits.
"""

from __future__ import annotations

import datetime as dt
import re

from flask import current_app, g, has_request_context
from sqlalchemy import func, select

from council.access.permissions import Role
from council.audit.events import AuditTag, record
from council.auth.models import (
    Council,
    Institution,
    InstitutionType,
    LoginThrottle,
    PledgeAcceptance,
    RecoveryCode,
    SetupLink,
    User,
    UserSession,
)
from council.auth.pledge import CURRENT_VERSION
from council.core.db import utcnow
from council.core.i18n import gettext as _
from council.database import db
from council.security import signin, totp
from council.security.signin import AccountEvent, AccountModels, AccountService, SetupError
from council.security.tokens import new_token, token_hash

MODELS = AccountModels(user=User, session=UserSession, recovery_code=RecoveryCode, setup_link=SetupLink,
                       ip_throttle=LoginThrottle)


USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{2,63}")


class AdminError(Exception):
    """An administrative change cannot be made; the message is shown to the administrator."""


def build_account_service(config) -> AccountService:
    # The pledge the gate asks about on every page is read with the session and the user, in one query.
    return signin.build_account_service(config, models=MODELS, record=record,
                                        session_extras=((_latest_pledge(User.id), _remember_pledge),))


def accounts() -> AccountService:
    return current_app.extensions["account_service"]


def username_problem(username: str) -> str | None:
    """Why ``username`` (already lower-cased) cannot be used, or None."""
    if not USERNAME.fullmatch(username):
        return _("Usernames use 3 to 64 letters a-z, digits, '-', '_' and '.'.")
    if db.session.scalar(select(User).where(User.username == username)):
        return _("This username is taken.")
    return None


# -- pledge -----------------------------------------------------------------------------------------


def pledge_due(user: User) -> bool:
    """True when the user has not accepted the current pledge version within the configured period.

    Asked by the gate and again by the page layout: answered once per request, from the query that loaded the
    session (``_remember_pledge``) or else by a query of its own."""
    if has_request_context() and g.get("pledge_due_for", (None,))[0] == user.id:
        return g.pledge_due_for[1]
    latest = db.session.scalar(select(_latest_pledge(user.id)))
    return _remember_pledge(user, latest)


def _latest_pledge(user_id):
    """When the user last accepted the current pledge version (None if never), as a scalar subquery."""
    return (select(func.max(PledgeAcceptance.accepted_at))
            .where(PledgeAcceptance.user_id == user_id, PledgeAcceptance.version == CURRENT_VERSION)
            .scalar_subquery())


def _remember_pledge(user: User, latest: dt.datetime | None) -> bool:
    due = latest is None or utcnow() - latest > current_app.config["PLEDGE_VALID_FOR"]
    if has_request_context():
        g.pledge_due_for = (user.id, due)
    return due


def accept_pledge(user: User) -> None:
    """Record that ``user`` accepted the current pledge now. Commits."""
    if has_request_context():
        g.pop("pledge_due_for", None)
    db.session.add(PledgeAcceptance(user_id=user.id, version=CURRENT_VERSION, accepted_at=utcnow()))
    record(tag=AuditTag.PLEDGE_ACCEPTED, actor=user, target=user, reason=f"version {CURRENT_VERSION}")
    db.session.commit()


def last_pledge(user: User) -> PledgeAcceptance | None:
    return db.session.scalar(select(PledgeAcceptance).where(PledgeAcceptance.user_id == user.id)
                             .order_by(PledgeAcceptance.accepted_at.desc()).limit(1))


# -- councils and the first administrator ----------------------------------------------------------


def create_council(name: str, *, actor: User | None = None) -> Council:
    """Create a council. Commits. Raises AdminError when the name is taken or empty."""
    name = name.strip()
    if not name:
        raise AdminError(_("The council needs a name."))
    if db.session.scalar(select(Council).where(Council.name == name)):
        raise AdminError(_("A council named %(name)s already exists.", name=name))
    council = Council(name=name)
    db.session.add(council)
    record(tag=AuditTag.COUNCIL_CREATED, actor=actor, target=council)
    db.session.commit()
    return council


def admin_exists() -> bool:
    return bool(db.session.scalar(select(func.count()).select_from(User).where(User.role == Role.ADMIN)))


def issue_first_admin_link(lifetime: dt.timedelta = dt.timedelta(hours=24)) -> str:
    """A one-time link for creating the first administrator; earlier ones stop working. Commits."""
    for old in db.session.scalars(select(SetupLink).where(SetupLink.user_id.is_(None), SetupLink.used_at.is_(None))):
        old.used_at = utcnow()
    token = new_token()
    db.session.add(SetupLink(token_hash=token_hash(token), user_id=None, expires_at=utcnow() + lifetime))
    record(tag=AuditTag.FIRST_ADMIN_LINK_CREATED)
    db.session.commit()
    return token


def find_first_admin_link(token: str) -> SetupLink | None:
    link = db.session.scalar(select(SetupLink).where(SetupLink.token_hash == token_hash(token)))
    if link is None or link.user_id is not None or not link.usable or admin_exists():
        return None
    return link


def create_first_admin(*, link: SetupLink, council_name: str, institution_name: str, institution_kind: str,
                       username: str, display_name: str, password: str, confirm: str, code: str) -> list[str]:
    """Create the council (unless it exists), the administrator's institution and account. Commits.

    Returns the recovery codes. Raises SetupError, writing nothing, when any value is not acceptable.
    """
    service = accounts()
    service.claim_setup_link(db.session, link)
    if admin_exists():
        raise SetupError([_("An administrator exists already; this link no longer works.")])
    secret = link.pending_totp_secret
    username = username.strip().lower()
    problems = service.password_problems(password, confirm, username=username)
    if username_problem(username):
        problems.append(username_problem(username))
    step = totp.verify(secret, code, last_step=None) if secret else None
    if step is None:
        problems.append(_("The six-digit code from the authenticator app is not correct."))
    if problems:
        db.session.rollback()
        raise SetupError(problems)
    council = db.session.scalar(select(Council).where(Council.name == council_name.strip()))
    if council is None:
        council = Council(name=council_name.strip())
        db.session.add(council)
        record(tag=AuditTag.COUNCIL_CREATED, target=council)
    institution = db.session.scalar(select(Institution).where(
        Institution.council_id == council.id, Institution.name == institution_name.strip()))
    if institution is None:
        institution = Institution(council_id=council.id, name=institution_name.strip(),
                                  kind=InstitutionType(institution_kind).value, is_coordinator=False)
        db.session.add(institution)
        record(tag=AuditTag.INSTITUTION_CREATED, target=institution, council_id=council.id)
    user = User(username=username, display_name=display_name.strip(), institution=institution, role=Role.ADMIN,
                password_hash=service.hasher.hash(password), password_changed_at=utcnow(),
                totp_secret=secret, totp_last_step=step, failed_logins=0)
    db.session.add(user)
    link.used_at = utcnow()
    record(tag=AuditTag.USER_CREATED, actor=None, target=user, reason="first administrator")
    codes = service.replace_recovery_codes(db.session, user)
    record(tag=AccountEvent.SETUP_LINK_USED, actor=user, target=user)
    db.session.commit()
    return codes
