"""The PPC's deadlines for an incident, in Japan dates (個人情報保護法施行規則 第8条, 行政機関等は第44条).

- **速報 (preliminary report)**: "速やかに" after the institution knew. The PPC's guideline gives about 3–5 days
  from when it knew as guidance, not a legal limit: the page shows it as a target window (``INCIDENTS_PRELIMINARY
  _DAYS``, default (3, 5)), due at its end.
- **確報 (final report)**: within 30 days of the day the institution knew — 60 when the incident was caused with a
  wrongful purpose (不正の目的: an attack, theft, an insider taking data out). The day it knew is not counted
  (民法第140条, 初日不算入); when the last day is a Saturday, Sunday, national holiday or a year-end closing day
  (12月29日〜1月3日), the report is due on the next day that is none of them.

Both are counted from the Japan date of ``discovered_at``, and "today" is Japan's (council.core.clock): at 23:30
UTC it is already the next day in Tokyo, and a deadline is one day closer than a UTC calendar says.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

import jpholiday
from flask import current_app

from council.core.clock import japan_date, japan_today
from council.core.i18n import lazy_gettext as _l
from council.incidents.models import Incident, IncidentState

#: Days to the final report (確報), and for a wrongful purpose (不正の目的).
FINAL_DAYS, FINAL_DAYS_MALICIOUS = 30, 60
#: The PPC's guidance for "速やかに": about 3 to 5 days from when the institution knew.
PRELIMINARY_DAYS = (3, 5)
#: An open deadline this close (or past) goes to the inbox of the auditors and the coordinator.
WARN_DAYS = 2


class Urgency(StrEnum):
    """How a deadline stands today in Japan."""

    MET = "met"
    OPEN = "open"
    SOON = "soon"
    OVERDUE = "overdue"

    @property
    def label(self):
        """Translated when rendered (a lazy string)."""
        return {Urgency.MET: _l("Done"), Urgency.OPEN: _l("Open"), Urgency.SOON: _l("Due soon"),
                Urgency.OVERDUE: _l("Overdue")}[self]


@dataclass(frozen=True)
class Deadline:
    """One report's deadline as the page shows it."""

    #: ``preliminary`` (速報) or ``final`` (確報).
    which: str
    #: The first day of the target window (the 速報's guidance); the due date itself for the 確報.
    window_start: dt.date
    #: The day it is due (the end of the 速報's window).
    due_on: dt.date
    #: The Japan date the report was made, if it was.
    done_on: dt.date | None
    #: Days from today in Japan to ``due_on`` (negative when past).
    days_left: int
    urgency: Urgency

    @property
    def needs_attention(self) -> bool:
        """Whether it belongs in the inbox: not done, and due within WARN_DAYS or past."""
        return self.urgency in (Urgency.SOON, Urgency.OVERDUE)


def preliminary_days() -> tuple[int, int]:
    """The 速報's target window in days, from the app's ``INCIDENTS_PRELIMINARY_DAYS`` (default 3–5)."""
    start, end = current_app.config.get("INCIDENTS_PRELIMINARY_DAYS", PRELIMINARY_DAYS)
    return int(start), int(end)


def is_closed_day(day: dt.date) -> bool:
    """Saturday, Sunday, a national holiday (振替休日 included), or a year-end closing day (12/29–1/3)."""
    year_end = (day.month == 12 and day.day >= 29) or (day.month == 1 and day.day <= 3)
    return day.weekday() >= 5 or year_end or jpholiday.is_holiday(day)


def final_due(known_on: dt.date, *, malicious: bool) -> dt.date:
    """The 確報's due date: the 30th (60th) day after ``known_on``, moved past closed days."""
    due = known_on + dt.timedelta(days=FINAL_DAYS_MALICIOUS if malicious else FINAL_DAYS)
    while is_closed_day(due):
        due += dt.timedelta(days=1)
    return due


def deadlines(incident: Incident) -> tuple[Deadline, Deadline]:
    """The 速報 and the 確報 deadlines of ``incident``, as of today in Japan."""
    known_on, today = japan_date(incident.discovered_at), japan_today()
    first, last = preliminary_days()
    preliminary_done = incident.preliminary_reported_on or incident.final_reported_on
    closed = incident.state == IncidentState.CLOSED
    preliminary = _deadline("preliminary", known_on + dt.timedelta(days=first), known_on + dt.timedelta(days=last),
                            preliminary_done, today, closed)
    due = final_due(known_on, malicious=incident.malicious)
    return preliminary, _deadline("final", due, due, incident.final_reported_on, today, closed)


def _deadline(which: str, start: dt.date, due: dt.date, done_on: dt.date | None, today: dt.date,
              closed: bool) -> Deadline:
    days_left = (due - today).days
    if done_on is not None or closed:
        urgency = Urgency.MET
    elif days_left < 0:
        urgency = Urgency.OVERDUE
    elif days_left <= WARN_DAYS:
        urgency = Urgency.SOON
    else:
        urgency = Urgency.OPEN
    return Deadline(which=which, window_start=start, due_on=due, done_on=done_on, days_left=days_left,
                    urgency=urgency)
