"""Handoffs: one row per referral, transfer or request between two institutions about one case.

Nothing in the plain columns is personal: ids, codes and times. What the people wrote — the sender's message, an
emergency's reason, why it was declined or ended — is sealed under the case's key (``*_enc``), so purging the case
shreds it with the rest.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, LargeBinary, String, false
from sqlalchemy.orm import Mapped, mapped_column

from council.core.db import UTCDateTime, utcnow
from council.core.i18n import lazy_gettext as _l
from council.database import Base

_ID = BigInteger().with_variant(Integer, "sqlite")


class HandoffKind(StrEnum):
    REFERRAL = "referral"  # つなぎ: the receiver joins the support; the lead stays
    TRANSFER = "transfer"  # 移管: the receiver becomes the lead
    TRANSFER_REQUEST = "transfer_request"  # 移管の申し出: someone working on the case asks the lead to hand it over
    REFERRAL_REQUEST = "referral_request"  # つなぎの依頼: an institution asks the lead to share the case with it

    @property
    def label(self):
        """Translated when rendered (a lazy string)."""
        return {HandoffKind.REFERRAL: _l("Referral (つなぎ)"), HandoffKind.TRANSFER: _l("Transfer (移管)"),
                HandoffKind.TRANSFER_REQUEST: _l("Request for a transfer (移管の申し出)"),
                HandoffKind.REFERRAL_REQUEST: _l("Request for a referral (つなぎの依頼)")}[self]

    @property
    def is_request(self) -> bool:
        """A request asks the lead for a handoff; it shares nothing itself."""
        return self in (HandoffKind.TRANSFER_REQUEST, HandoffKind.REFERRAL_REQUEST)


class HandoffState(StrEnum):
    AWAITING_APPROVAL = "awaiting_approval"  # 承認待ち: a transfer, or a referral of a 要配慮 case
    REQUESTED = "requested"  # 依頼中
    ACCEPTED = "accepted"  # 受諾
    DECLINED = "declined"  # 辞退 (with a reason)
    CANCELLED = "cancelled"  # 取消 (by the sender)
    # 期限切れ: never stored. A handoff still pending when ``respond_by`` passed is expired (handoffs.states), so it
    # lapses on time with no sweeper, as its pending grant does.
    EXPIRED = "expired"
    ENDED = "ended"  # 終了: an accepted share ended by either side (with a reason), or by the consent's withdrawal

    @property
    def label(self):
        """Translated when rendered (a lazy string)."""
        return {HandoffState.AWAITING_APPROVAL: _l("Awaiting approval (承認待ち)"),
                HandoffState.REQUESTED: _l("Requested (依頼中)"), HandoffState.ACCEPTED: _l("Accepted (受諾)"),
                HandoffState.DECLINED: _l("Declined (辞退)"), HandoffState.CANCELLED: _l("Cancelled (取消)"),
                HandoffState.EXPIRED: _l("Expired (期限切れ)"), HandoffState.ENDED: _l("Ended (終了)")}[self]


#: States in which a handoff waits for someone; past ``respond_by`` they read as expired.
PENDING = (HandoffState.AWAITING_APPROVAL, HandoffState.REQUESTED)


class Handoff(Base):
    """One referral, transfer or request about one case, from one institution to another."""

    __tablename__ = "handoff"
    __table_args__ = (
        # The inbox asks "what waits for this institution" and "what did this institution send".
        Index("ix_handoff_receiver_state", "receiver_institution_id", "state"),
        Index("ix_handoff_sender_state", "sender_institution_id", "state"),
    )
    #: The handoff's number: grants it makes have the basis ``<kind>:<id>``.
    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    #: The case handed off.
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    #: One of HandoffKind.
    kind: Mapped[str] = mapped_column(String(20))
    #: One of HandoffState but ``expired`` (derived from respond_by).
    state: Mapped[str] = mapped_column(String(20))
    #: The institution that sent it (the lead for a referral or transfer; the asker for a request).
    sender_institution_id: Mapped[int] = mapped_column(ForeignKey("institution.id"))
    #: The worker who sent it.
    sender_user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    #: The institution asked to take it on (the lead, for a request).
    receiver_institution_id: Mapped[int] = mapped_column(ForeignKey("institution.id"))
    #: The one worker of that institution it is addressed to, or NULL for anyone of its staff.
    receiver_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    #: One of access.scopes.Scope (``full`` or ``summary``) the receiver gets on acceptance; NULL for a request.
    scope: Mapped[str | None] = mapped_column(String(20))
    #: One of access.models.LegalBasis; NULL for a request (it shares nothing).
    legal_basis: Mapped[str | None] = mapped_column(String(20))
    #: The consent the share rests on when its legal basis is 本人同意.
    consent_id: Mapped[int | None] = mapped_column(ForeignKey("consent.id", ondelete="SET NULL"))
    #: 緊急 (life or body at risk): flagged to auditors; its reason is sealed in emergency_reason_enc.
    emergency: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    #: The sender's message to the receiver, encrypted.
    message_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    #: Why sharing cannot wait (緊急), encrypted.
    emergency_reason_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    #: Until when (UTC, exclusive) the receiver may answer; afterwards a pending handoff is expired.
    respond_by: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    #: A supervisor of the sender must approve it first (a transfer; a referral of a 要配慮 case).
    needs_approval: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    #: The supervisor who approved it (the sender, when a supervisor sent it), and when.
    approved_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    approved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: Who accepted, declined or cancelled it, and when.
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: Why it was declined, encrypted.
    decline_reason_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    #: Who ended the accepted share, when, and why (encrypted); a consent's withdrawal ends its grant instead.
    ended_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    ended_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    end_reason_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    #: The request-scope grant that lets a pending receiver see what it is asked to take on; ended by the decision.
    pending_grant_id: Mapped[int | None] = mapped_column(ForeignKey("case_grant.id"))
    #: The grant acceptance made: the receiver's share (referral) or the former lead's close-out (transfer).
    grant_id: Mapped[int | None] = mapped_column(ForeignKey("case_grant.id"))
    #: The request this handoff answers (the lead made the referral or transfer it asked for).
    answers_id: Mapped[int | None] = mapped_column(ForeignKey("handoff.id"))
    #: When it was sent.
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Optimistic lock: two people deciding at once — the second is told.
    version: Mapped[int] = mapped_column(Integer, default=1)
