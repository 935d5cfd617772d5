"""Every tag the platform's audit chain records, named ``source:subject:action`` like the council's.

The platform keeps its own catalogue because it must not import the council side (council.audit); sign-in and
session tags are shared through the neutral ``council.security.signin.AccountEvent`` (``PLATFORM_TAGS``).
"""

from __future__ import annotations

from enum import StrEnum

from council.security.signin import AccountEvent


class PlatformTag(StrEnum):
    """Platform tags. Member names are stable (code refers to them)."""

    ADMIN_CREATED = "platform:admin:created"
    AUDIT_VERIFIED = "platform:audit:verified"
    #: The PII guard refused text; the reason lists only the kinds found, never the text.
    TEXT_REFUSED = "platform:guard:text_refused"
    ORGANISATION_APPLIED = "platform:organisation:applied"
    ORGANISATION_APPROVED = "platform:organisation:approved"
    ORGANISATION_DECLINED = "platform:organisation:declined"
    ORGANISATION_UPDATED = "platform:organisation:updated"
    MEMBER_INVITED = "platform:member:invited"
    MEMBER_DISABLED = "platform:member:disabled"
    MEMBER_ENABLED = "platform:member:enabled"
    PLACE_SAVED = "platform:place:saved"
    PLACE_DELETED = "platform:place:deleted"
    PROJECT_SAVED = "platform:project:saved"
    PROJECT_JOINED = "platform:project:joined"
    PROJECT_UPDATE_POSTED = "platform:project:update_posted"
    PROJECT_UPDATE_REMOVED = "platform:project:update_removed"
    TOPIC_SAVED = "platform:board:topic_saved"
    THREAD_STARTED = "platform:board:thread_started"
    THREAD_LOCKED = "platform:board:thread_locked"
    THREAD_UNLOCKED = "platform:board:thread_unlocked"
    THREAD_RENAMED = "platform:board:thread_renamed"
    POST_WRITTEN = "platform:board:post_written"
    POST_REPORTED = "platform:board:post_reported"
    POST_HIDDEN = "platform:board:post_hidden"
    REPORTS_DISMISSED = "platform:board:reports_dismissed"
    RESOURCE_SAVED = "platform:resource:saved"
    RESOURCE_DELETED = "platform:resource:deleted"
    CONSULT_WINDOW_SAVED = "platform:consult_window:saved"
    CONSULT_WINDOW_DELETED = "platform:consult_window:deleted"
    STATISTICS_IMPORTED = "platform:statistics:imported"
    STATISTICS_REFUSED = "platform:statistics:refused"
    # Account administration by platform administrators (issue 14); ended sessions are AccountEvent.SESSION_REVOKED.
    USER_RESET = "platform:user:reset"
    USER_DISABLED = "platform:user:disabled"
    USER_ENABLED = "platform:user:enabled"


#: Everything the platform's chain may record.
PLATFORM_TAGS: tuple[StrEnum, ...] = (*PlatformTag, *AccountEvent)
