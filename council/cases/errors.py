"""Errors of the case services; their messages are shown to the user."""


class CaseError(Exception):
    """The change cannot be made; the message says why."""


class StaleCase(CaseError):
    """Someone saved the same thing since the form was opened; nothing was overwritten."""
