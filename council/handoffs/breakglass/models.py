"""One use of break-glass: who opened which case, what was at risk, why (sealed), until when, and its review.

The row holds no personal data in plaintext: the reason may describe the person and is sealed under the case's key
(``reason_enc``), so auditors — who never read case content — review the risk code, who, when and what was done
under it, and the lead institution's supervisors read the reason on the case itself.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from council.access.models import CaseGrant
from council.core.db import UTCDateTime, utcnow
from council.core.i18n import lazy_gettext as _l
from council.database import Base

_ID = BigInteger().with_variant(Integer, "sqlite")


class Risk(StrEnum):
    """What is at risk: a code in plaintext, so that auditors can judge a use without reading the case."""

    LIFE = "life"
    BODY = "body"
    MISSING = "missing"
    ABUSE = "abuse"
    OTHER = "other"

    @property
    def label(self):
        """Translated when rendered (a lazy string)."""
        return RISK_LABELS[self]


RISK_LABELS = {
    Risk.LIFE: _l("Life at risk (生命)"),
    Risk.BODY: _l("Body or health at risk (身体)"),
    Risk.MISSING: _l("Whereabouts unknown (所在不明)"),
    Risk.ABUSE: _l("Suspected abuse or violence (虐待・暴力)"),
    Risk.OTHER: _l("Other urgent danger (その他)"),
}


class Via(StrEnum):
    """How the user came to name the case."""

    NUMBER = "number"  # typed a case number they know (a phone call, a letter)
    DUPLICATE_CHECK = "duplicate_check"  # the duplicate check at intake showed the case


class ReviewOutcome(StrEnum):
    """The auditor's judgement of one use."""

    APPROPRIATE = "appropriate"
    FOLLOW_UP = "follow_up"

    @property
    def label(self):
        """Translated when rendered (a lazy string)."""
        return {ReviewOutcome.APPROPRIATE: _l("Appropriate"),
                ReviewOutcome.FOLLOW_UP: _l("Needs follow-up")}[self]


class BreakGlass(Base):
    """One emergency opening of a case by one user, and what became of it."""

    __tablename__ = "break_glass"
    __table_args__ = (
        # The auditor's review list: a council's uses, unreviewed first, newest first.
        Index("ix_break_glass_council_reviewed_opened", "council_id", "reviewed_at", "opened_at"),
    )
    #: The use's number; its grant's basis is ``break_glass:<id>``, and so is every audit event under it.
    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    #: The case opened.
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    #: The council of the case (and of the user): auditors review their own council's uses only.
    council_id: Mapped[int] = mapped_column(ForeignKey("council.id"))
    #: Who broke the glass.
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    #: Their institution at the time (a user may move later; the review shows where they worked then).
    institution_id: Mapped[int] = mapped_column(ForeignKey("institution.id"))
    #: The case's lead institution when the glass was broken: its supervisors are told and acknowledge it, even
    #: after a transfer hands the case to another institution.
    lead_institution_id: Mapped[int] = mapped_column(ForeignKey("institution.id"))
    #: One of Risk.
    risk: Mapped[str] = mapped_column(String(20))
    #: Why, in the user's words, sealed under the case's key (it may describe the person).
    reason_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    #: Whether the case was 要配慮 (restricted) when it was opened: such a use weighs more in the review.
    restricted: Mapped[bool] = mapped_column(Boolean, default=False)
    #: One of Via: a typed case number, or the duplicate check's hit.
    via: Mapped[str] = mapped_column(String(20))
    #: The user grant (scope full, legal basis 緊急) it made; set in the same transaction as the row. Its end —
    #: by expiry or early — is the end of the access.
    grant_id: Mapped[int | None] = mapped_column(ForeignKey("case_grant.id"))
    #: When the glass was broken (UTC).
    opened_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: When its grant expires by itself (UTC): ``opened_at`` + BREAK_GLASS_HOURS.
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    #: When a supervisor of the case's lead institution acknowledged the notice (NULL: not yet).
    acknowledged_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: Who acknowledged it.
    acknowledged_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    #: When an auditor reviewed the use (NULL: not yet; such uses are listed first).
    reviewed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: Which auditor.
    reviewed_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    #: One of ReviewOutcome.
    review_outcome: Mapped[str | None] = mapped_column(String(20))
    #: The auditor's short note, plaintext: what to follow up, never about the person.
    review_note: Mapped[str | None] = mapped_column(String(200))

    grant: Mapped[CaseGrant | None] = relationship()

    @property
    def basis(self) -> str:
        """The basis of its grant and of every audit event recorded under it."""
        return f"break_glass:{self.id}"

    def ended_early(self) -> bool:
        """Whether its grant was ended before it expired."""
        return self.grant is not None and self.grant.ended_at is not None and self.grant.ended_at < self.expires_at

    def in_force(self, now: dt.datetime) -> bool:
        """Whether the access it gave still holds at ``now``."""
        return self.grant is not None and self.grant.ended_at is None and now < self.expires_at
