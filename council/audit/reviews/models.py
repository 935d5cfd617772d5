"""An auditor's review of one audit event, kept beside the append-only log (never in it)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Date, ForeignKey, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from council.core.db import UTCDateTime, utcnow
from council.database import Base

_ID = BigInteger().with_variant(Integer, "sqlite")


class AuditReview(Base):
    """One event reviewed by one auditor, with their comment. An event is reviewed once: a second auditor sees
    the first one's review instead of a form, and may correct its comment (``audit:review:edited``). The review
    itself is an audit event too (``audit:event:reviewed``). The comment is sealed under the review's own data key
    (``council.audit.reviews.sealing``): an auditor's note on an event may name a person."""

    __tablename__ = "audit_review"
    __table_args__ = (
        # The workspace's lists ask "which of these events are reviewed" for a page of seqs.
        Index("ix_audit_review_council_event", "council_id", "event_seq", unique=True),
    )
    #: The review's number.
    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    #: The auditor's council (the reviewed event's council): auditors read their own council's reviews only.
    council_id: Mapped[int] = mapped_column(ForeignKey("council.id"))
    #: The reviewed event (audit_event.seq).
    event_seq: Mapped[int] = mapped_column(BigInteger, ForeignKey("audit_event.seq"))
    #: Which auditor reviewed it.
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    #: Where it was reviewed from: a review list (``list:refusals``), an anomaly rule (``anomaly:volume``) or a
    #: sample (``sample:<seed>``). A code, never free text.
    source: Mapped[str] = mapped_column(String(60))
    #: The auditor's comment (what was checked and what follows), sealed: AES-GCM under the review's data key.
    comment_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    #: The review's data key, wrapped by the KEK of ``key_version`` (council.crypto.owned, label council/review-dek).
    wrapped_key: Mapped[bytes | None] = mapped_column(LargeBinary)
    key_version: Mapped[int | None] = mapped_column(Integer)
    #: Comments saved in plaintext before 0023: sealed into ``comment_enc`` and emptied at start-up
    #: (reviews.sealing.seal_plaintext_comments). Never written otherwise.
    legacy_comment: Mapped[str | None] = mapped_column("comment", String(500))
    #: When (UTC).
    reviewed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Who last corrected the comment (an auditor of the same council) and when (UTC); empty until corrected.
    edited_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    edited_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: Bumped by each correction: of two auditors correcting at once, the second is told (core.editing).
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")


class AuditAccessDay(Base):
    """A closed Japan day of a council whose accesses per user are counted in ``audit_access_count`` (issue 12, the
    volume rule at 10 million events). Derived from the log, which it never changes; ``reviews.daily`` explains."""

    __tablename__ = "audit_access_day"
    council_id: Mapped[int] = mapped_column(ForeignKey("council.id"), primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    #: When it was counted (UTC), and the last seq of the council's log then: enough to recount it by hand.
    counted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    head_seq: Mapped[int] = mapped_column(BigInteger)


class AuditAccessCount(Base):
    """How many accesses (``reviews.daily.is_access``) one user made on one counted day, and the latest of them."""

    __tablename__ = "audit_access_count"
    council_id: Mapped[int] = mapped_column(ForeignKey("council.id"), primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    #: The acting user (no foreign key: the trail outlives accounts).
    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    accesses: Mapped[int] = mapped_column(Integer)
    #: The user's latest access that day (audit_event.seq): the event a volume finding is reviewed by.
    last_seq: Mapped[int] = mapped_column(BigInteger)
