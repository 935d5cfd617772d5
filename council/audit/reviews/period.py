"""The Japan-date range a review list, the anomaly rules or a sample covers: always bounded, so that each page
reads a bounded stretch of the chain however long it grows."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from council.audit.filters import LogFilter
from council.core.clock import japan_today

#: The longest range a page reads (a month and a day: a calendar month whatever its length).
MAX_DAYS = 32


def bounded(log_filter: LogFilter, *, default_days: int) -> LogFilter:
    """``log_filter`` with a Japan-date range of at most MAX_DAYS days: by default the last ``default_days`` days up
    to today in Japan; a range too long keeps its end and is cut at the start; reversed dates are swapped."""
    until = log_filter.until or japan_today()
    since = log_filter.since or until - dt.timedelta(days=default_days - 1)
    if since > until:
        since, until = until, since
    since = max(since, until - dt.timedelta(days=MAX_DAYS - 1))
    return replace(log_filter, since=since, until=until)


def days_of(log_filter: LogFilter) -> list[dt.date]:
    """Every Japan date of a bounded filter's range, oldest first."""
    return [log_filter.since + dt.timedelta(days=n) for n in range((log_filter.until - log_filter.since).days + 1)]
