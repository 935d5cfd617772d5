"""What can stop an export."""


class StatisticsError(Exception):
    """The export cannot be made; the message says why and what to do."""
