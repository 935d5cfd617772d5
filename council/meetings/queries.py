"""Reading meetings: who may see which meeting, the list of them, and the meeting page's content for one viewer.

The coordinator of the 調整機関 sees every meeting of the council; anyone else with MEETINGS_VIEW sees the meetings
they take part in (by name or through their institution) and those with an agenda case their institution leads
(it prepares the briefs). A meeting they may not see does not exist for them (404). Agenda cases are shown by
number and metadata only to a viewer who reaches the case now; the rest by their place on the agenda.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import and_, exists, or_, select
from werkzeug.exceptions import NotFound

from council.access.permissions import Role
from council.access.policy import Action, accesses, authorize, authorize_row
from council.auth.models import Institution, User
from council.auth.services import pledge_due
from council.cases.models import Case
from council.core.clock import utcnow
from council.database import db
from council.meetings import agenda, window
from council.meetings.models import Meeting, MeetingBrief, MeetingItem, MeetingParticipant, MeetingState
from council.meetings.refusals import MeetingAction, refuse
from council.meetings.services import may_manage

BRIEF_TABLE = "meeting_brief"


def _takes_part(user: User):
    return exists(select(MeetingParticipant.id).where(
        MeetingParticipant.meeting_id == Meeting.id,
        or_(MeetingParticipant.user_id == user.id, MeetingParticipant.institution_id == user.institution_id)))


def _leads_an_item(user: User):
    return exists(select(MeetingItem.id).join(Case, Case.id == MeetingItem.case_id).where(
        MeetingItem.meeting_id == Meeting.id, Case.lead_institution_id == user.institution_id))


def visible_where(user: User):
    mine = Meeting.council_id == user.council_id
    return mine if may_manage(user) else and_(mine, or_(_takes_part(user), _leads_an_item(user)))


def meetings_for(user: User) -> tuple[list[Meeting], list[Meeting]]:
    """(upcoming, soonest first; past, latest first) meetings ``user`` may see. A meeting is upcoming until it
    ends."""
    now = utcnow()
    rows = list(db.session.scalars(select(Meeting).where(visible_where(user)).order_by(Meeting.starts_at)))
    return [m for m in rows if m.ends_at >= now], [m for m in reversed(rows) if m.ends_at < now]


def visible_meeting(user: User, meeting_id: int, *, action: str = MeetingAction.VIEW) -> Meeting:
    """The meeting, if ``user`` may see it; NotFound otherwise, the refusal recorded with ``action``."""
    meeting = db.session.scalar(select(Meeting).where(Meeting.id == meeting_id, visible_where(user)))
    if meeting is None:
        refuse(actor=user, action=action, meeting_id=meeting_id)
    return meeting


@dataclass
class ItemView:
    """One agenda item as one viewer sees it."""

    item: MeetingItem
    #: The case's metadata, when the viewer reaches the case now; else None (shown by position only).
    case: agenda.AgendaCase | None = None
    brief: MeetingBrief | None = None
    #: The viewer may read the brief now (their window is open, or their institution leads the case).
    readable: bool = False
    #: The viewer's window on it opens at / closed at (UTC), when it is not open now.
    opens_at: dt.datetime | None = None
    closed_at: dt.datetime | None = None
    #: The viewer's institution leads the case: they prepare the brief.
    prepares: bool = False


@dataclass
class MeetingPage:
    meeting: Meeting
    items: list[ItemView]
    users: list[tuple[User, bool]] = field(default_factory=list)
    institutions: list[Institution] = field(default_factory=list)
    manages: bool = False
    window: tuple[dt.datetime, dt.datetime] | None = None


def meeting_page(user: User, meeting: Meeting) -> MeetingPage:
    """The meeting page's content for ``user`` (who may see ``meeting``). Records the agenda cases shown."""
    manages = may_manage(user) and meeting.council_id == user.council_id
    case_items = [i for i in meeting.items if i.case_id]
    reached = accesses(user, [i.case_id for i in case_items])
    cases = {c.id: c for c in db.session.scalars(select(Case).where(Case.id.in_(list(reached))))} if reached else {}
    described = {a.id: a for a in agenda.describe(cases.values())}
    briefs = {b.item_id: b for b in db.session.scalars(select(MeetingBrief).where(
        MeetingBrief.meeting_id == meeting.id))}
    items = [_item_view(user, meeting, item, described.get(item.case_id), briefs.get(item.id))
             for item in meeting.items]
    agenda.record_shown(user, cases.values(), reason=f"meeting {meeting.id}")
    users = [(u, pledge_due(u)) for u in db.session.scalars(select(User).where(User.id.in_(
        [p.user_id for p in meeting.participants if p.user_id])).order_by(User.institution_id, User.id))]
    institutions = list(db.session.scalars(select(Institution).where(Institution.id.in_(
        [p.institution_id for p in meeting.participants if p.institution_id])).order_by(Institution.name)))
    return MeetingPage(meeting=meeting, items=items, users=users, institutions=institutions, manages=manages,
                       window=window.window_of(meeting) if _has_window(meeting) else None)


def _has_window(meeting: Meeting) -> bool:
    return any(i.case_id for i in meeting.items) and meeting.state != MeetingState.CANCELLED


def _item_view(user: User, meeting: Meeting, item: MeetingItem, case_view, brief) -> ItemView:
    view = ItemView(item=item, case=case_view, brief=brief)
    if item.case_id is None:
        return view
    case = db.session.get(Case, item.case_id)
    view.prepares = _may(lambda: authorize(user, Action.PREPARE_BRIEF, case))
    view.readable = _may(lambda: authorize_row(user, Action.READ_BRIEF, case, BRIEF_TABLE, meeting.id))
    if not view.readable:
        view.opens_at, view.closed_at = _window_for(user, meeting, item.case_id)
    return view


def _may(check) -> bool:
    try:
        check()
    except NotFound:
        return False
    return True


def _window_for(user: User, meeting: Meeting, case_id: int) -> tuple[dt.datetime | None, dt.datetime | None]:
    """When the viewer's own grant on the case opens (not yet) or closed (already), if they hold one."""
    now, staff = utcnow(), Role(user.role) != Role.MEMBER  # members hold no institution grant (access.policy)
    for row in window.grants_of(meeting):
        if row.case_id == case_id and (row.user_id == user.id or (staff and row.institution_id == user.institution_id)):
            if row.starts_at > now:
                return row.starts_at, None
            if row.expires_at is not None and row.expires_at <= now:
                return None, row.expires_at
    return None, None
