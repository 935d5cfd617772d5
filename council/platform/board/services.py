"""Writing on the board and moderating it. Each writing function commits and audits."""

from __future__ import annotations

from sqlalchemy import func, select

from council.core.db import lock_for_update, utcnow
from council.core.i18n import gettext as _
from council.platform.audit import PlatformTag, record
from council.platform.board.models import Post, PostReport, Thread, ThreadKind, Topic
from council.platform.database import db
from council.platform.models import PlatformUser
from council.platform.permissions import PlatformPermission, has_permission


class BoardError(Exception):
    """The action cannot be taken; the message says why. Nothing was written."""


def is_moderator(user: PlatformUser) -> bool:
    return has_permission(user, PlatformPermission.BOARD_MODERATE)


def topics() -> list[tuple[Topic, int]]:
    """Topics with their number of threads."""
    counts = select(Thread.topic_id, func.count().label("n")).group_by(Thread.topic_id).subquery()
    return list(db.session.execute(select(Topic, func.coalesce(counts.c.n, 0)).outerjoin(
        counts, counts.c.topic_id == Topic.id).order_by(Topic.position, Topic.name)).all())


def threads_of(topic: Topic) -> list[Thread]:
    """Announcements first, then discussions by their latest post."""
    return list(db.session.scalars(select(Thread).where(Thread.topic_id == topic.id).order_by(
        (Thread.kind == ThreadKind.ANNOUNCEMENT).desc(), Thread.last_post_at.desc())))


def save_topic(*, actor: PlatformUser, topic: Topic | None, name: str, description: str, position: int) -> Topic:
    """Create or rename a topic. Commits."""
    topic = topic or Topic()
    topic.name, topic.description, topic.position = name.strip(), description.strip(), position
    db.session.add(topic)
    record(tag=PlatformTag.TOPIC_SAVED, actor=actor, target=topic)
    db.session.commit()
    return topic


def start_thread(*, actor: PlatformUser, topic: Topic, title: str, body: str, announcement: bool) -> Thread:
    """Open a thread with its first post. Only moderators post announcements. Raises BoardError."""
    if announcement and not is_moderator(actor):
        raise BoardError(_("Only administrators post announcements."))
    now = utcnow()
    thread = Thread(topic_id=topic.id, title=title.strip(), author_id=actor.id, organisation_id=actor.organisation_id,
                    kind=ThreadKind.ANNOUNCEMENT if announcement else ThreadKind.DISCUSSION, created_at=now,
                    last_post_at=now)
    thread.posts = [Post(author_id=actor.id, organisation_id=actor.organisation_id, body=body.strip(), created_at=now)]
    db.session.add(thread)
    record(tag=PlatformTag.THREAD_STARTED, actor=actor, target=thread)
    db.session.commit()
    return thread


def reply(*, actor: PlatformUser, thread: Thread, body: str) -> Post:
    """Add a post to an open thread. Raises BoardError when the thread is locked."""
    lock_for_update(db.session, thread)
    if thread.locked_at is not None:
        db.session.rollback()
        raise BoardError(_("This thread is locked; it takes no more replies."))
    post = Post(thread_id=thread.id, author_id=actor.id, organisation_id=actor.organisation_id, body=body.strip())
    db.session.add(post)
    thread.last_post_at = utcnow()
    record(tag=PlatformTag.POST_WRITTEN, actor=actor, target=thread)
    db.session.commit()
    return post


def report(*, actor: PlatformUser, post: Post, reason: str) -> None:
    """Put a post in the moderators' queue. Commits."""
    db.session.add(PostReport(post_id=post.id, reporter_id=actor.id, reason=reason.strip()))
    record(tag=PlatformTag.POST_REPORTED, actor=actor, target=post)
    db.session.commit()


def open_reports() -> list[tuple[Post, Thread, list[PostReport]]]:
    """Visible posts with unresolved reports, oldest report first."""
    reports = list(db.session.scalars(select(PostReport).join(Post, Post.id == PostReport.post_id).where(
        PostReport.resolved_at.is_(None), Post.hidden_at.is_(None)).order_by(PostReport.created_at)))
    grouped: dict[int, list[PostReport]] = {}
    for item in reports:
        grouped.setdefault(item.post_id, []).append(item)
    result = []
    for post_id, items in grouped.items():
        post = db.session.get(Post, post_id)
        result.append((post, db.session.get(Thread, post.thread_id), items))
    return result


def _resolve_reports(actor: PlatformUser, post: Post) -> None:
    for item in db.session.scalars(select(PostReport).where(PostReport.post_id == post.id,
                                                             PostReport.resolved_at.is_(None))):
        item.resolved_at, item.resolved_by_id = utcnow(), actor.id


def hide(*, actor: PlatformUser, post: Post, reason: str) -> None:
    """Take a post down: its text is erased (a post is most often taken down because it says something about
    a person, which must then not stay in the database either), its reports are resolved and the reason is
    shown in its place. Commits."""
    lock_for_update(db.session, post)
    post.hidden_at, post.hidden_by_id, post.hidden_reason = utcnow(), actor.id, reason.strip()
    post.body = ""
    _resolve_reports(actor, post)
    record(tag=PlatformTag.POST_HIDDEN, actor=actor, target=post)
    db.session.commit()


def rename_thread(*, actor: PlatformUser, thread: Thread, title: str) -> None:
    """Replace a thread's title (a moderator's correction, e.g. when it names someone). Commits."""
    lock_for_update(db.session, thread)
    thread.title = title.strip()
    record(tag=PlatformTag.THREAD_RENAMED, actor=actor, target=thread)
    db.session.commit()


def keep(*, actor: PlatformUser, post: Post) -> None:
    """Close a post's reports without hiding it. Commits."""
    _resolve_reports(actor, post)
    record(tag=PlatformTag.REPORTS_DISMISSED, actor=actor, target=post)
    db.session.commit()


def set_locked(*, actor: PlatformUser, thread: Thread, locked: bool) -> None:
    """Lock or unlock a thread (idempotent: locking a locked thread keeps its lock time). Commits."""
    lock_for_update(db.session, thread)
    if locked == (thread.locked_at is not None):
        db.session.rollback()
        return
    thread.locked_at = utcnow() if locked else None
    record(tag=PlatformTag.THREAD_LOCKED if locked else PlatformTag.THREAD_UNLOCKED, actor=actor, target=thread)
    db.session.commit()
