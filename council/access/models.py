"""Grants: every reach of a case beyond its lead institution's own staff is one row here (DESIGN.md §5).

Nothing in this table is personal: ids, codes and times. What a grant lets its holder read is its scope
(``access.scopes``); why it exists is its basis (the handoff, consent, meeting … that made it) and its legal
basis (本人同意, 協議会内の情報共有 or 緊急).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from council.core.db import UTCDateTime, utcnow
from council.core.i18n import lazy_gettext as _l
from council.database import Base

_ID = BigInteger().with_variant(Integer, "sqlite")


class GrantBasis(StrEnum):
    """What made a grant: the first part of its basis, ``<kind>:<id of that thing>``."""

    REFERRAL = "referral"  # つなぎ
    TRANSFER = "transfer"  # 移管
    CONSENT = "consent"  # a share the person agreed to, recorded on the case
    MEETING = "meeting"  # a meeting's agenda case, for its attendees
    REQUEST = "request"  # 情報提供依頼
    BREAK_GLASS = "break_glass"  # 緊急アクセス


class LegalBasis(StrEnum):
    """Why the law allows the share."""

    CONSENT = "consent"  # 本人同意: the grant names the consent it rests on
    COUNCIL_SHARING = "council_sharing"  # 協議会内の情報共有: a registered council case (Act Art. 16)
    EMERGENCY = "emergency"  # 緊急: life or body at risk

    @property
    def label(self):
        """Translated when rendered (a lazy string)."""
        return {LegalBasis.CONSENT: _l("The person's consent (本人同意)"),
                LegalBasis.COUNCIL_SHARING: _l("Sharing within the council (協議会内の情報共有)"),
                LegalBasis.EMERGENCY: _l("Emergency: life or body at risk (緊急)")}[self]


class CaseGrant(Base):
    """One case shared with one institution or one user, in a scope, for a while."""

    __tablename__ = "case_grant"
    __table_args__ = (
        # Exactly one principal: an institution (all its staff, by their roles) or one user.
        CheckConstraint("(institution_id IS NULL) <> (user_id IS NULL)", name="one_principal"),
        # A grant resting on consent names it; no other grant does.
        CheckConstraint("(legal_basis = 'consent') = (consent_id IS NOT NULL)", name="consent_named"),
        # The policy asks "which cases does this user / this institution hold grants for".
        Index("ix_case_grant_institution_case", "institution_id", "case_id"),
        Index("ix_case_grant_user_case", "user_id", "case_id"),
    )
    #: The grant's number; an Access that rests on it carries it.
    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    #: The case shared.
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    #: The institution it is shared with (every member of its staff, as far as their role allows), or NULL.
    institution_id: Mapped[int | None] = mapped_column(ForeignKey("institution.id"))
    #: The one user it is shared with (e.g. a meeting's attendee, break-glass), or NULL.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    #: One of access.scopes.Scope except ``ledger``: what the grant lets its holder read and do.
    scope: Mapped[str] = mapped_column(String(20))
    #: ``<GrantBasis>:<id>``, e.g. ``referral:17``: what made the grant; audit events of its use record it.
    basis: Mapped[str] = mapped_column(String(40))
    #: One of LegalBasis.
    legal_basis: Mapped[str] = mapped_column(String(20))
    #: The consent the grant rests on when its legal basis is 本人同意; withdrawing that consent ends the grant.
    consent_id: Mapped[int | None] = mapped_column(ForeignKey("consent.id", ondelete="CASCADE"), index=True)
    #: From when the grant counts (UTC); a grant may be made ahead of a meeting's material window.
    starts_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    #: Until when (UTC, exclusive); NULL until it is ended. Checked in SQL, so access ends on time with no sweeper.
    expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, index=True)
    #: When it was ended before expiring (consent withdrawn, handoff finished, revoked); NULL while in force.
    ended_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: Who ended it.
    ended_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    #: Why, as a code or a short non-personal text (e.g. ``consent_withdrawn``); never about the person.
    end_reason: Mapped[str | None] = mapped_column(String(100))
    #: When the grant was made.
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Who made it (the user whose referral, meeting or break-glass created it).
    created_by: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
