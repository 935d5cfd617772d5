"""What meetings and briefs refuse: a user error, shown on the form with what was typed."""

from council.cases.errors import CaseError
from council.core.editing import StaleEdit


class MeetingError(CaseError):
    """The meeting or brief cannot be saved as asked; the message says why (in the user's language)."""


class StaleMeeting(StaleEdit, MeetingError):
    """Someone saved the meeting after the form was opened."""


class StaleBrief(StaleEdit, MeetingError):
    """Someone saved the brief after the form was opened."""
