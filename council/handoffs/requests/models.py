"""An information request (情報提供依頼): who asks whom about which case, until when, on what legal basis — and
how it ended. The question, the answer and every reason are sealed under the case's key (``*_enc``); everything
else is ids, codes and dates."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import BigInteger, Date, ForeignKey, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from council.core.db import UTCDateTime, utcnow
from council.core.i18n import lazy_gettext as _l
from council.database import Base

_ID = BigInteger().with_variant(Integer, "sqlite")


class RequestKind(StrEnum):
    """What is asked for (Act Art. 16: 情報の提供, 意見の開陳その他必要な協力)."""

    INFORMATION = "information"
    OPINION = "opinion"
    COOPERATION = "cooperation"

    @property
    def label(self):
        """Translated when rendered (a lazy string)."""
        return {RequestKind.INFORMATION: _l("Information (情報の提供)"),
                RequestKind.OPINION: _l("An opinion (意見の開陳)"),
                RequestKind.COOPERATION: _l("Cooperation (その他の協力)")}[self]


class RequestOrigin(StrEnum):
    """Where the request was made: on the case page by its lead institution, or by a worker whom the duplicate
    check told that the person appears in a case held by another institution (they ask that holder)."""

    CASE = "case"
    DUPLICATE_CHECK = "duplicate_check"


class RequestState(StrEnum):
    """Stored: sent, answered, declined, cancelled. Derived from the due date in Japan for a request still sent:
    overdue (past its due date, still answerable for a grace period) and expired (past the grace)."""

    SENT = "sent"
    OVERDUE = "overdue"
    EXPIRED = "expired"
    ANSWERED = "answered"
    DECLINED = "declined"
    CANCELLED = "cancelled"

    @property
    def label(self):
        """Translated when rendered (a lazy string)."""
        return {RequestState.SENT: _l("Requested (依頼中)"), RequestState.OVERDUE: _l("Overdue (期限超過)"),
                RequestState.EXPIRED: _l("Expired (期限切れ)"), RequestState.ANSWERED: _l("Answered (回答済)"),
                RequestState.DECLINED: _l("Declined (辞退)"), RequestState.CANCELLED: _l("Cancelled (取消)")}[self]

    @property
    def is_open(self) -> bool:
        """Whether the request may still be answered, declined or cancelled."""
        return self in (RequestState.SENT, RequestState.OVERDUE)


class InformationRequest(Base):
    """One 情報提供依頼 about one case, from one institution to another of the same council."""

    __tablename__ = "information_request"
    __table_args__ = (
        # The inboxes and the list page ask "what did this institution send / receive".
        Index("ix_information_request_to_state", "to_institution_id", "state"),
        Index("ix_information_request_from_state", "from_institution_id", "state"),
    )
    #: The request's number; its grants' basis is ``request:<id>``.
    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    #: The case asked about; the question and answer are sealed under its key.
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    #: One of RequestKind.
    kind: Mapped[str] = mapped_column(String(20))
    #: One of RequestOrigin.
    origin: Mapped[str] = mapped_column(String(20))
    #: The asking institution (the case's lead, or a worker's institution after a duplicate-check hit).
    from_institution_id: Mapped[int] = mapped_column(ForeignKey("institution.id"))
    #: The institution asked (a member institution, or the case's lead when asked from a duplicate-check hit).
    to_institution_id: Mapped[int] = mapped_column(ForeignKey("institution.id"))
    #: Who sent it.
    sent_by: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    #: When it was sent (UTC).
    sent_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: The answer is due by the end of this date in Japan.
    due_on: Mapped[dt.date] = mapped_column(Date, index=True)
    #: One of RequestState's stored values: sent, answered, declined, cancelled.
    state: Mapped[str] = mapped_column(String(20))
    #: The legal basis of the share the request makes (access.models.LegalBasis): for a request to a member
    #: institution its grant at sending; for a question to a case's holder the answer's grant, set on answering.
    legal_basis: Mapped[str | None] = mapped_column(String(20))
    #: The consent the share rests on when its legal basis is 本人同意.
    consent_id: Mapped[int | None] = mapped_column(ForeignKey("consent.id", ondelete="SET NULL"))
    #: Why it is an emergency (緊急), encrypted: it describes the person's situation.
    emergency_reason_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    #: What is asked, encrypted.
    question_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    #: The grant the request made: the receiver's while it is open, or (asked from a duplicate-check hit) the
    #: asker's once answered.
    grant_id: Mapped[int | None] = mapped_column(ForeignKey("case_grant.id"))
    #: The answer, encrypted; it is also the body of the support record ``answer_record_id``.
    answer_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    #: The support record the answer landed on, written by the receiving institution.
    answer_record_id: Mapped[int | None] = mapped_column(ForeignKey("support_record.id"))
    #: Why the receiver declined, encrypted (it may describe the person).
    decline_reason_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    #: When it was answered, declined or cancelled (UTC); NULL while it is open.
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: Who answered, declined or cancelled it.
    closed_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
