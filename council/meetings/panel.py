"""The case page's panel 「会議」: the meetings the case is on, for a reader with a full reach (its lead's staff, a
full share). It names meetings by date, kind and title, and says whether the brief is prepared; the meeting page
is linked for whoever may see it."""

from __future__ import annotations

from dataclasses import dataclass

from flask_login import current_user
from sqlalchemy import select

from council.access.policy import Access
from council.access.scopes import Scope
from council.cases.models import Case
from council.cases.panels import Panel
from council.core.i18n import gettext as _
from council.database import db
from council.meetings.models import Meeting, MeetingBrief, MeetingItem
from council.meetings.queries import visible_where


@dataclass
class MeetingRow:
    meeting: Meeting
    prepared: bool
    #: The reader may open the meeting page (and, leading the case, prepare the brief there).
    linked: bool
    prepares: bool


def any_rows(case_id: int):
    """Whether the case is on any meeting's agenda."""
    return select(MeetingItem.id).where(MeetingItem.case_id == case_id).exists()


def build(case: Case, access: Access, form=None, has_rows: bool = True) -> Panel | None:
    """The panel for a full reach; ``has_rows`` False (``any_rows``): the case is on no agenda, none is looked for."""
    if access.scope != Scope.FULL:
        return None
    rows = db.session.execute(
        select(Meeting, MeetingBrief.id).join(MeetingItem, MeetingItem.meeting_id == Meeting.id)
        .outerjoin(MeetingBrief, MeetingBrief.item_id == MeetingItem.id)
        .where(MeetingItem.case_id == case.id).order_by(Meeting.starts_at.desc())).all() if has_rows else []
    visible = set(db.session.scalars(select(Meeting.id).where(visible_where(current_user), Meeting.id.in_(
        [m.id for m, _brief in rows])))) if rows else set()
    prepares = not access.by_grant
    meetings = [MeetingRow(meeting=m, prepared=brief_id is not None, linked=m.id in visible, prepares=prepares)
                for m, brief_id in rows]
    return Panel(name="meetings", title=_("Meetings (会議)"), template="meetings/panel.html",
                 context={"meetings": meetings})
