"""The platform's entry points to its audit chain: ``record`` and ``verify_chain`` (tags in platform.tags)."""

from __future__ import annotations

from enum import StrEnum

from council.platform.database import db
from council.platform.models import PlatformAuditEvent
from council.platform.tags import PlatformTag
from council.security import auditchain
from council.security.auditchain import AuditRecorder, Outcome

__all__ = ["PlatformTag", "record", "verify_chain"]

#: The one recorder (council.security.auditchain), on the platform's table and session.
recorder = AuditRecorder(PlatformAuditEvent, session=lambda: db.session)


def record(*, tag: StrEnum, actor=None, target=None, target_type: str | None = None,
           target_id: str | int | None = None, outcome: Outcome = Outcome.ALLOWED, basis: str | None = None,
           reason: str | None = None) -> PlatformAuditEvent:
    """Append an event inside the current transaction; the caller commits (fail closed)."""
    return recorder.record(tag=tag, actor=actor, target=target, target_type=target_type, target_id=target_id,
                           outcome=outcome, basis=basis, reason=reason)


def verify_chain(progress=None) -> auditchain.Verification:
    """Walk the platform's whole chain, then record the outcome as an event (after the walk). Commits."""
    result = recorder.verify(progress=progress)
    db.session.rollback()
    record(tag=PlatformTag.AUDIT_VERIFIED, outcome=Outcome.ALLOWED if result.intact else Outcome.ERROR,
           reason=f"{result.checked} intact" if result.intact else f"first bad seq {result.first_bad_seq}")
    db.session.commit()
    return result
