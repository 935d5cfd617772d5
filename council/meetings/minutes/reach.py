"""Who may take part in a meeting's record, and by which reach of each agenda case.

**The meeting.** Its record and minutes belong to its council: the coordinator of the council's 調整機関
(Permission.MEETINGS_MANAGE) runs them; a participant (a user invited by name, or staff of an invited institution)
reads the minutes' general part (attendance, 議事概要, the checkpoint). Anyone else gets 404.

**The cases' parts** (状況把握, 支援方針, キーパーソン, 役割分担, each item's minutes) are case content, sealed under
each case's key, and are read or written only by a reach of that case that covers this meeting:

- the case's lead institution (its own ``full`` reach), at any time;
- a ``brief`` grant resting on this meeting (``meeting:<id>``): the participants' material window (made by the
  meetings' scheduling, from N days before to N hours after the meeting), and the coordinator's drafting grant
  below. A brief grant of *another* meeting of the same case opens nothing here, although the vault's column rule
  alone would let it: the minutes are read and written only by the reach ``for_meeting`` picks.

**The approved minutes** are the council's record: approving them gives a ``minutes`` grant of each agenda case
(``keep_minutes``: basis ``meeting:<id>``, legal basis 協議会内の情報共有) to the coordinator institution, which
keeps the council's minutes (no expiry), and — for ``MINUTES_KEPT_DAYS`` after approval, time to act on them and file
a printed copy — to each participant that attended (an invited user by name, an invited institution) and to each
institution the meeting gave a task on the case. Staff who join such an institution later therefore do not read
the minutes for ever. It opens that
case's part of these minutes and the tasks' wording (which the part states) and nothing else — not the brief, not
the case page, not a case list — so the part stays readable after the material window while the brief does not,
and a task done stays readable on its institution's task list after its summary grant ended. An invitee that did
not attend reads the general part only once its window has closed.

**The coordinator's drafting grant.** The coordinator drafts the minutes after the window has closed. Recording the
attendance gives the coordinator (by name) a ``brief`` grant of every agenda case, basis ``meeting:<id>``, legal
basis 協議会内の情報共有, until ``MINUTES_DRAFTING_DAYS`` days after the meeting ends, where it holds no reach for the
meeting already; approving the minutes ends it earlier. Such a grant is told apart from the window's by lasting
beyond the window's close (older drafting grants had no expiry). Attendance can no longer be recorded once the
window has closed unless the drafting grants are open already: a late recording would otherwise reopen the cases.
"""

from __future__ import annotations

import datetime as dt

from flask import current_app
from sqlalchemy import or_, select
from werkzeug.exceptions import NotFound

from council.access import grants
from council.access.models import CaseGrant, LegalBasis
from council.access.permissions import Permission, Role, has_permission
from council.access.policy import Access, Action, reaches_of
from council.access.scopes import Scope, allows
from council.auth.models import Institution, User
from council.cases.models import Case
from council.core.clock import utcnow
from council.database import db
from council.meetings.models import Meeting, MeetingTask
from council.meetings.refusals import MeetingAction, refuse
from council.meetings.window import window_of

#: Why the drafting grants end.
MINUTES_APPROVED = "minutes_approved"


def basis_of(meeting: Meeting) -> str:
    """``meeting:<id>``: the basis of its grants and of every event its record writes on a case."""
    return f"meeting:{meeting.id}"


def manages(user: User, meeting: Meeting) -> bool:
    """Whether ``user`` runs ``meeting``'s record: the coordinator of its council's 調整機関."""
    return (user.council_id == meeting.council_id and has_permission(user, Permission.MEETINGS_MANAGE)
            and user.institution.is_coordinator)


def takes_part(user: User, meeting: Meeting) -> bool:
    """Whether ``user`` was invited, by name or with their institution."""
    return any(p.user_id == user.id or p.institution_id == user.institution_id for p in meeting.participants)


def meeting_for(user: User, meeting_id: int, *, manage: bool = False) -> Meeting:
    """The meeting ``user`` may open (``manage``: run). Raises NotFound otherwise, whatever the reason; the refusal
    is recorded (``refusals.refuse``)."""
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or meeting.council_id != user.council_id \
            or not (manages(user, meeting) or (not manage and takes_part(user, meeting))):
        refuse(actor=user, action=MeetingAction.MANAGE_MINUTES if manage else MeetingAction.READ_MINUTES,
               meeting_id=meeting_id)
    return meeting


def for_meeting(user: User, case: Case, meeting: Meeting, action: Action) -> Access:
    """The reach by which ``user`` may do ``action`` on ``case`` for ``meeting``: a full one (the lead's, or a full
    share), else a brief grant resting on this meeting. Raises NotFound when there is none."""
    basis, role = basis_of(meeting), Role(user.role)
    for access in reaches_of(user, case):
        covers = access.scope in (Scope.FULL, Scope.READ) or (
            access.scope in (Scope.BRIEF, Scope.MINUTES) and access.basis == basis)
        if covers and allows(scope=access.scope, role=role, action=action, by_grant=access.by_grant):
            return access
    raise NotFound()


def maybe_for_meeting(user: User, case: Case, meeting: Meeting, action: Action) -> Access | None:
    """``for_meeting``, or None (a list that shows only the cases it may)."""
    try:
        return for_meeting(user, case, meeting, action)
    except NotFound:
        return None


def drafting_expiry(meeting: Meeting) -> dt.datetime:
    """When the coordinator's drafting grants lapse: MINUTES_DRAFTING_DAYS days after the meeting ends."""
    return meeting.ends_at + dt.timedelta(days=int(current_app.config["MINUTES_DRAFTING_DAYS"]))


def drafting_grants(meeting: Meeting) -> list[CaseGrant]:
    """The meeting's drafting grants not ended: user ``brief`` grants on its basis lasting beyond the window."""
    _opens, closes = window_of(meeting)
    return list(db.session.scalars(select(CaseGrant).where(
        CaseGrant.basis == basis_of(meeting), CaseGrant.scope == Scope.BRIEF, CaseGrant.user_id.is_not(None),
        or_(CaseGrant.expires_at.is_(None), CaseGrant.expires_at > closes), CaseGrant.ended_at.is_(None))
        .order_by(CaseGrant.id)))


def open_drafting(*, actor: User, meeting: Meeting) -> list[CaseGrant]:
    """Give the coordinator ``actor`` a drafting grant (until ``drafting_expiry``) of each agenda case it cannot
    record for this meeting yet, inside the caller's transaction (grants.grant records each). Returns the grants
    made."""
    made = []
    for item in meeting.items:
        if item.case_id is None:
            continue
        case = db.session.get(Case, item.case_id)
        if maybe_for_meeting(actor, case, meeting, Action.RECORD_DECISION) is None:
            made.append(grants.grant(actor=actor, case=case, scope=Scope.BRIEF, basis=basis_of(meeting),
                                     legal_basis=LegalBasis.COUNCIL_SHARING, user=actor,
                                     expires_at=drafting_expiry(meeting)))
    return made


def end_drafting(*, actor: User, meeting: Meeting) -> None:
    """End the drafting grants of ``meeting`` (its minutes are approved), inside the caller's transaction."""
    for row in drafting_grants(meeting):
        grants.end(actor=actor, grant=row, reason=MINUTES_APPROVED)


def keep_minutes(*, actor: User, meeting: Meeting) -> list[CaseGrant]:
    """Give the keepers of ``meeting``'s approved minutes — ``actor``'s institution (the coordinator's), every
    participant that attended and, per case, every institution given a task on it — a ``minutes`` grant of each
    agenda case (see the module's docstring), inside the caller's transaction (grants.grant records each). A case's
    lead institution reaches it already and gets none. Returns the grants made."""
    keepers: dict[tuple[str, int], Institution | User] = {("institution", actor.institution_id): actor.institution}
    for participant in meeting.participants:
        if participant.attended and participant.user_id is not None:
            keepers.setdefault(("user", participant.user_id), db.session.get(User, participant.user_id))
        elif participant.attended:
            keepers.setdefault(("institution", participant.institution_id),
                               db.session.get(Institution, participant.institution_id))
    kept_until = utcnow() + dt.timedelta(days=int(current_app.config["MINUTES_KEPT_DAYS"]))
    made = []
    for item in meeting.items:
        case = db.session.get(Case, item.case_id) if item.case_id else None
        if case is None or case.purged_at is not None:
            continue
        tasked = db.session.scalars(select(MeetingTask.institution_id).where(
            MeetingTask.meeting_id == meeting.id, MeetingTask.case_id == case.id).distinct())
        case_keepers = dict(keepers)
        for institution_id in tasked:
            case_keepers.setdefault(("institution", institution_id), db.session.get(Institution, institution_id))
        for (kind, _id), keeper in case_keepers.items():
            institution_id = keeper.id if kind == "institution" else keeper.institution_id
            if institution_id == case.lead_institution_id:
                continue
            council_copy = (kind, institution_id) == ("institution", actor.institution_id)
            made.append(grants.grant(actor=actor, case=case, scope=Scope.MINUTES, basis=basis_of(meeting),
                                     legal_basis=LegalBasis.COUNCIL_SHARING, **{kind: keeper},
                                     expires_at=None if council_copy else kept_until))
    return made


def participant_names(meeting: Meeting) -> dict[int, str]:
    """Each participant row's display name (a user's name, or an institution's)."""
    names = {}
    for participant in meeting.participants:
        if participant.user_id is not None:
            names[participant.id] = db.session.get(User, participant.user_id).display_name
        else:
            names[participant.id] = db.session.get(Institution, participant.institution_id).name
    return names

