"""The one function that records council-side audit events, and the tags it accepts."""

from __future__ import annotations

from enum import StrEnum

from flask import g, has_request_context, request

from council.audit.models import AuditEvent
from council.core.db import utcnow
from council.database import db
from council.security import auditchain
from council.security.auditchain import Outcome


class AuditTag(StrEnum):
    """Council-side tags; sign-in and session tags come from security.signin.AccountEvent."""

    COUNCIL_CREATED = "council.created"
    INSTITUTION_CREATED = "institution.created"
    INSTITUTION_CHANGED = "institution.changed"
    USER_CREATED = "user.created"
    USER_CHANGED = "user.changed"
    USER_ROLE_CHANGED = "user.role_changed"
    USER_DISABLED = "user.disabled"
    USER_ENABLED = "user.enabled"
    USER_RESET = "user.reset"
    PLEDGE_ACCEPTED = "pledge.accepted"
    FIRST_ADMIN_LINK_CREATED = "setup_link.first_admin_created"
    AUDIT_VERIFIED = "audit.verified"
    AUDIT_CHECKPOINT_CREATED = "audit.checkpoint_created"
    CASE_CREATED = "case.created"
    CASE_IMPORTED = "case.imported"
    CASE_VIEWED = "case.viewed"
    CASE_PRINTED = "case.printed"
    CASE_LISTED = "case.listed"
    CASE_SEARCHED = "case.searched"
    CASE_STATUS_CHANGED = "case.status_changed"
    CASE_PURGED = "case.purged"
    DUPLICATE_CHECKED = "case.duplicate_checked"
    RECORD_CREATED = "support_record.created"
    RECORD_EDITED = "support_record.edited"
    RECORD_DELETED = "support_record.deleted"
    KEYS_ROTATED = "keys.rotated"
    KEYS_RETIRED = "keys.retired"
    PERSON_ADDED = "person.added"
    PERSON_CHANGED = "person.changed"
    PERSON_REMOVED = "person.removed"
    CASE_CHANGED = "case.changed"
    CONSENT_RECORDED = "consent.recorded"
    CONSENT_WITHDRAWN = "consent.withdrawn"
    PLAN_SAVED = "plan.saved"
    ATTACHMENT_ADDED = "attachment.added"
    ATTACHMENT_DOWNLOADED = "attachment.downloaded"
    ATTACHMENT_REMOVED = "attachment.removed"
    AUDIT_LOG_VIEWED = "audit.log_viewed"
    STATISTICS_EXPORTED = "statistics.exported"
    # Namespaced (source:subject:action), as every tag will be (issue 9 §1).
    GRANT_CREATED = "case:grant:created"
    GRANT_ENDED = "case:grant:ended"


def record(*, tag: StrEnum, actor=None, target=None, target_type: str | None = None,
           target_id: str | int | None = None, outcome: Outcome = Outcome.ALLOWED, basis: str | None = None,
           reason: str | None = None, council_id: int | None = None) -> AuditEvent:
    """Append an event inside the current transaction; the caller commits (fail closed).

    ``target`` may be a model instance (its table name and id are recorded) instead of
    ``target_type``/``target_id``. The council is taken from the actor, the target or ``council_id``.
    """
    if target is not None:
        db.session.flush()
        target_type, target_id = target.__tablename__, target.id
    if council_id is None:
        council_id = _council_of(actor) or _council_of(target)
    return auditchain.append(
        db.session, AuditEvent, now=utcnow(), tag=str(tag),
        actor_user_id=actor.id if actor is not None else None,
        actor_institution_id=getattr(actor, "institution_id", None),
        council_id=council_id, target_type=target_type,
        target_id=str(target_id) if target_id is not None else None,
        outcome=str(outcome), basis=basis, reason=reason,
        request_id=g.get("request_id") if has_request_context() else "cli",
        client_ip=request.remote_addr if has_request_context() else None,
    )


def _council_of(thing) -> int | None:
    if thing is None:
        return None
    if thing.__tablename__ == "council":
        return thing.id
    if thing.__tablename__ == "institution":
        return thing.council_id
    institution = getattr(thing, "institution", None)
    return institution.council_id if institution is not None else None
