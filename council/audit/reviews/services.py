"""The one review mechanism: an auditor marks an audit event reviewed, with a comment.

The review is a row of ``audit_review`` (the log stays append-only) and an audit event of its own, in the same
transaction (fail closed: no event, no review). The comment stays in the review row, out of the chain.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from council.audit.events import AuditTag, record
from council.audit.models import AuditEvent
from council.audit.reviews.models import AuditReview
from council.auth.models import User
from council.database import db

#: Where a review may come from: a list, a rule, a sample (with its seed).
_SOURCE = re.compile(r"^(list:[a-z_]{1,30}|anomaly:[a-z_]{1,30}|sample:[0-9]{1,12}|event)$")


_LARGEST_SEQ = 2**63 - 1


class ReviewRefused(Exception):
    """The review cannot be recorded (already reviewed, an empty comment); the message says why, translated."""


@dataclass(frozen=True)
class Review:
    """A review as the workspace shows it."""

    seq: int
    reviewer: str
    comment: str
    source: str
    reviewed_at: dt.datetime


def council_event(*, council_id: int, seq: int) -> AuditEvent | None:
    """The event ``seq`` if it belongs to ``council_id``; None for another council's, a council-less one or none."""
    if not 0 < seq <= _LARGEST_SEQ:  # a URL may hold any number of digits; the column holds 63 bits
        return None
    event = db.session.get(AuditEvent, seq)
    return event if event is not None and event.council_id == council_id else None


def reviews_of(*, council_id: int, seqs: Iterable[int]) -> dict[int, Review]:
    """The reviews of the events ``seqs`` of the council, by seq (one query on the review's index)."""
    seqs = sorted(set(seqs))
    if not seqs:
        return {}
    rows = db.session.execute(select(AuditReview, User.display_name).join(User, User.id == AuditReview.reviewer_id)
                              .where(AuditReview.council_id == council_id, AuditReview.event_seq.in_(seqs))).all()
    return {row.event_seq: Review(seq=row.event_seq, reviewer=name, comment=row.comment, source=row.source,
                                  reviewed_at=row.reviewed_at) for row, name in rows}


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
    review = AuditReview(council_id=actor.council_id, event_seq=event.seq, reviewer_id=actor.id, source=source,
                         comment=comment[:500])
    db.session.add(review)
    # No case columns: the auditor did not look at the case, and "who looked at case X" must not list them.
    record(tag=AuditTag.AUDIT_EVENT_REVIEWED, actor=actor, target_type="audit_event", target_id=event.seq,
           reason=f"seq {event.seq} ({source})")
    try:
        db.session.commit()
    except IntegrityError:  # another auditor's review of the same event committed first: theirs stands
        db.session.rollback()
        raise ReviewRefused(_("This event has already been reviewed.")) from None
    return review


def record_listed(*, actor: User, tag: AuditTag, since: dt.date, until: dt.date, found: str = "") -> None:
    """Reading a review list or running the anomaly rules is audited (the range, and what was found in counts).
    Commits."""
    record(tag=tag, actor=actor, reason=f"{since}..{until}" + (f": {found}" if found else ""))
    db.session.commit()
