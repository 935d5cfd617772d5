"""Meetings: one row per meeting, its participants, its agenda items (with the decisions taken on each), the briefs
prepared for them and the tasks (役割分担) they gave.

Nothing in the plain columns is personal: ids, codes, dates and the meeting's own title and place. Whatever is
about a case — a brief, what was said and decided about it, a task's wording, the item's minutes — is sealed under
that case's key (``*_enc``), so purging the case shreds it with the rest.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from council.core.db import UTCDateTime, utcnow
from council.core.i18n import lazy_gettext as _l
from council.database import Base

_ID = BigInteger().with_variant(Integer, "sqlite")


class MeetingKind(StrEnum):
    REPRESENTATIVES = "representatives"  # 代表者会議: yearly, the council's policy; no case detail
    PRACTITIONERS = "practitioners"  # 実務者会議: the status of every council case due for review
    CASE_REVIEW = "case_review"  # 個別ケース検討会議: selected cases, in depth

    @property
    def label(self):
        """Translated when rendered (a lazy string)."""
        return {MeetingKind.REPRESENTATIVES: _l("Representatives' meeting (代表者会議)"),
                MeetingKind.PRACTITIONERS: _l("Practitioners' meeting (実務者会議)"),
                MeetingKind.CASE_REVIEW: _l("Case review meeting (個別ケース検討会議)")}[self]

    @property
    def has_cases(self) -> bool:
        """A representatives' meeting discusses no case: it has no briefs and gives no grants."""
        return self is not MeetingKind.REPRESENTATIVES


class MeetingState(StrEnum):
    SCHEDULED = "scheduled"  # 開催予定: agenda and briefs being prepared
    HELD = "held"  # 開催済: attendance and decisions recorded; minutes in draft
    APPROVED = "approved"  # 会議録承認済: minutes read-only, with their signed audit checkpoint
    CANCELLED = "cancelled"  # 中止: its material grants end

    @property
    def label(self):
        """Translated when rendered (a lazy string)."""
        return {MeetingState.SCHEDULED: _l("Scheduled (開催予定)"), MeetingState.HELD: _l("Held (開催済)"),
                MeetingState.APPROVED: _l("Minutes approved (会議録承認済)"),
                MeetingState.CANCELLED: _l("Cancelled (中止)")}[self]


class Meeting(Base):
    """One meeting of a council. Its agenda cases' briefs are readable by its participants inside the material
    window around ``starts_at`` (grants with basis ``meeting:<id>``, moved when it is rescheduled)."""

    __tablename__ = "meeting"
    __table_args__ = (Index("ix_meeting_council_starts", "council_id", "starts_at"),)
    #: The meeting's number: its grants and the decisions it writes on cases have the basis ``meeting:<id>``.
    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("council.id"))
    #: One of MeetingKind.
    kind: Mapped[str] = mapped_column(String(20))
    #: One of MeetingState.
    state: Mapped[str] = mapped_column(String(20))
    #: e.g. 第3回実務者会議: about the meeting, never about a person.
    title: Mapped[str] = mapped_column(String(200))
    #: When it starts and ends (UTC; shown and typed in Japan time).
    starts_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    #: Where: a room, or how to join when ``online``.
    place: Mapped[str] = mapped_column(String(200), default="")
    online: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_by: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: 議事概要: the minutes' general part (not about any one case, but it may name people), sealed under the
    #: meeting's own data key (meetings.sealing). Cases' parts are in MeetingItem.minutes_enc.
    summary_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    #: The meeting's data key for ``summary_enc``, wrapped by the KEK of ``key_version``; None until a summary is
    #: saved. Re-wrapped by ``council keys rotate``.
    wrapped_key: Mapped[bytes | None] = mapped_column(LargeBinary)
    key_version: Mapped[int | None] = mapped_column(Integer)
    #: A 議事概要 saved in plaintext before it was sealed (migration 0018 kept the old column): sealed into
    #: ``summary_enc`` and emptied at start-up (meetings.sealing.seal_plaintext_summaries). Never written otherwise.
    legacy_summary: Mapped[str | None] = mapped_column("summary", Text)
    #: Who approved the minutes, and when; from then on the minutes are read-only.
    minutes_approved_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    minutes_approved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: The signed audit checkpoint printed on the approved minutes (audit.checkpoints' body): the head of the
    #: chain when they were approved. Every institution that files the minutes holds a witness of the log.
    checkpoint_seq: Mapped[int | None] = mapped_column(BigInteger)
    checkpoint_hash: Mapped[str | None] = mapped_column(String(64))
    checkpoint_signed_at: Mapped[str | None] = mapped_column(String(40))
    checkpoint_signature: Mapped[str | None] = mapped_column(String(120))
    #: Optimistic lock: two coordinators editing the meeting or its minutes at once — the second is told.
    version: Mapped[int] = mapped_column(Integer, default=1)

    participants: Mapped[list[MeetingParticipant]] = relationship(cascade="all, delete-orphan",
                                                                  order_by="MeetingParticipant.id")
    items: Mapped[list[MeetingItem]] = relationship(cascade="all, delete-orphan", order_by="MeetingItem.position")


class MeetingParticipant(Base):
    """Someone invited: one user, or one member institution (all its staff who may attend)."""

    __tablename__ = "meeting_participant"
    __table_args__ = (
        CheckConstraint("(user_id IS NULL) <> (institution_id IS NULL)", name="one_participant"),
        UniqueConstraint("meeting_id", "user_id", name="uq_meeting_participant_user"),
        UniqueConstraint("meeting_id", "institution_id", name="uq_meeting_participant_institution"),
    )
    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    #: The user invited, or NULL when an institution is.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    #: The institution invited, or NULL when a user is.
    institution_id: Mapped[int | None] = mapped_column(ForeignKey("institution.id"), index=True)
    #: 出欠: NULL until recorded at the meeting, then whether they attended.
    attended: Mapped[bool | None] = mapped_column(Boolean)


class MeetingItem(Base):
    """One agenda item: a case (実務者会議, 個別ケース検討会議) or a topic (代表者会議), and what was decided on it."""

    __tablename__ = "meeting_item"
    __table_args__ = (UniqueConstraint("meeting_id", "case_id"),)
    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    #: Order on the agenda, from 1.
    position: Mapped[int] = mapped_column(Integer)
    #: The case discussed, or NULL for a topic of a representatives' meeting.
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    #: A topic's title (代表者会議: 年間方針 …), never about a person; NULL for a case.
    topic: Mapped[str | None] = mapped_column(String(200))
    #: 状況把握: the situation as the meeting understood it, encrypted.
    situation_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    #: 危険度 (one of cases.models.Risk) and 緊急度 (one of Risk too), as decided; written back to the case.
    risk: Mapped[str | None] = mapped_column(String(10))
    urgency: Mapped[str | None] = mapped_column(String(10))
    #: 支援方針, encrypted; written back to the case's plan.
    plan_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    #: 主担当機関 as decided (written back: a change of lead goes through cases.lifecycle.change_lead).
    lead_institution_id: Mapped[int | None] = mapped_column(ForeignKey("institution.id"))
    #: キーパーソン: its role (a code of cases.models.KeyPersonRole) and its name and relation, encrypted.
    key_person_role: Mapped[str | None] = mapped_column(String(20))
    key_person_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    #: 次回見直し日 (a Japan date), written back to the case.
    next_review_date: Mapped[dt.date | None] = mapped_column(Date)
    #: This item's part of the minutes (generated from the decisions, editable until approval), encrypted.
    minutes_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    #: Who recorded the decisions, and when (NULL: not discussed yet).
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)


class MeetingBrief(Base):
    """会議資料: what the lead institution's caseworker prepares for the meeting about one agenda case. The header
    is pseudonymised (case number, initials, age band, household composition); the person's details are in
    ``personal_enc``, opened only on an explicit, audited reveal."""

    __tablename__ = "meeting_brief"
    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    #: The agenda item it is for (one brief per item).
    item_id: Mapped[int] = mapped_column(ForeignKey("meeting_item.id", ondelete="CASCADE"), unique=True)
    #: Its meeting and case, repeated so that a brief reach opens only the brief of the meeting it rests on.
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    #: The pseudonymised header: イニシャル, 年代, 世帯構成 — encrypted (with the case number they identify).
    initials_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    age_band_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    household_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    #: 状況, 見立て (assessment), 支援方針案 (proposed plan), 協議したいこと (questions for the council), encrypted.
    situation_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    assessment_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    proposed_plan_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    questions_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    #: Personal details (name, address …) shown only on a reveal (its own audited action), encrypted.
    personal_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    prepared_by: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    prepared_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)


class MeetingTask(Base):
    """役割分担: a task a meeting gave an institution on a case, with a due date (a Japan date)."""

    __tablename__ = "meeting_task"
    __table_args__ = (Index("ix_meeting_task_institution_open", "institution_id", "completed_at", "due_date"),)
    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("meeting_item.id", ondelete="CASCADE"))
    #: The institution that is to do it.
    institution_id: Mapped[int] = mapped_column(ForeignKey("institution.id"))
    #: What is to be done, encrypted (it is about the person).
    what_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    due_date: Mapped[dt.date] = mapped_column(Date)
    created_by: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Who completed it, and when (NULL: open).
    completed_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    completed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)
