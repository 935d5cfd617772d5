"""Errors of the handoff services; their messages are shown to the user."""

from council.cases.errors import CaseError
from council.core.editing import StaleEdit


class HandoffError(CaseError):
    """The handoff cannot be sent, answered or ended; the message says why."""


class StaleHandoff(StaleEdit, HandoffError):
    """Someone answered the same handoff since the page was shown; nothing was written."""
