"""The one function that records platform audit events, and the platform's own tags."""

from __future__ import annotations

from enum import StrEnum

from flask import g, has_request_context, request

from council.core.db import utcnow
from council.platform.database import db
from council.platform.models import PlatformAuditEvent
from council.security import auditchain
from council.security.auditchain import Outcome


class PlatformTag(StrEnum):
    ADMIN_CREATED = "platform.admin_created"
    AUDIT_VERIFIED = "audit.verified"
    #: The PII guard refused text; the reason lists only the kinds found, never the text.
    TEXT_REFUSED = "guard.text_refused"
    ORGANISATION_APPLIED = "organisation.applied"
    ORGANISATION_APPROVED = "organisation.approved"
    ORGANISATION_DECLINED = "organisation.declined"
    ORGANISATION_UPDATED = "organisation.updated"
    MEMBER_INVITED = "member.invited"
    MEMBER_DISABLED = "member.disabled"
    MEMBER_ENABLED = "member.enabled"
    PLACE_SAVED = "place.saved"
    PLACE_DELETED = "place.deleted"
    PROJECT_SAVED = "project.saved"
    PROJECT_JOINED = "project.joined"
    PROJECT_UPDATE_POSTED = "project.update_posted"
    PROJECT_UPDATE_REMOVED = "project.update_removed"
    TOPIC_SAVED = "board.topic_saved"
    THREAD_STARTED = "board.thread_started"
    THREAD_LOCKED = "board.thread_locked"
    THREAD_UNLOCKED = "board.thread_unlocked"
    THREAD_RENAMED = "board.thread_renamed"
    POST_WRITTEN = "board.post_written"
    POST_REPORTED = "board.post_reported"
    POST_HIDDEN = "board.post_hidden"
    REPORTS_DISMISSED = "board.reports_dismissed"
    RESOURCE_SAVED = "resource.saved"
    RESOURCE_DELETED = "resource.deleted"
    CONSULT_WINDOW_SAVED = "consult.window_saved"
    CONSULT_WINDOW_DELETED = "consult.window_deleted"
    STATISTICS_IMPORTED = "statistics.imported"
    STATISTICS_REFUSED = "statistics.refused"


def record(*, tag: StrEnum, actor=None, target=None, target_type: str | None = None,
           target_id: str | int | None = None, outcome: Outcome = Outcome.ALLOWED, basis: str | None = None,
           reason: str | None = None) -> PlatformAuditEvent:
    """Append an event inside the current transaction; the caller commits (fail closed)."""
    if target is not None:
        db.session.flush()
        target_type, target_id = target.__tablename__, target.id
    return auditchain.append(
        db.session, PlatformAuditEvent, now=utcnow(), tag=str(tag),
        actor_user_id=actor.id if actor is not None else None, target_type=target_type,
        target_id=str(target_id) if target_id is not None else None, outcome=str(outcome), basis=basis,
        reason=reason, request_id=g.get("request_id") if has_request_context() else "cli",
        client_ip=request.remote_addr if has_request_context() else None,
    )


def verify_chain(progress=None) -> auditchain.Verification:
    result = auditchain.verify(db.session, PlatformAuditEvent, progress=progress)
    db.session.rollback()
    record(tag=PlatformTag.AUDIT_VERIFIED, outcome=Outcome.ALLOWED if result.intact else Outcome.ERROR,
           reason=f"{result.checked} intact" if result.intact else f"first bad seq {result.first_bad_seq}")
    db.session.commit()
    return result
