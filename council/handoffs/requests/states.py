"""When an information request is due and what state it is in: dates in Japan, states derived from them.

A request past its due date is overdue (期限超過) and may still be answered during a grace period — a late answer
helps the person more than none — and expires (期限切れ) after it. Its receiver's grant lapses at that same instant
(``answerable_until``), checked in SQL, with no sweeper.
"""

from __future__ import annotations

import datetime as dt

from council.cases.errors import CaseError
from council.core.clock import day_bounds, japan_today
from council.core.i18n import gettext as _
from council.handoffs.requests.models import InformationRequest, RequestState


class RequestError(CaseError):
    """The request cannot be sent, answered, declined or cancelled; the message says why."""


#: The due date a new request is given unless the sender chooses another: two weeks from today in Japan.
DEFAULT_DUE_DAYS = 14
#: How far ahead a due date may lie: a request is a question, not a standing share.
LONGEST_DUE_DAYS = 180
#: Days after the due date in which an overdue request may still be answered (and its receiver still reads it).
GRACE_DAYS = 7


def default_due_on() -> dt.date:
    """A new request's due date unless the sender chooses another (Japan)."""
    return japan_today() + dt.timedelta(days=DEFAULT_DUE_DAYS)


def check_due_on(due_on: dt.date | None) -> None:
    """Raise RequestError for a due date that is missing, before today in Japan or too far ahead."""
    today = japan_today()
    if due_on is None:
        raise RequestError(_("Give the date by which the answer is due."))
    if due_on < today:
        raise RequestError(_("The due date has passed: today is %(today)s in Japan.", today=today.isoformat()))
    if due_on > today + dt.timedelta(days=LONGEST_DUE_DAYS):
        raise RequestError(_("A request is due within %(n)d days.", n=LONGEST_DUE_DAYS))


def answerable_until(due_on: dt.date) -> dt.datetime:
    """The UTC instant a request due on ``due_on`` expires: the end of its grace period's last day in Japan."""
    return day_bounds(due_on + dt.timedelta(days=GRACE_DAYS))[1]


def state_of(row: InformationRequest, *, today: dt.date | None = None) -> RequestState:
    """The request's state as users read it: its stored state, or for a request still sent, overdue from the day
    after its due date (in Japan) and expired after the grace."""
    stored = RequestState(row.state)
    if stored != RequestState.SENT:
        return stored
    today = today or japan_today()
    if today <= row.due_on:
        return RequestState.SENT
    return RequestState.OVERDUE if today <= row.due_on + dt.timedelta(days=GRACE_DAYS) else RequestState.EXPIRED
