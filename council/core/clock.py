"""The one clock of both apps, and Japan's calendar.

Users work in Japan; servers usually run in UTC. Timestamps are stored in UTC, but every "today", every
date a user types or reads, every date filter and every deadline is a date in Japan (Asia/Tokyo, UTC+9, no
daylight saving). Between 00:00 and 09:00 JST, UTC's date is still yesterday: asking the operating system
for "today" (``date.today()``) would default an intake to yesterday and refuse a consent given this
morning as "in the future". So nothing in ``council`` asks the operating system for the time; it asks
this module (a test fails on ``date.today()``, ``datetime.now(`` or ``datetime.utcnow`` anywhere else).

The clock can be moved for tests (``set_now``): it then keeps running from the time it was set to, so
idle timeouts and expiries still pass. The test suite runs with it at 23:30 UTC (08:30 the next day in
Japan), where a UTC "today" is wrong. TOTP codes count real seconds (``time.time()``) and are not moved.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from zoneinfo import ZoneInfo

#: The zone of every date users type or read.
JAPAN = ZoneInfo("Asia/Tokyo")

#: How far this process's clock is moved from the real one (zero outside tests).
_offset = dt.timedelta(0)


def utcnow() -> dt.datetime:
    """The current instant, timezone-aware, in UTC. The only place that reads the system clock."""
    return dt.datetime.now(dt.UTC) + _offset


def japan_now() -> dt.datetime:
    """The current time in Japan (aware, Asia/Tokyo)."""
    return utcnow().astimezone(JAPAN)


def japan_today() -> dt.date:
    """Today's date in Japan: at 23:30 UTC it is already tomorrow there."""
    return japan_now().date()


def japan_date(instant: dt.datetime) -> dt.date:
    """The date in Japan of an aware instant (a stored UTC timestamp)."""
    return in_japan(instant).date()


def in_japan(instant: dt.datetime) -> dt.datetime:
    """An aware instant as Japan time (aware); naive values are refused, their zone is unknown."""
    if instant.tzinfo is None:
        raise ValueError("naive datetime given; its zone is unknown")
    return instant.astimezone(JAPAN)


def japan_to_utc(day: dt.date, time: dt.time = dt.time()) -> dt.datetime:
    """The UTC instant of ``time`` on ``day`` in Japan (a date and time a user typed)."""
    return dt.datetime.combine(day, time, tzinfo=JAPAN).astimezone(dt.UTC)


def wall_clock_to_utc(value: dt.datetime) -> dt.datetime:
    """A naive date and time typed in Japan (a ``datetime-local`` field) as a UTC instant."""
    return japan_to_utc(value.date(), value.time())


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The UTC instants [start, end) of ``day`` in Japan: 15:00 UTC the day before to 15:00 UTC on it."""
    return japan_to_utc(day), japan_to_utc(day + dt.timedelta(days=1))


def days_since(day: dt.date | None) -> int | None:
    """Whole days from ``day`` to today in Japan, never negative (a date ahead of today counts as today)."""
    return None if day is None else max((japan_today() - day).days, 0)


# -- moving the clock (tests only) ---------------------------------------------------------------------


def set_now(instant: dt.datetime) -> None:
    """Move the clock so that it reads ``instant`` now, and keep it running from there."""
    global _offset
    _offset = instant.astimezone(dt.UTC) - dt.datetime.now(dt.UTC)


def reset() -> None:
    """Put the clock back to the real time."""
    global _offset
    _offset = dt.timedelta(0)


@contextmanager
def moved_to(instant: dt.datetime) -> Iterator[None]:
    """Within the block the clock reads ``instant`` (and runs on); afterwards it is moved back to where it was."""
    global _offset
    saved = _offset
    set_now(instant)
    try:
        yield
    finally:
        _offset = saved
