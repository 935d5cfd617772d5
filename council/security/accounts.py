"""Account columns and mechanisms both sides share: sessions registry, throttling, recovery codes.

Each side declares its own tables with these mixins (``__user_table__`` names its user table), so the
platform's accounts live in the platform database and never touch the council's.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from sqlalchemy import BigInteger, ForeignKey, Integer, String, select, update
from sqlalchemy.orm import Mapped, Session, declared_attr, mapped_column

from council.core.db import UTCDateTime, utcnow
from council.security.sealing import SealedSecret
from council.security.tokens import new_token, token_hash


class UserAccountMixin:
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    #: Login name, unique, compared case-insensitively (stored lower-case).
    username: Mapped[str] = mapped_column(String(64), unique=True)
    #: Name shown to colleagues.
    display_name: Mapped[str] = mapped_column(String(100))
    #: Argon2id PHC string; empty until the user completes their setup link.
    password_hash: Mapped[str | None] = mapped_column(String(200))
    #: Base32 TOTP secret, stored sealed under the side's instance key (council.security.sealing); empty until
    #: enrolled.
    @declared_attr
    def totp_secret(cls) -> Mapped[str | None]:
        return mapped_column(SealedSecret(aad=f"{cls.__tablename__}.totp_secret"))

    #: The last TOTP time step accepted, so the same code cannot be used twice.
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)
    #: Consecutive failed sign-ins since the last success; drives backoff and lockout.
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    #: No sign-in is accepted before this time (backoff or lockout).
    locked_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: Set when an administrator disables the account; all its sessions end.
    disabled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    password_changed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: Optimistic lock: an admin edit based on an old version is refused.
    version: Mapped[int] = mapped_column(Integer, default=1)

    #: The session token of the current request (not stored); Flask-Login keeps it in the cookie, so
    #: ending the session in the registry ends the sign-in even though the cookie still exists.
    session_token: str | None = None
    #: The registry record of the current session (not stored).
    current_session = None

    is_authenticated = True
    is_anonymous = False

    def get_id(self) -> str | None:
        return self.session_token

    @property
    def is_active(self) -> bool:
        return self.disabled_at is None

    @property
    def is_enrolled(self) -> bool:
        return self.password_hash is not None


def _user_fk(cls):
    return mapped_column(ForeignKey(f"{cls.__user_table__}.id", ondelete="CASCADE"), index=True)


class SessionRecordMixin:
    """One signed-in browser session. The cookie carries a 256-bit token; only its hash is stored."""

    __user_table__: ClassVar[str]
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    #: SHA-256 of the session token.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    #: When and why it ended: logout, idle, expired, revoked, disabled, role_changed, password_changed.
    ended_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    end_reason: Mapped[str | None] = mapped_column(String(30))
    client_ip: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str | None] = mapped_column(String(200))

    @declared_attr
    def user_id(cls) -> Mapped[int]:
        return _user_fk(cls)


class RecoveryCodeMixin:
    __user_table__: ClassVar[str]
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    #: SHA-256 of the normalised code.
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    @declared_attr
    def user_id(cls) -> Mapped[int]:
        return _user_fk(cls)


class SetupLinkMixin:
    """A one-time link with which a user sets their password and enrols TOTP."""

    __user_table__: ClassVar[str]
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    #: SHA-256 of the token in the link.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: The TOTP secret shown while this link is being completed; kept here (sealed, like the user's), not in
    #: the browser's cookie.
    @declared_attr
    def pending_totp_secret(cls) -> Mapped[str | None]:
        return mapped_column(SealedSecret(aad=f"{cls.__tablename__}.pending_totp_secret"))

    @declared_attr
    def user_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey(f"{cls.__user_table__}.id", ondelete="CASCADE"), index=True, nullable=True)

    @property
    def usable(self) -> bool:
        return self.used_at is None and utcnow() < self.expires_at


class IpThrottleMixin:
    """Failed sign-ins per client address in the current window (all workers share the database)."""

    client_ip: Mapped[str] = mapped_column(String(45), primary_key=True)
    window_start: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    failures: Mapped[int] = mapped_column(Integer, default=0)


class SessionRegistry:
    """Server-side sessions: start, resolve (with idle and absolute limits), end."""

    def __init__(self, model, *, idle: dt.timedelta, absolute: dt.timedelta):
        self.model, self.idle, self.absolute = model, idle, absolute

    def start(self, db: Session, *, user_id: int, client_ip: str | None, user_agent: str | None):
        """Create a session; return (token for the cookie, record)."""
        token, now = new_token(), utcnow()
        record = self.model(
            token_hash=token_hash(token), user_id=user_id, created_at=now, last_seen_at=now,
            client_ip=client_ip, user_agent=(user_agent or "")[:200],
        )
        db.add(record)
        return token, record

    def resolve(self, db: Session, token: str):
        """The live session for ``token``, touched; None when unknown, ended, idle or too old."""
        return self.check(db.scalar(select(self.model).where(self.model.token_hash == token_hash(token))))

    def check(self, record):
        """``record`` if it is live (touched, at most once a minute); None when missing, ended, idle or too old."""
        if record is None or record.ended_at is not None:
            return None
        now = utcnow()
        if now - record.last_seen_at > self.idle:
            self.end(record, "idle")
            return None
        if now - record.created_at > self.absolute:
            self.end(record, "expired")
            return None
        # Writing on every request would serialise all requests on SQLite; a minute's precision is plenty.
        if now - record.last_seen_at > dt.timedelta(seconds=60):
            record.last_seen_at = now
        return record

    def end(self, record, reason: str) -> None:
        if record.ended_at is None:
            record.ended_at, record.end_reason = utcnow(), reason

    def end_all(self, db: Session, *, user_id: int, reason: str, keep_id: int | None = None) -> int:
        """End every live session of a user (but ``keep_id``); return how many ended."""
        statement = (
            update(self.model)
            .where(self.model.user_id == user_id, self.model.ended_at.is_(None))
            .values(ended_at=utcnow(), end_reason=reason)
        )
        if keep_id is not None:
            statement = statement.where(self.model.id != keep_id)
        return db.execute(statement).rowcount

    def live_for(self, db: Session, user_id: int) -> list:
        cutoff = utcnow() - self.idle
        return list(
            db.scalars(
                select(self.model)
                .where(self.model.user_id == user_id, self.model.ended_at.is_(None))
                .where(self.model.last_seen_at > cutoff)
                .order_by(self.model.created_at.desc())
            )
        )
