"""Errors of the case services; their messages are shown to the user."""

from council.core.editing import StaleEdit


class CaseError(Exception):
    """The change cannot be made; the message says why."""


class StaleCase(StaleEdit, CaseError):
    """Someone saved the same thing since the form was opened; nothing was overwritten (``current`` is the row
    as stored now). Raised by ``core.editing.lock_for_edit(..., stale=StaleCase)``."""
