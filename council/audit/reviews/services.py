"""The one review mechanism: an auditor marks an audit event reviewed, with a comment.

The review is a row of ``audit_review`` (the log stays append-only) and an audit event of its own, in the same
transaction (fail closed: no event, no review). The comment stays in the review row, out of the chain, sealed
(``reviews.sealing``); an auditor of the council may correct it (``edit_comment``), audited the same way.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from council.audit.events import AuditTag, record
from council.audit.models import AuditEvent
from council.audit.reviews.models import AuditReview
from council.audit.reviews.sealing import comment_of, seal_comment
from council.auth.models import User
from council.core.clock import utcnow
from council.core.editing import StaleEdit, lock_for_edit
from council.core.i18n import gettext as _
from council.database import db

#: Where a review may come from: a list, a rule, a sample (with its seed).
_SOURCE = re.compile(r"^(list:[a-z_]{1,30}|anomaly:[a-z_]{1,30}|sample:[0-9]{1,12}|event)$")


_LARGEST_SEQ = 2**63 - 1


class ReviewRefused(Exception):
    """The review cannot be recorded (already reviewed, an empty comment); the message says why, translated."""


class StaleReview(StaleEdit, ReviewRefused):
    """Another auditor corrected the comment after the form was opened; nothing was written."""


@dataclass(frozen=True)
class Review:
    """A review as the workspace shows it."""

    seq: int
    reviewer: str
    source: str
    reviewed_at: dt.datetime
    #: The comment, opened only where asked for (the event's page); "" on lists, which show the state only.
    comment: str = ""
    #: The review's version, for a correction's form (core.editing).
    version: int = 1
    #: Who last corrected the comment, and when (UTC); empty until corrected.
    editor: str = ""
    edited_at: dt.datetime | None = None


def council_event(*, council_id: int, seq: int) -> AuditEvent | None:
    """The event ``seq`` if it belongs to ``council_id``; None for another council's, a council-less one or none."""
    if not 0 < seq <= _LARGEST_SEQ:  # a URL may hold any number of digits; the column holds 63 bits
        return None
    event = db.session.get(AuditEvent, seq)
    return event if event is not None and event.council_id == council_id else None


def reviews_of(*, council_id: int, seqs: Iterable[int], comments: bool = False) -> dict[int, Review]:
    """The reviews of the events ``seqs`` of the council, by seq (one query on the review's index); with
    ``comments``, each comment opened (raises KeyUnavailable, DecryptionFailed)."""
    seqs = sorted(set(seqs))
    if not seqs:
        return {}
    rows = db.session.scalars(select(AuditReview).where(AuditReview.council_id == council_id,
                                                        AuditReview.event_seq.in_(seqs))).all()
    people = {user.id: user.display_name for user in db.session.scalars(select(User).where(
        User.id.in_({r.reviewer_id for r in rows} | {r.edited_by for r in rows if r.edited_by})))} if rows else {}
    return {row.event_seq: Review(seq=row.event_seq, reviewer=people.get(row.reviewer_id, ""), source=row.source,
                                  reviewed_at=row.reviewed_at, comment=comment_of(row) if comments else "",
                                  version=row.version, editor=people.get(row.edited_by, ""),
                                  edited_at=row.edited_at) for row in rows}


def clean_source(value: str | None) -> str:
    """A source code from a form (``list:refusals``, ``anomaly:volume``, ``sample:1234``), or ``event``."""
    value = (value or "").strip()
    return value if _SOURCE.match(value) else "event"


def mark_reviewed(*, actor: User, event: AuditEvent, comment: str, source: str = "event") -> AuditReview:
    """Record that ``actor`` reviewed ``event`` (of their council), with ``comment``, and the audit event saying so
    (its reason names the seq and the source, never the comment).
    Commits. Raises ReviewRefused for an empty comment or an event reviewed already (by anyone)."""
    comment = (comment or "").strip()
    if not comment:
        raise ReviewRefused(_("Write what you checked."))
    if reviews_of(council_id=actor.council_id, seqs=[event.seq]):
        raise ReviewRefused(_("This event has already been reviewed."))
    source = clean_source(source)
    review = AuditReview(council_id=actor.council_id, event_seq=event.seq, reviewer_id=actor.id, source=source)
    try:
        db.session.add(review)
        db.session.flush()  # the review's id binds its sealed comment
        seal_comment(review, comment[:500])
        # No case columns: the auditor did not look at the case, and "who looked at case X" must not list them.
        record(tag=AuditTag.AUDIT_EVENT_REVIEWED, actor=actor, target_type="audit_event", target_id=event.seq,
               reason=f"seq {event.seq} ({source})")
        db.session.commit()
    except IntegrityError:  # another auditor's review of the same event committed first: theirs stands
        db.session.rollback()
        raise ReviewRefused(_("This event has already been reviewed.")) from None
    return review


def edit_comment(*, actor: User, event: AuditEvent, comment: str, version) -> AuditReview:
    """Replace the comment of ``event``'s review (of ``actor``'s council: the reviewer or another auditor of it) by
    ``comment``, sealed again in place, and record ``audit:review:edited`` (its reason names the review and its new
    version, never the comment). Commits. Raises ReviewRefused for an empty comment or an event not reviewed,
    StaleReview when someone corrected it after ``version`` was read."""
    comment = (comment or "").strip()
    if not comment:
        raise ReviewRefused(_("Write what you checked."))
    review = db.session.scalar(select(AuditReview).where(AuditReview.council_id == actor.council_id,
                                                         AuditReview.event_seq == event.seq))
    if review is None:
        raise ReviewRefused(_("This event has not been reviewed yet."))
    lock_for_edit(review, version, stale=StaleReview,
                  message=_("Another auditor corrected this comment after you opened the page. Their comment is "
                            "shown; your text is kept in the form. Save again to replace it."))
    seal_comment(review, comment[:500])
    review.edited_by, review.edited_at = actor.id, utcnow()
    record(tag=AuditTag.AUDIT_REVIEW_EDITED, actor=actor, target_type="audit_event", target_id=event.seq,
           reason=f"seq {event.seq} (review {review.id}, version {review.version})")
    db.session.commit()
    return review


def record_listed(*, actor: User, tag: AuditTag, since: dt.date, until: dt.date, found: str = "") -> None:
    """Reading a review list or running the anomaly rules is audited (the range, and what was found in counts).
    Commits."""
    record(tag=tag, actor=actor, reason=f"{since}..{until}" + (f": {found}" if found else ""))
    db.session.commit()
