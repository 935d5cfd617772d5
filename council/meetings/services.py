"""Scheduling meetings: creating one, changing it (time, place, participants, agenda) and cancelling it, by the
coordinator of the council's 調整機関.

Each function owns its transaction: the meeting, its material-window grants (``meetings.window``) and the audit
events commit together or not at all — a rescheduled meeting whose briefs stayed readable at the old time, or a
removed participant who kept their grant, would be the bug. Events carry ids and codes only.

The demo and other callers use ``schedule_meeting`` with plain values:

    schedule_meeting(actor=coordinator, kind=MeetingKind.CASE_REVIEW, title="第1回個別ケース検討会議",
                     starts_at=utc_start, ends_at=utc_end, place="市役所 3階会議室", online=False,
                     user_ids=[member.id], institution_ids=[npo.id], case_ids=[case.id], topics=())
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select

from council.access.permissions import Role
from council.audit.events import AuditTag, record
from council.auth.models import Institution, User
from council.cases.models import Case
from council.core.clock import japan_date, utcnow
from council.core.editing import lock_for_edit
from council.core.i18n import gettext as _
from council.database import db
from council.meetings import agenda, window
from council.meetings.errors import MeetingError, StaleMeeting
from council.meetings.models import Meeting, MeetingItem, MeetingKind, MeetingParticipant, MeetingState

#: Roles that may take part in a meeting (auditors and administrators never receive case content).
PARTICIPANT_ROLES = (Role.CASEWORKER, Role.SUPERVISOR, Role.COORDINATOR, Role.MEMBER)
TITLE_LENGTH = 200


@dataclass
class MeetingInput:
    """What the coordinator chose. Times are aware UTC instants (the form converts Japan time). ``case_ids`` None
    for a practitioners' meeting: the agenda is generated (cases due for review by its Japan date)."""

    kind: MeetingKind
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    place: str = ""
    online: bool = False
    user_ids: Sequence[int] = ()
    institution_ids: Sequence[int] = ()
    case_ids: Sequence[int] | None = None
    topics: Sequence[str] = field(default_factory=tuple)


def may_manage(user: User) -> bool:
    """The coordinator of the council's 調整機関 schedules and changes its meetings."""
    return Role(user.role) == Role.COORDINATOR and user.institution.is_coordinator


def schedule_meeting(*, actor: User, kind: MeetingKind | str, title: str, starts_at: dt.datetime,
                     ends_at: dt.datetime, place: str = "", online: bool = False, user_ids: Sequence[int] = (),
                     institution_ids: Sequence[int] = (), case_ids: Sequence[int] | None = None,
                     topics: Sequence[str] = ()) -> Meeting:
    """Schedule a meeting of ``actor``'s council and give its participants their material window on its agenda
    cases (``meetings.window``). Commits; returns it. Raises MeetingError when the actor is not the coordinator
    or the input is refused (see ``_check``); GrantRefused when a grant may not be made."""
    data = MeetingInput(kind=MeetingKind(kind), title=title, starts_at=starts_at, ends_at=ends_at, place=place,
                        online=online, user_ids=user_ids, institution_ids=institution_ids, case_ids=case_ids,
                        topics=topics)
    cases = _check(actor, data)
    meeting = Meeting(council_id=actor.council_id, kind=data.kind.value, state=MeetingState.SCHEDULED.value,
                      created_by=actor.id, created_at=utcnow())
    _assign(meeting, data)
    meeting.participants = _participants(data)
    meeting.items = _items(data, cases)
    db.session.add(meeting)
    db.session.flush()
    record(tag=AuditTag.MEETING_SCHEDULED, actor=actor, target=meeting, cases=[c.id for c in cases],
           reason=_describe(meeting))
    window.sync(actor=actor, meeting=meeting)
    db.session.commit()
    return meeting


def change_meeting(*, actor: User, meeting: Meeting, data: MeetingInput, version) -> None:
    """Change a scheduled meeting: time and place, participants, agenda. Its grants follow in the same transaction
    (moved to the new window, made for who and what was added, ended for who and what was removed). Commits.
    Raises MeetingError as ``schedule_meeting`` does and for a meeting no longer scheduled; StaleMeeting when it
    was saved meanwhile."""
    if MeetingKind(meeting.kind) != data.kind:
        raise MeetingError(_("A meeting's kind cannot change; cancel it and schedule another."))
    cases = _check(actor, data, meeting=meeting)
    lock_for_edit(meeting, version, stale=StaleMeeting)
    moved = (meeting.starts_at, meeting.ends_at) != (data.starts_at, data.ends_at)
    _assign(meeting, data)
    _replace_participants(meeting, data)
    _replace_items(meeting, data, cases)
    db.session.flush()
    record(tag=AuditTag.MEETING_RESCHEDULED if moved else AuditTag.MEETING_CHANGED, actor=actor, target=meeting,
           cases=[c.id for c in cases], reason=_describe(meeting))
    window.sync(actor=actor, meeting=meeting)
    db.session.commit()


def cancel_meeting(*, actor: User, meeting: Meeting, version) -> None:
    """Cancel a scheduled meeting: its grants end now. Commits. Raises MeetingError for anyone but the coordinator
    or a meeting no longer scheduled; StaleMeeting when it was saved meanwhile."""
    _check_manager(actor, meeting)
    lock_for_edit(meeting, version, stale=StaleMeeting)
    meeting.state = MeetingState.CANCELLED.value
    record(tag=AuditTag.MEETING_CANCELLED, actor=actor, target=meeting,
           cases=[i.case_id for i in meeting.items if i.case_id], reason=_describe(meeting))
    window.end_all(actor=actor, meeting=meeting)
    db.session.commit()


# -- checks -------------------------------------------------------------------------------------------------


def _check_manager(actor: User, meeting: Meeting | None) -> None:
    if not may_manage(actor) or (meeting is not None and meeting.council_id != actor.council_id):
        raise MeetingError(_("Only the coordinator institution schedules and changes meetings."))
    if meeting is not None and meeting.state != MeetingState.SCHEDULED:
        raise MeetingError(_("Only a scheduled meeting can be changed or cancelled."))


def _check(actor: User, data: MeetingInput, *, meeting: Meeting | None = None) -> list[Case]:
    """Refuse what may not be scheduled; return the agenda's cases (in order)."""
    _check_manager(actor, meeting)
    if not data.title.strip() or len(data.title.strip()) > TITLE_LENGTH:
        raise MeetingError(_("Give the meeting a title (at most %(n)d characters).", n=TITLE_LENGTH))
    if data.ends_at <= data.starts_at:
        raise MeetingError(_("The meeting must end after it starts."))
    _check_participants(actor, data)
    if not data.kind.has_cases:
        if data.case_ids:
            raise MeetingError(_("A representatives' meeting discusses no case: give it topics instead."))
        if not [t for t in data.topics if t.strip()]:
            raise MeetingError(_("Give the representatives' meeting at least one topic."))
        return []
    return _agenda_cases(actor, data)


def _check_participants(actor: User, data: MeetingInput) -> None:
    if not data.user_ids and not data.institution_ids:
        raise MeetingError(_("Invite at least one participant (a user or an institution)."))
    users = list(db.session.scalars(select(User).where(User.id.in_(list(data.user_ids))))) if data.user_ids else []
    if len(users) != len(set(data.user_ids)) or any(
            u.council_id != actor.council_id or u.disabled_at is not None or Role(u.role) not in PARTICIPANT_ROLES
            for u in users):
        raise MeetingError(_("Participants are active staff and members of the council's institutions."))
    institutions = list(db.session.scalars(select(Institution).where(
        Institution.id.in_(list(data.institution_ids))))) if data.institution_ids else []
    if len(institutions) != len(set(data.institution_ids)) or any(
            i.council_id != actor.council_id for i in institutions):
        raise MeetingError(_("Participants are active staff and members of the council's institutions."))


def _agenda_cases(actor: User, data: MeetingInput) -> list[Case]:
    eligible = {c.id: c for c in agenda.eligible(actor.council_id)}
    if data.case_ids is None and data.kind == MeetingKind.PRACTITIONERS:
        return agenda.due_for_review(actor.council_id, japan_date(data.starts_at))
    ids = list(dict.fromkeys(data.case_ids or ()))
    if not ids:
        raise MeetingError(_("Choose at least one case for the agenda."))
    if any(case_id not in eligible for case_id in ids):
        raise MeetingError(_("Only registered council cases (協議会ケース) that are open go on an agenda: sharing "
                             "their briefs within the council rests on the registration."))
    return [eligible[case_id] for case_id in ids]


# -- writing ------------------------------------------------------------------------------------------------


def _assign(meeting: Meeting, data: MeetingInput) -> None:
    meeting.title, meeting.place, meeting.online = data.title.strip(), data.place.strip(), bool(data.online)
    meeting.starts_at, meeting.ends_at = data.starts_at, data.ends_at


def _participants(data: MeetingInput) -> list[MeetingParticipant]:
    return [MeetingParticipant(user_id=u) for u in dict.fromkeys(data.user_ids)] + \
        [MeetingParticipant(institution_id=i) for i in dict.fromkeys(data.institution_ids)]


def _items(data: MeetingInput, cases: list[Case]) -> list[MeetingItem]:
    if not data.kind.has_cases:
        topics = [t.strip()[:TITLE_LENGTH] for t in data.topics if t.strip()]
        return [MeetingItem(position=n, topic=t) for n, t in enumerate(topics, start=1)]
    return [MeetingItem(position=n, case_id=c.id) for n, c in enumerate(cases, start=1)]


def _replace_participants(meeting: Meeting, data: MeetingInput) -> None:
    """Keep the rows of who stays (their attendance, if any), add and remove the others."""
    users, institutions = set(data.user_ids), set(data.institution_ids)
    meeting.participants = [p for p in meeting.participants if p.user_id in users or p.institution_id in institutions]
    kept_users = {p.user_id for p in meeting.participants}
    kept_institutions = {p.institution_id for p in meeting.participants}
    meeting.participants += [MeetingParticipant(user_id=u) for u in dict.fromkeys(data.user_ids)
                             if u not in kept_users]
    meeting.participants += [MeetingParticipant(institution_id=i) for i in dict.fromkeys(data.institution_ids)
                             if i not in kept_institutions]


def _replace_items(meeting: Meeting, data: MeetingInput, cases: list[Case]) -> None:
    """Keep the items (and their briefs) of the cases that stay, in the new order; drop the others."""
    if not data.kind.has_cases:
        meeting.items = _items(data, cases)
        return
    existing = {item.case_id: item for item in meeting.items}
    items = [existing.get(c.id) or MeetingItem(case_id=c.id) for c in cases]
    for n, item in enumerate(items, start=1):
        item.position = n
    meeting.items = items


def _describe(meeting: Meeting) -> str:
    """An audit reason for a meeting: its kind, window and how many participants and items; no names."""
    return (f"meeting {meeting.id}: {meeting.kind} from {meeting.starts_at.isoformat(timespec='minutes')} until "
            f"{meeting.ends_at.isoformat(timespec='minutes')}; {len(meeting.participants)} participants, "
            f"{len(meeting.items)} items")
