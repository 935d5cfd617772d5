"""The meetings' provider for the inbox (``inbox.registry``): briefs the user's institution has to prepare.

An item per agenda case of an upcoming meeting that the user's institution leads (and the user reaches in full)
whose brief nobody has prepared yet. It names the case by number and the meeting by its date; it links to the
brief's form.
"""

from __future__ import annotations

from flask import url_for
from sqlalchemy import select

from council.access.permissions import Role
from council.access.policy import visible_cases
from council.access.scopes import Scope
from council.cases.models import Case
from council.core.clock import in_japan, utcnow
from council.core.i18n import gettext as _
from council.database import db
from council.inbox.registry import Audience, InboxItem
from council.meetings.models import Meeting, MeetingBrief, MeetingItem, MeetingState

_STAFF = (Role.CASEWORKER, Role.SUPERVISOR, Role.COORDINATOR)


def _unprepared(user):
    return (select(Meeting, Case).join(MeetingItem, MeetingItem.meeting_id == Meeting.id)
            .join(Case, Case.id == MeetingItem.case_id)
            .outerjoin(MeetingBrief, MeetingBrief.item_id == MeetingItem.id)
            .where(Meeting.council_id == user.council_id, Meeting.state == MeetingState.SCHEDULED,
                   Meeting.ends_at > utcnow(), MeetingBrief.id.is_(None),
                   Case.lead_institution_id == user.institution_id, Case.purged_at.is_(None),
                   visible_cases(user, scopes={Scope.FULL}))
            .order_by(Meeting.starts_at, Case.number))


def briefs_to_prepare(user) -> list[InboxItem]:
    """One item per brief the user's institution should prepare for an upcoming meeting."""
    if Role(user.role) not in _STAFF:
        return []
    return [InboxItem(kind="meetings.brief_to_prepare", audience=Audience.INSTITUTION, case_ids=(case.id,),
                      key=f"meetings.brief:{meeting.id}:{case.id}",
                      text=_("Case %(number)s: prepare the brief for the meeting of %(when)s",
                             number=case.number, when=in_japan(meeting.starts_at).strftime("%Y-%m-%d %H:%M")),
                      url=url_for("meetings.brief_edit", meeting_id=meeting.id, case_id=case.id))
            for meeting, case in db.session.execute(_unprepared(user))]
