"""The one clock: Japan's today and day bounds, and no other way to read the time in ``council``."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from council.core import clock

COUNCIL = Path(__file__).resolve().parents[3] / "council"
#: Ways of reading the operating system's clock or zone that bypass council.core.clock.
FORBIDDEN = re.compile(r"\bdate\.today\(|\bdatetime\.now\(|\bdatetime\.utcnow|\bdatetime\.today\(|ZoneInfo\(|"
                       r"hours=9\)")


def test_nothing_outside_the_clock_reads_the_system_time():
    """``date.today()`` is UTC's date on a UTC server: before 09:00 in Japan it is yesterday."""
    offenders = []
    for path in sorted(COUNCIL.rglob("*.py")):
        if path == COUNCIL / "core" / "clock.py":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if FORBIDDEN.search(line):
                offenders.append(f"{path.relative_to(COUNCIL.parent)}:{number}: {line.strip()}")
    assert not offenders, "use council.core.clock (utcnow, japan_today, day_bounds …):\n" + "\n".join(offenders)


def test_the_guard_sees_what_it_forbids():
    for line in ("x = dt.date.today()", "dt.datetime.now(dt.UTC)", "datetime.utcnow()",
                 'ZoneInfo("Asia/Tokyo")', "dt.timezone(dt.timedelta(hours=9))"):
        assert FORBIDDEN.search(line), line
    assert not FORBIDDEN.search("clock.japan_today()")


def test_the_suite_runs_at_half_past_eleven_utc(japan_morning):
    """The autouse fixtures: 23:30 UTC (again at each module's start) is already the next day in Japan, and the clock
    keeps running."""
    assert japan_morning.time() == dt.time(23, 30)
    now = clock.utcnow()
    assert dt.timedelta(0) <= now - japan_morning < dt.timedelta(minutes=30)
    assert clock.japan_today() == japan_morning.date() + dt.timedelta(days=1)
    assert clock.japan_now().hour == 8


def test_japan_today_at_the_edges_of_a_utc_day():
    with clock.moved_to(dt.datetime(2026, 3, 31, 14, 59, tzinfo=dt.UTC)):
        assert clock.japan_today() == dt.date(2026, 3, 31)  # 23:59 in Japan
    with clock.moved_to(dt.datetime(2026, 3, 31, 15, 0, tzinfo=dt.UTC)):
        assert clock.japan_today() == dt.date(2026, 4, 1)  # midnight in Japan: a new fiscal year
        assert clock.utcnow().date() == dt.date(2026, 3, 31)


def test_the_moved_clock_keeps_running_and_comes_back():
    before = clock.utcnow()
    with clock.moved_to(dt.datetime(2030, 1, 1, tzinfo=dt.UTC)):
        first = clock.utcnow()
        second = clock.utcnow()
        assert first.year == 2030 and second >= first
    assert abs(clock.utcnow() - before) < dt.timedelta(minutes=1)


def test_day_bounds_are_the_japan_day_in_utc():
    start, end = clock.day_bounds(dt.date(2026, 12, 1))
    assert start == dt.datetime(2026, 11, 30, 15, 0, tzinfo=dt.UTC)
    assert end == dt.datetime(2026, 12, 1, 15, 0, tzinfo=dt.UTC)
    assert start <= dt.datetime(2026, 11, 30, 23, 30, tzinfo=dt.UTC) < end


def test_a_time_typed_in_japan_is_stored_in_utc():
    assert clock.japan_to_utc(dt.date(2026, 4, 1), dt.time(9)) == dt.datetime(2026, 4, 1, 0, 0, tzinfo=dt.UTC)
    assert clock.wall_clock_to_utc(dt.datetime(2026, 4, 1, 8, 30)) == dt.datetime(2026, 3, 31, 23, 30, tzinfo=dt.UTC)
    assert clock.japan_date(dt.datetime(2026, 3, 31, 23, 30, tzinfo=dt.UTC)) == dt.date(2026, 4, 1)


def test_a_naive_time_has_no_japan_date():
    with pytest.raises(ValueError):
        clock.japan_date(dt.datetime(2026, 4, 1, 9, 0))


def test_days_since_counts_japan_days_and_is_never_negative():
    with clock.moved_to(dt.datetime(2026, 11, 30, 23, 30, tzinfo=dt.UTC)):  # 1 December in Japan
        assert clock.days_since(dt.date(2026, 11, 30)) == 1
        assert clock.days_since(dt.date(2026, 12, 1)) == 0
        assert clock.days_since(dt.date(2027, 1, 17)) == 0  # a date ahead (old data) is not "-47"
        assert clock.days_since(None) is None


def test_utcnow_is_the_one_clock():
    """Models and services import utcnow from core.db: it is the clock's own function, moved with it."""
    from council.core.db import utcnow

    assert utcnow is clock.utcnow
