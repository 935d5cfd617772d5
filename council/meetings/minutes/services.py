"""At the meeting and after: attendance, the decisions on each agenda case (written back to the case), the minutes
(会議録) and their approval with a signed audit checkpoint.

The functions the demo and the views call — ``record_attendance``, ``record_item``, ``save_minutes``,
``approve_minutes`` (and ``council.meetings.tasks.services.complete_task``) — each own their transaction: they
check, write, record their events (basis ``meeting:<id>`` on every event about a case) and commit. Who may do what
is in ``council.meetings.minutes.reach``. Once the minutes are approved every write path refuses
(``MinutesApproved``): the printed copies the member institutions file, and their checkpoint, stay true.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from flask_babel import force_locale
from sqlalchemy import select
from werkzeug.exceptions import NotFound

from council.access.policy import Access, Action
from council.access.reads import record_read
from council.access.scopes import MEETING_COLUMNS
from council.audit.checkpoints import FORMAT, checkpoint_line, sign_head
from council.audit.events import AuditTag, record
from council.auth.models import Institution, User
from council.cases.decisions import Decision, apply_decision
from council.cases.errors import CaseError, StaleCase
from council.cases.models import Case, Risk
from council.cases.vault import vault
from council.core.clock import japan_date, utcnow
from council.core.editing import lock_and_bump, lock_for_edit
from council.core.i18n import gettext as _
from council.database import db
from council.meetings import agenda, sealing
from council.meetings.minutes import reach
from council.meetings.minutes.text import TaskLine, item_minutes
from council.meetings.models import Meeting, MeetingItem, MeetingState, MeetingTask
from council.meetings.tasks.services import TaskInput, replace_open_tasks
from council.meetings.window import window_of


class MinutesApproved(CaseError):
    """The minutes are approved: nothing of the meeting's record changes any more."""


@dataclass(frozen=True)
class ItemInput:
    """What the meeting decided on one agenda case, as typed."""

    situation: str
    risk: str
    urgency: str
    plan: str
    lead_institution_id: int | None
    key_person_role: str | None
    key_person: str
    next_review_date: dt.date
    tasks: list[TaskInput] = field(default_factory=list)


def _writable(meeting: Meeting) -> None:
    """Raise unless the meeting's record may change now: started, not cancelled, minutes not approved."""
    if meeting.state == MeetingState.APPROVED:
        raise MinutesApproved(_("The minutes of this meeting are approved; its record can no longer be changed."))
    if meeting.state == MeetingState.CANCELLED:
        raise CaseError(_("This meeting was cancelled."))
    if utcnow() < meeting.starts_at:
        raise CaseError(_("The meeting has not started yet; its record opens when it starts."))


def meeting_day(meeting: Meeting) -> dt.date:
    """The meeting's Japan date: the cases' last review, and where the next review is counted from."""
    return japan_date(meeting.starts_at)


# -- attendance ------------------------------------------------------------------------------------------------


def record_attendance(*, actor: User, meeting: Meeting, attended: dict[int, bool], version) -> None:
    """Record who attended (participant row id → attended) and open the coordinator's drafting grants
    (``reach.open_drafting``); the meeting is then held. Commits.

    Raises NotFound unless ``actor`` runs the meeting; MinutesApproved or CaseError when its record cannot
    change; StaleCase when the meeting changed since the form was opened."""
    if not reach.manages(actor, meeting):
        raise NotFound()
    _writable(meeting)
    if utcnow() >= window_of(meeting)[1] and not reach.drafting_grants(meeting):
        raise CaseError(_("The meeting's material window has closed, so its attendance can no longer be recorded "
                          "(recording it would open the agenda cases again). Ask the lead institutions to record "
                          "what is still needed."))
    lock_for_edit(meeting, version, stale=StaleCase)
    for participant in meeting.participants:
        if participant.id in attended:
            participant.attended = bool(attended[participant.id])
    _held(meeting)
    record(tag=AuditTag.ATTENDANCE_RECORDED, actor=actor, target=meeting, basis=reach.basis_of(meeting),
           reason=f"{sum(1 for p in meeting.participants if p.attended)} of {len(meeting.participants)} attended")
    reach.open_drafting(actor=actor, meeting=meeting)
    db.session.commit()


def agenda_numbers(*, actor: User, meeting: Meeting) -> dict[int, str]:
    """Case id → number of ``meeting``'s agenda cases, for the record page; the list is recorded as shown (one
    event naming each case in the side table, as every list of cases is). Commits."""
    cases = list(db.session.scalars(select(Case).where(Case.id.in_(
        [item.case_id for item in meeting.items if item.case_id])).order_by(Case.id)))
    agenda.record_shown(actor, cases, reason=f"meeting {meeting.id} record")
    return {case.id: case.number for case in cases}


def _held(meeting: Meeting) -> None:
    if meeting.state == MeetingState.SCHEDULED:
        meeting.state = MeetingState.HELD.value


# -- one agenda item -------------------------------------------------------------------------------------------


@dataclass
class ItemView:
    """An agenda item's decisions as recorded so far, decrypted for the form."""

    item: MeetingItem
    situation: str
    plan: str
    key_person: str
    tasks: list[tuple[MeetingTask, str, str]]


def read_item(*, actor: User, meeting: Meeting, item: MeetingItem, case: Case, access: Access) -> ItemView:
    """The item's recorded decisions and tasks for the form; the read is audited (the meeting's columns only).
    Commits."""
    record_read(tag=AuditTag.CASE_VIEWED, actor=actor, case=case, access=access, only=MEETING_COLUMNS,
                target=item, reason=f"meeting {meeting.id} item {item.id}")
    tasks = [(task, _institution_name(task.institution_id), vault().text(task, "what")) for task in _tasks(item)]
    return ItemView(item=item, situation=vault().text(item, "situation"), plan=vault().text(item, "plan"),
                    key_person=vault().text(item, "key_person"), tasks=tasks)


def record_item(*, actor: User, meeting: Meeting, item: MeetingItem, case: Case, access: Access, data: ItemInput,
                version) -> None:
    """Record what ``meeting`` decided on ``case`` (its agenda ``item``) with ``access`` (``reach.for_meeting``),
    give the tasks, write the decision back to the case (``cases.decisions``) and regenerate the item's minutes;
    the meeting is then held. Commits.

    Raises MinutesApproved or CaseError (the record cannot change, a wrong value, a closed case), StaleCase when
    the item changed since the form was opened."""
    _writable(meeting)
    if item.meeting_id != meeting.id or item.case_id != case.id:
        raise NotFound()
    # The item's minutes are written from all its tasks, the earlier ones' wording included: a read of its own.
    record_read(tag=AuditTag.CASE_VIEWED, actor=actor, case=case, access=access, only=MEETING_COLUMNS,
                target=item, reason=f"meeting {meeting.id} item {item.id}")
    Risk(data.risk)
    Risk(data.urgency)
    lead = db.session.get(Institution, data.lead_institution_id) if data.lead_institution_id else None
    manages = reach.manages(actor, meeting)
    if data.tasks and not manages:
        raise CaseError(_("Only the coordinator who runs the meeting gives tasks."))
    if lead is not None and lead.council_id != meeting.council_id:
        raise CaseError(_("The lead institution must be a member institution of the council."))
    if lead is not None and lead.id != case.lead_institution_id and not manages:
        raise CaseError(_("Only the coordinator who runs the meeting records a change of the lead institution."))
    mine = [p for p in meeting.participants if p.user_id == actor.id or p.institution_id == actor.institution_id]
    if not manages and mine and not any(p.attended for p in mine):
        raise CaseError(_("Only a participant marked as attended records the meeting's decisions. Ask the "
                          "coordinator to record the attendance."))
    lock_for_edit(item, version, stale=StaleCase, message=_(
        "Someone recorded this item after you opened it. What is stored now is shown; your text is kept."))
    lock_and_bump(meeting)  # a minutes form opened before this is refused: its part was rewritten
    _held(meeting)
    basis = reach.basis_of(meeting)
    item.risk, item.urgency, item.key_person_role = data.risk, data.urgency, data.key_person_role or None
    item.lead_institution_id = lead.id if lead is not None else case.lead_institution_id
    item.next_review_date, item.decided_by, item.decided_at = data.next_review_date, actor.id, utcnow()
    for column, value in (("situation", data.situation), ("plan", data.plan), ("key_person", data.key_person)):
        vault().seal(item, column, value.strip(), access=access)
    given = withdrawn = 0
    if manages:  # the coordinator's form carries the open tasks: they are replaced by what it sends
        given, withdrawn = replace_open_tasks(actor=actor, meeting=meeting, item=item, case=case, access=access,
                                              tasks=data.tasks)
    apply_decision(actor=actor, case=case, access=access, basis=basis, decision=Decision(
        risk=data.risk, plan=data.plan.strip(), lead_institution=lead, key_person_role=data.key_person_role,
        key_person=data.key_person.strip(), next_review_date=data.next_review_date, reviewed_on=meeting_day(meeting)))
    vault().seal(item, "minutes", _generated(item, data), access=access)
    record(tag=AuditTag.DECISION_RECORDED, actor=actor, target=item, case=case, basis=basis,
           reason=f"meeting {meeting.id} item {item.id}: risk {data.risk}, urgency {data.urgency}, "
                  f"{given} tasks given, {withdrawn} withdrawn")
    db.session.commit()


def _tasks(item: MeetingItem) -> list[MeetingTask]:
    return list(db.session.scalars(select(MeetingTask).where(MeetingTask.item_id == item.id)
                                   .order_by(MeetingTask.id)))


def _institution_name(institution_id: int | None) -> str:
    institution = db.session.get(Institution, institution_id) if institution_id else None
    return institution.name if institution is not None else ""


def _generated(item: MeetingItem, data: ItemInput) -> str:
    """The item's minutes from what was just recorded (the texts as typed; every task of the item so far)."""
    db.session.flush()
    lines = [TaskLine(_institution_name(task.institution_id), vault().text(task, "what"), task.due_date)
             for task in _tasks(item)]
    # The minutes are the council's record, filed by its member institutions: written in Japanese whatever language
    # the recorder's pages are in (and the demo's command line, which has none).
    with force_locale("ja"):
        return item_minutes(situation=data.situation.strip(), risk=data.risk, urgency=data.urgency,
                            plan=data.plan.strip(), tasks=lines, lead=_institution_name(item.lead_institution_id),
                            key_person_role=data.key_person_role, key_person=data.key_person.strip(),
                            next_review=data.next_review_date)


# -- the minutes -----------------------------------------------------------------------------------------------


@dataclass
class PartView:
    """One agenda case's part of the minutes, as the reader may see it (``text`` None: not for this reader)."""

    item: MeetingItem
    case_number: str
    text: str | None
    #: The reader may change it (the coordinator, until approval).
    editable: bool = False


@dataclass
class MinutesView:
    meeting: Meeting
    #: (participant's name, attended: True, False or None when not recorded)
    attendance: list[tuple[str, bool | None]]
    parts: list[PartView]
    manages: bool
    #: 議事概要, opened (sealed at rest under the meeting's key).
    summary: str = ""
    #: The checkpoint of the approval as one line of audit-checkpoints.jsonl (empty until approved).
    checkpoint: str = ""
    approved_by: str = ""


def read_minutes(*, actor: User, meeting: Meeting, printing: bool = False) -> MinutesView:
    """The minutes of ``meeting`` for ``actor``: the general part for its participants and coordinator, each
    case's part only by a reach of that case for this meeting (``reach.for_meeting``). The read is audited
    (``meeting:minutes:printed`` when ``printing``; the side table names the cases whose parts were shown), even
    when no case part was. Commits.

    Raises NotFound unless ``actor`` takes part in or runs the meeting."""
    if not (reach.manages(actor, meeting) or reach.takes_part(actor, meeting)):
        raise NotFound()
    cases = {item.id: db.session.get(Case, item.case_id) for item in meeting.items if item.case_id}
    reached = {item_id: reach.maybe_for_meeting(actor, case, meeting, Action.READ_MINUTES)
               for item_id, case in cases.items() if case.purged_at is None}
    shown = [access for access in reached.values() if access is not None]
    record_read(tag=AuditTag.MINUTES_PRINTED if printing else AuditTag.MINUTES_VIEWED, actor=actor, reached=shown,
                only=MEETING_COLUMNS, reason=f"meeting {meeting.id}", council_id=meeting.council_id)
    manages = reach.manages(actor, meeting)
    editable = manages and meeting.state == MeetingState.HELD
    parts = [PartView(item=item, case_number=cases[item.id].number if item.id in cases else "",
                      text=vault().text(item, "minutes") if reached.get(item.id) else None,
                      editable=editable and bool(reached.get(item.id)))
             for item in meeting.items]
    names = reach.participant_names(meeting)
    approver = db.session.get(User, meeting.minutes_approved_by) if meeting.minutes_approved_by else None
    return MinutesView(meeting=meeting, attendance=[(names[p.id], p.attended) for p in meeting.participants],
                       parts=parts, manages=manages, summary=sealing.summary_of(meeting),
                       checkpoint=stored_checkpoint(meeting),
                       approved_by=approver.display_name if approver else "")


def stored_checkpoint(meeting: Meeting) -> str:
    """The checkpoint the approved minutes carry, as one line of ``audit-checkpoints.jsonl``; "" before approval."""
    if meeting.checkpoint_seq is None:
        return ""
    return checkpoint_line({"format": FORMAT, "seq": meeting.checkpoint_seq, "hash": meeting.checkpoint_hash,
                            "signed_at": meeting.checkpoint_signed_at, "signature": meeting.checkpoint_signature})


def save_minutes(*, actor: User, meeting: Meeting, summary: str, parts: dict[int, str], version) -> None:
    """Save the minutes' general part (議事概要) and the case parts in ``parts`` (item id → text), each sealed with
    the coordinator's reach of its case for this meeting. Commits.

    Raises NotFound unless ``actor`` runs the meeting and reaches every case whose part it sends; MinutesApproved
    once approved; CaseError before anything was recorded; StaleCase when the minutes changed since the form was
    opened."""
    if not reach.manages(actor, meeting):
        raise NotFound()
    _writable(meeting)
    if meeting.state != MeetingState.HELD:
        raise CaseError(_("Record the meeting (attendance or an agenda case) before writing its minutes."))
    items = {item.id: item for item in meeting.items if item.case_id}
    if set(parts) - set(items):  # another meeting's item, or none: refused on the record like every meeting route
        reach.refuse(actor=actor, action=reach.MeetingAction.MANAGE_MINUTES, meeting_id=meeting.id)
    accesses = {item_id: reach.for_meeting(actor, db.session.get(Case, items[item_id].case_id), meeting,
                                           Action.RECORD_DECISION) for item_id in parts}
    lock_for_edit(meeting, version, stale=StaleCase, message=_(
        "The minutes changed after you opened them (someone recorded an agenda case or saved them). What is stored "
        "now is shown; your text is kept."))
    sealing.seal_summary(meeting, summary)
    for item_id, text in parts.items():
        vault().seal(items[item_id], "minutes", text.strip(), access=accesses[item_id])
    record(tag=AuditTag.MINUTES_EDITED, actor=actor, target=meeting, basis=reach.basis_of(meeting),
           cases=[items[item_id].case_id for item_id in parts], reason=f"meeting {meeting.id}")
    db.session.commit()


def approve_minutes(*, actor: User, meeting: Meeting, version) -> dict:
    """Approve the minutes of ``meeting``: from now on read-only. In one transaction: the approval's event, the end
    of the coordinator's drafting grants, the keepers' ``minutes`` grants (``reach.keep_minutes``), and a signed
    checkpoint of the audit chain's head (which includes them),
    stored on the meeting for its pages and prints. Commits; returns the checkpoint.

    Raises NotFound unless ``actor`` runs the meeting; MinutesApproved when approved already; CaseError before
    anything was recorded; StaleCase when the minutes changed since the page was opened."""
    if not reach.manages(actor, meeting):
        raise NotFound()
    _writable(meeting)
    if meeting.state != MeetingState.HELD:
        raise CaseError(_("Record the meeting (attendance or an agenda case) before approving its minutes."))
    lock_for_edit(meeting, version, stale=StaleCase, message=_(
        "The minutes changed after you opened them. Read them again before approving."))
    meeting.state, meeting.minutes_approved_by, meeting.minutes_approved_at = (
        MeetingState.APPROVED.value, actor.id, utcnow())
    record(tag=AuditTag.MINUTES_APPROVED, actor=actor, target=meeting, basis=reach.basis_of(meeting),
           cases=[item.case_id for item in meeting.items if item.case_id], reason=f"meeting {meeting.id}")
    reach.end_drafting(actor=actor, meeting=meeting)
    reach.keep_minutes(actor=actor, meeting=meeting)
    body = sign_head(council_id=meeting.council_id)
    meeting.checkpoint_seq, meeting.checkpoint_hash = body["seq"], body["hash"]
    meeting.checkpoint_signed_at, meeting.checkpoint_signature = body["signed_at"], body["signature"]
    db.session.commit()
    return body
