"""Board topics, threads, posts and members' reports of posts."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from council.core.db import UTCDateTime, utcnow
from council.core.i18n import lazy_gettext as _l
from council.platform.common import ID
from council.platform.database import Base


class ThreadKind(StrEnum):
    ANNOUNCEMENT = "announcement"
    DISCUSSION = "discussion"

    @property
    def label(self):
        return {"announcement": _l("Announcement"), "discussion": _l("Discussion")}[self.value]


class Topic(Base):
    """A theme of the board, such as a 分科会's theme; administrators keep the list."""

    __tablename__ = "board_topic"
    id: Mapped[int] = mapped_column(ID, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    #: Topics are listed by this number, then by name.
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Thread(Base):
    """An announcement (administrators only) or a discussion within a topic."""

    __tablename__ = "board_thread"
    id: Mapped[int] = mapped_column(ID, primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("board_topic.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    #: One of ThreadKind.
    kind: Mapped[str] = mapped_column(String(20))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("platform_user.id", ondelete="SET NULL"))
    #: The author's organisation when they wrote it (empty for administrators).
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Threads are listed by their latest visible post.
    last_post_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    #: A locked thread takes no replies.
    locked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    posts: Mapped[list[Post]] = relationship(cascade="all, delete-orphan", order_by="Post.created_at")


class Post(Base):
    """One message in a thread. Moderators hide posts rather than delete them, so the thread stays readable."""

    __tablename__ = "board_post"
    id: Mapped[int] = mapped_column(ID, primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("board_thread.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("platform_user.id", ondelete="SET NULL"))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: When and by whom it was hidden, and why (the reason is shown in place of the post).
    hidden_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("platform_user.id", ondelete="SET NULL"))
    hidden_reason: Mapped[str] = mapped_column(String(500), default="")


class PostReport(Base):
    """A member's report that a post should not be on the board; waits in the moderators' queue."""

    __tablename__ = "board_post_report"
    id: Mapped[int] = mapped_column(ID, primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("board_post.id", ondelete="CASCADE"), index=True)
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("platform_user.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: When a moderator hid the post or kept it.
    resolved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("platform_user.id", ondelete="SET NULL"))
