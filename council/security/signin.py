"""Signing in, the second factor, setup links and password changes: one service for both sides.

Each side gives it its own tables (``AccountModels``) and its own audit recorder, so the mechanism is
shared while the data stays apart.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import bindparam, func, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, defer

from council.core.db import end_reading, lock_for_update, prepared, reading, utcnow
from council.core.i18n import gettext
from council.security import totp
from council.security.accounts import SessionRegistry
from council.security.auditchain import Outcome
from council.security.passwords import Argon2Parameters, PasswordHasher, policy_problems
from council.security.tokens import new_token, token_hash


class AccountEvent(StrEnum):
    """Sign-in, session and setup-link tags, ``source:subject:action``; both sides record them in their own chain."""

    LOGIN_SUCCEEDED = "account:login:succeeded"
    LOGIN_FAILED = "account:login:failed"
    MFA_SUCCEEDED = "account:mfa:succeeded"
    MFA_FAILED = "account:mfa:failed"
    RECOVERY_CODE_USED = "account:recovery_code:used"
    RECOVERY_CODES_REPLACED = "account:recovery_codes:replaced"
    RECOVERY_CODES_REFUSED = "account:recovery_codes:refused"
    LOCKOUT = "account:login:locked_out"
    LOGOUT = "account:session:logged_out"
    SESSION_REVOKED = "account:session:revoked"
    SETUP_LINK_CREATED = "account:setup_link:created"
    SETUP_LINK_USED = "account:setup_link:used"
    SETUP_LINK_REFUSED = "account:setup_link:refused"
    PASSWORD_CHANGED = "account:password:changed"  # noqa: S105  (an event tag)
    PASSWORD_CHANGE_FAILED = "account:password:change_failed"  # noqa: S105  (an event tag)


#: Settings every app with accounts has (each side adds its own); see README "Settings".
ACCOUNT_DEFAULTS = {
    "SESSION_IDLE": dt.timedelta(minutes=30),
    "SESSION_ABSOLUTE": dt.timedelta(hours=12),
    "SETUP_LINK_LIFETIME": dt.timedelta(hours=72),
    "PASSWORD_HASH": Argon2Parameters(),
    "LOGIN_BACKOFF_AFTER": 3,
    "LOGIN_LOCKOUT_AFTER": 10,
    "LOGIN_LOCKOUT": dt.timedelta(minutes=15),
    "LOGIN_IP_MAX_FAILURES": 50,
    "LOGIN_IP_WINDOW": dt.timedelta(minutes=15),
    "PREFERRED_URL_SCHEME": "http",
    "ENVIRONMENT": "development",
    "MAX_CONTENT_LENGTH": 20 * 1024 * 1024,
    "AUTO_MIGRATE": True,
}


#: A column read with every request's session and user (a scalar subquery correlated with the user table), and what
#: receives its value for the signed-in user: ``(column, receive(user, value))``.
SessionExtra = tuple[object, Callable[[object, object], None]]


@dataclass(frozen=True)
class AccountModels:
    user: type
    session: type
    recovery_code: type
    setup_link: type
    ip_throttle: type


@dataclass(frozen=True)
class ThrottlePolicy:
    #: Failures after which each further attempt waits 2, 4, 8 … seconds (at most a minute).
    backoff_after: int = 3
    #: Failures after which the account is locked for ``lockout``.
    lockout_after: int = 10
    lockout: dt.timedelta = dt.timedelta(minutes=15)
    #: Failed attempts one client address may make per ``ip_window`` before it is refused.
    ip_max_failures: int = 50
    ip_window: dt.timedelta = dt.timedelta(minutes=15)


class SetupError(Exception):
    """The setup form cannot be accepted; ``problems`` says why (shown to the user)."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


#: Signature of a side's audit recorder: record(tag=, actor=, outcome=, target=, reason=).
Recorder = Callable[..., object]


class AccountService:
    def __init__(
        self, *, models: AccountModels, hasher: PasswordHasher, registry: SessionRegistry,
        policy: ThrottlePolicy, record: Recorder, setup_link_lifetime: dt.timedelta,
        session_extras: tuple[SessionExtra, ...] = (),
    ):
        self.models, self.hasher, self.registry = models, hasher, registry
        self.policy, self.record, self.setup_link_lifetime = policy, record, setup_link_lifetime
        self.session_extras = session_extras
        # Built once: every signed-in request runs it, and building it cost about as much as running it. The TOTP
        # secret is left out: it is unsealed only where a code is checked or enrolled (loaded then if needed), not
        # on every page (~40 k instructions a request).
        self._session_with_user = prepared(
            select(models.session, models.user, *(column for column, _receive in session_extras))
            .join(models.user, models.user.id == models.session.user_id)
            .where(models.session.token_hash == bindparam("token_hash"))
            .options(defer(models.user.totp_secret)))

    # -- first factor -------------------------------------------------------------------------------

    def check_password(self, db: Session, *, username: str, password: str, client_ip: str | None):
        """Return the user when the password is right and the account may sign in, else None.

        Unknown user, wrong password, disabled, locked and address-throttled all answer None after the
        same Argon2 work, so neither the message nor the timing tells them apart. Commits.
        """
        # FOR UPDATE: parallel attempts on one account queue here, so counters and lockout stay exact.
        user = db.scalar(select(self.models.user).where(self.models.user.username == username.strip().lower())
                         .with_for_update(of=self.models.user))
        password_ok = self.hasher.verify(user.password_hash if user else None, password)
        refusal = self._refusal(db, user, client_ip, password_ok)
        if refusal:
            self._count_failure(db, user, client_ip)
            self.record(tag=AccountEvent.LOGIN_FAILED, actor=None, target=user, outcome=Outcome.DENIED,
                        reason=refusal)
            db.commit()
            return None
        if self.hasher.needs_rehash(user.password_hash):
            user.password_hash = self.hasher.hash(password)
        db.commit()
        return user

    def _refusal(self, db: Session, user, client_ip: str | None, password_ok: bool) -> str | None:
        if self._ip_limited(db, client_ip):
            return "address_throttled"
        if user is None:
            return "unknown_user"
        if not user.is_active:
            return "disabled"
        if user.locked_until and user.locked_until > utcnow():
            return "locked"
        return None if password_ok else "bad_password"

    def _ip_limited(self, db: Session, client_ip: str | None) -> bool:
        row = db.get(self.models.ip_throttle, client_ip or "-")
        return bool(row and utcnow() - row.window_start < self.policy.ip_window
                    and row.failures >= self.policy.ip_max_failures)

    def _locked_throttle_row(self, db: Session, client_ip: str | None):
        """The address's counter row, created if missing and locked until the transaction ends."""
        model, key = self.models.ip_throttle, client_ip or "-"
        insert = postgresql_insert if db.get_bind().dialect.name == "postgresql" else sqlite_insert
        db.execute(insert(model.__table__).values(client_ip=key, window_start=utcnow(), failures=0)
                   .on_conflict_do_nothing())
        return db.scalar(select(model).where(model.client_ip == key).with_for_update()
                         .execution_options(populate_existing=True))

    def _count_failure(self, db: Session, user, client_ip: str | None) -> None:
        """Count a failure for the address and (unless already locked) the account; the caller holds the
        account's row lock."""
        now = utcnow()
        row = self._locked_throttle_row(db, client_ip)
        if now - row.window_start >= self.policy.ip_window:
            row.window_start, row.failures = now, 0
        row.failures += 1
        if user is None:
            return
        if user.locked_until and user.locked_until > now:
            return  # attempts while locked neither extend nor shorten the lock
        user.failed_logins += 1
        if user.failed_logins >= self.policy.lockout_after:
            user.locked_until = now + self.policy.lockout
            self.record(tag=AccountEvent.LOCKOUT, actor=None, target=user, outcome=Outcome.DENIED,
                        reason=f"{user.failed_logins} failures")
        elif user.failed_logins >= self.policy.backoff_after:
            delay = min(2 ** (user.failed_logins - self.policy.backoff_after + 1), 60)
            user.locked_until = now + dt.timedelta(seconds=delay)

    # -- second factor ------------------------------------------------------------------------------

    def check_code(self, db: Session, *, user, code: str, client_ip: str | None) -> bool:
        """Accept a fresh TOTP code or an unused recovery code for ``user``. Commits.

        The account's row is locked first, so two requests with the same code cannot both see it unused.
        """
        lock_for_update(db, user)
        ok, used_recovery = False, False
        if user.is_active and not (user.locked_until and user.locked_until > utcnow()):
            step = totp.verify(user.totp_secret, code, last_step=user.totp_last_step) if user.totp_secret else None
            if step is not None:
                user.totp_last_step, ok = step, True
            else:
                ok = used_recovery = self._use_recovery_code(db, user, code)
        if not ok:
            self._count_failure(db, user, client_ip)
            self.record(tag=AccountEvent.MFA_FAILED, actor=user, target=user, outcome=Outcome.DENIED)
        elif used_recovery:
            self.record(tag=AccountEvent.RECOVERY_CODE_USED, actor=user, target=user, outcome=Outcome.ALLOWED,
                        reason=f"{self.recovery_codes_left(db, user)} left")
        db.commit()
        return ok

    def _use_recovery_code(self, db: Session, user, code: str) -> bool:
        model = self.models.recovery_code
        row = db.scalar(select(model).where(
            model.user_id == user.id, model.code_hash == totp.hash_recovery_code(code), model.used_at.is_(None)))
        if row is None:
            return False
        row.used_at = utcnow()
        return True

    def recovery_codes_left(self, db: Session, user) -> int:
        model = self.models.recovery_code
        return db.scalar(select(func.count()).select_from(model).where(
            model.user_id == user.id, model.used_at.is_(None)))

    # -- sessions -----------------------------------------------------------------------------------

    def start_session(self, db: Session, *, user, client_ip: str | None, user_agent: str | None,
                      mfa: bool) -> str:
        """Record a successful sign-in and open a new server-side session; return its token. Commits."""
        user.failed_logins, user.locked_until = 0, None
        token, record = self.registry.start(db, user_id=user.id, client_ip=client_ip, user_agent=user_agent)
        if mfa:
            self.record(tag=AccountEvent.MFA_SUCCEEDED, actor=user, target=user, outcome=Outcome.ALLOWED)
        self.record(tag=AccountEvent.LOGIN_SUCCEEDED, actor=user, target=user, outcome=Outcome.ALLOWED)
        db.commit()
        user.session_token, user.current_session = token, record
        return token

    def load_session(self, db: Session, token: str):
        """The user of a live session token (with ``current_session`` set), or None. Commits touches.

        One query, in a read transaction (on SQLite it does not take the write lock): the session, its user and the
        side's ``session_extras`` (e.g. the council's pledge). The minute's touch or the end of a session that is
        no longer live is then written in a short transaction of its own. On PostgreSQL a request that writes
        neither goes on in the transaction of its read (:func:`core.db.end_reading`)."""
        with reading():
            row = db.execute(self._session_with_user, {"token_hash": token_hash(token)}).first()
            end_reading(db)
        record = self.registry.check(row[0] if row else None)
        user = row[1] if record else None
        if user is not None and not user.is_active:
            self.registry.end(record, "disabled")
            user = None
        if db.dirty:  # the minute's touch, or the end of a session no longer live
            db.commit()
        if user is not None:
            user.session_token, user.current_session = token, record
            for (_column, receive), value in zip(self.session_extras, row[2:], strict=True):
                receive(user, value)
        return user

    def logout(self, db: Session, *, user) -> None:
        """End the current session. Commits."""
        self.registry.end(user.current_session, "logout")
        self.record(tag=AccountEvent.LOGOUT, actor=user, target=user, outcome=Outcome.ALLOWED)
        db.commit()

    def end_sessions(self, db: Session, *, actor, user, reason: str, keep_current: bool = False) -> int:
        """End every live session of ``user`` (but the actor's current one if asked); audited."""
        keep = actor.current_session.id if keep_current and actor.current_session is not None else None
        ended = self.registry.end_all(db, user_id=user.id, reason=reason, keep_id=keep)
        if ended:
            self.record(tag=AccountEvent.SESSION_REVOKED, actor=actor, target=user, outcome=Outcome.ALLOWED,
                        reason=f"{reason}: {ended}")
        return ended

    def end_one_session(self, db: Session, *, actor, user, session_id: int) -> bool:
        """End one of ``user``'s sessions by id. Commits. False when there is no such live session."""
        record = db.get(self.models.session, session_id)
        if record is None or record.user_id != user.id or record.ended_at is not None:
            return False
        self.registry.end(record, "revoked")
        self.record(tag=AccountEvent.SESSION_REVOKED, actor=actor, target=user, outcome=Outcome.ALLOWED,
                    reason="revoked: 1")
        db.commit()
        return True

    # -- setup links and passwords ------------------------------------------------------------------

    def revoke_setup_links(self, db: Session, *, user) -> None:
        """Make every unused link of ``user`` stop working. Does not commit."""
        model = self.models.setup_link
        for old in db.scalars(select(model).where(model.user_id == user.id, model.used_at.is_(None))):
            old.used_at = utcnow()

    def issue_setup_link(self, db: Session, *, actor, user) -> str:
        """A new one-time link token for ``user``; earlier unused links stop working. Does not commit."""
        self.revoke_setup_links(db, user=user)
        token = new_token()
        db.add(self.models.setup_link(token_hash=token_hash(token), user_id=user.id,
                                      expires_at=utcnow() + self.setup_link_lifetime))
        self.record(tag=AccountEvent.SETUP_LINK_CREATED, actor=actor, target=user, outcome=Outcome.ALLOWED)
        return token

    def find_setup_link(self, db: Session, token: str):
        """The usable link for ``token`` and its (active) user, or (None, None)."""
        link = db.scalar(select(self.models.setup_link).where(self.models.setup_link.token_hash == token_hash(token)))
        if link is None or not link.usable or link.user_id is None:
            return None, None
        user = db.get(self.models.user, link.user_id)
        return (link, user) if user is not None and user.is_active else (None, None)

    @staticmethod
    def pending_secret(db: Session, link) -> str:
        """The TOTP secret being enrolled through ``link``, made on first view and kept on the server
        (a signed cookie is readable by whoever holds it). Commits when it is new."""
        if link.pending_totp_secret is None:
            link.pending_totp_secret = totp.new_secret()
            db.commit()
        return link.pending_totp_secret

    @staticmethod
    def claim_setup_link(db: Session, link) -> None:
        """Lock ``link`` and make sure it is still unused; raise SetupError otherwise (a parallel request won)."""
        lock_for_update(db, link)
        if not link.usable:
            raise SetupError([gettext("This setup link has already been used or has expired.")])

    def complete_setup(self, db: Session, *, link, user, password: str, confirm: str, code: str) -> list[str]:
        """Set the password and TOTP secret from a setup link; return fresh recovery codes. Commits.

        Raises SetupError (nothing is written) when the password or the code is not acceptable, or when
        the link was used meanwhile.
        """
        self.claim_setup_link(db, link)
        secret = link.pending_totp_secret
        problems = self.password_problems(password, confirm, username=user.username)
        step = totp.verify(secret, code, last_step=None) if secret else None
        if step is None:
            problems.append(_code_problem())
        if problems:
            db.rollback()
            raise SetupError(problems)
        link.used_at = utcnow()
        user.password_hash, user.password_changed_at = self.hasher.hash(password), utcnow()
        user.totp_secret, user.totp_last_step = secret, step
        user.failed_logins, user.locked_until = 0, None
        self.registry.end_all(db, user_id=user.id, reason="password_changed")
        codes = self.replace_recovery_codes(db, user)
        self.record(tag=AccountEvent.SETUP_LINK_USED, actor=user, target=user, outcome=Outcome.ALLOWED)
        db.commit()
        return codes

    def replace_recovery_codes(self, db: Session, user) -> list[str]:
        model = self.models.recovery_code
        for old in db.scalars(select(model).where(model.user_id == user.id, model.used_at.is_(None))):
            old.used_at = utcnow()
        codes = totp.new_recovery_codes()
        db.add_all(model(user_id=user.id, code_hash=totp.hash_recovery_code(c)) for c in codes)
        return codes

    def reauthenticate(self, db: Session, *, user, password: str, client_ip: str | None) -> bool:
        """Re-check the password of a signed-in user before a sensitive change; does not commit.

        Wrong guesses count like failed sign-ins (backoff, lockout); reaching the lockout ends every
        session of the account, so someone at an unlocked screen cannot guess on without limit.
        """
        lock_for_update(db, user)
        if user.locked_until and user.locked_until > utcnow():
            self.hasher.verify(user.password_hash, password)
            return False
        if self.hasher.verify(user.password_hash, password):
            return True
        self._count_failure(db, user, client_ip)
        if user.locked_until and user.failed_logins >= self.policy.lockout_after:
            self.registry.end_all(db, user_id=user.id, reason="lockout")
        return False

    def regenerate_recovery_codes(self, db: Session, *, user, password: str, client_ip: str | None) -> list[str]:
        """Replace all recovery codes after re-checking the password; return the new ones. Commits.

        Raises SetupError when the password is wrong (someone at an unlocked screen cannot do this).
        """
        if not self.reauthenticate(db, user=user, password=password, client_ip=client_ip):
            self.record(tag=AccountEvent.RECOVERY_CODES_REFUSED, actor=user, target=user, outcome=Outcome.DENIED)
            db.commit()
            raise SetupError([gettext("The current password is not correct.")])
        codes = self.replace_recovery_codes(db, user)
        self.record(tag=AccountEvent.RECOVERY_CODES_REPLACED, actor=user, target=user, outcome=Outcome.ALLOWED)
        db.commit()
        return codes

    def password_problems(self, password: str, confirm: str, *, username: str) -> list[str]:
        problems = policy_problems(password, username=username)
        if password != confirm:
            problems.append(gettext("The two passwords differ."))
        return problems

    def change_password(self, db: Session, *, user, current: str, new: str, confirm: str,
                        client_ip: str | None) -> None:
        """Change the password; every other session of the user ends. Commits.

        Raises SetupError when the current password is wrong or the new one is not acceptable.
        """
        problems = []
        if not self.reauthenticate(db, user=user, password=current, client_ip=client_ip):
            problems.append(gettext("The current password is not correct."))
        problems += self.password_problems(new, confirm, username=user.username)
        if problems:
            self.record(tag=AccountEvent.PASSWORD_CHANGE_FAILED, actor=user, target=user, outcome=Outcome.DENIED)
            db.commit()
            raise SetupError(problems)
        user.password_hash, user.password_changed_at = self.hasher.hash(new), utcnow()
        self.end_sessions(db, actor=user, user=user, reason="password_changed", keep_current=True)
        self.record(tag=AccountEvent.PASSWORD_CHANGED, actor=user, target=user, outcome=Outcome.ALLOWED)
        db.commit()


def _code_problem() -> str:
    return gettext("The six-digit code from the authenticator app is not correct. Check the phone's clock.")


def build_account_service(config, *, models: AccountModels, record: Recorder,
                          session_extras: tuple[SessionExtra, ...] = ()) -> AccountService:
    """An AccountService configured from an app's config (SESSION_*, LOGIN_*, PASSWORD_HASH …); ``session_extras``
    are read with each request's session and user, in the same query."""
    return AccountService(
        models=models,
        hasher=PasswordHasher(config["PASSWORD_HASH"]),
        registry=SessionRegistry(models.session, idle=config["SESSION_IDLE"], absolute=config["SESSION_ABSOLUTE"]),
        policy=ThrottlePolicy(
            backoff_after=config["LOGIN_BACKOFF_AFTER"], lockout_after=config["LOGIN_LOCKOUT_AFTER"],
            lockout=config["LOGIN_LOCKOUT"], ip_max_failures=config["LOGIN_IP_MAX_FAILURES"],
            ip_window=config["LOGIN_IP_WINDOW"],
        ),
        record=record,
        setup_link_lifetime=config["SETUP_LINK_LIFETIME"],
        session_extras=session_extras,
    )
