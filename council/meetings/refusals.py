"""Refused requests on meeting routes answer 404 and are audit events, like every case refusal (DESIGN.md §5): the
meeting is the target, the case (where one is involved) is in the event's own case column, so the auditor's
per-case history finds who was refused a brief, a decision or a task of it. One helper (``record_denial``) writes
them all; this module only names the meeting's actions."""

from __future__ import annotations

from enum import StrEnum
from typing import NoReturn

from werkzeug.exceptions import NotFound

from council.audit.events import AuditTag, record_denial


class MeetingAction(StrEnum):
    """What a refused request on a meeting asked to do (the event's reason; labelled in ``audit.describe``)."""

    VIEW = "meeting:meeting:view"
    MANAGE = "meeting:meeting:manage"
    READ_MINUTES = "meeting:minutes:read"
    MANAGE_MINUTES = "meeting:minutes:manage"
    COMPLETE_TASK = "case:task:complete"


def refuse(*, actor, action: str, meeting_id: int | None, case_id: int | None = None) -> NoReturn:
    """Record the refusal (in a transaction of its own) and raise NotFound. With ``case_id`` it is a case refusal
    (``case:access:denied``) whose target is the meeting; without, a ``meeting:access:denied``."""
    tag = AuditTag.CASE_ACCESS_DENIED if case_id is not None else AuditTag.MEETING_ACCESS_DENIED
    record_denial(actor=actor, case_id=case_id, action=action, tag=tag, target_type="meeting", target_id=meeting_id)
    raise NotFound()
