"""役割分担: the tasks a meeting gives member institutions on a case, listing them, completing them.

**How the institution given a task reaches it.** A task's wording is about the person, sealed under the case's key
(``meeting_task.what``). An institution that does not lead the case gets, with its first task there, a ``summary``
grant of the case resting on the meeting (``meeting:<id>``, legal basis 協議会内の情報共有, no expiry): the case
number, categories, risk, the plan's summary and — ``access.scopes.TASK_COLUMNS`` — the wording of tasks. Completing
its last open task of that meeting on the case ends the grant (``tasks_done``), so the reach lasts exactly while
the institution has something to do. The lead institution needs no grant: it reaches its case in full.

Every event carries the meeting's basis and the case in its columns; reasons name ids and dates, never the wording.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import func, select
from werkzeug.exceptions import NotFound

from council.access import grants
from council.access.models import CaseGrant, LegalBasis
from council.access.policy import Access, reaches_of
from council.access.reads import record_read
from council.access.scopes import TASK_COLUMNS, Scope, may_open
from council.audit.events import AuditTag, record, record_denial
from council.auth.models import Institution, User
from council.cases.errors import CaseError, StaleCase
from council.cases.models import Case
from council.cases.vault import vault
from council.core.clock import japan_to_utc, japan_today, utcnow
from council.core.editing import lock_for_edit
from council.core.i18n import gettext as _
from council.database import db
from council.meetings.models import Meeting, MeetingItem, MeetingTask
from council.meetings.refusals import MeetingAction

#: Why a task grant ends: the institution did its last open task; a re-recording left it none.
TASKS_DONE = "tasks_done"
TASKS_WITHDRAWN = "tasks_withdrawn"
_WHAT_LENGTH = 1000


@dataclass(frozen=True)
class TaskInput:
    """One row of 役割分担 as typed at the meeting."""

    institution_id: int
    what: str
    due_date: dt.date


@dataclass
class TaskView:
    """A task as a list shows it; ``what`` is empty where the reader's reach does not open it."""

    task: MeetingTask
    case_number: str
    meeting_title: str
    institution: str
    what: str
    overdue: bool
    completed_by: str = ""


def _basis(meeting_id: int) -> str:
    return f"meeting:{meeting_id}"


def give_task(*, actor: User, meeting: Meeting, item: MeetingItem, case: Case, access: Access,
              task: TaskInput) -> MeetingTask:
    """Give ``task.institution_id`` a task on ``case`` from ``meeting``'s ``item``, sealed with ``access``, and the
    summary grant it reads it by (``sync_grant``); inside the caller's transaction (events recorded). Raises
    CaseError for an institution of another council, an empty or overlong wording, a due date long past."""
    institution = db.session.get(Institution, task.institution_id)
    if institution is None or institution.council_id != meeting.council_id:
        raise CaseError(_("A task goes to a member institution of the council."))
    what = task.what.strip()
    if not what or len(what) > _WHAT_LENGTH:
        raise CaseError(_("Say what the institution is to do (at most %(n)d characters).", n=_WHAT_LENGTH))
    if grant_expiry(task.due_date) <= utcnow():
        raise CaseError(_("The due date of a task is too far in the past."))
    row = MeetingTask(case_id=case.id, meeting_id=meeting.id, item_id=item.id, institution_id=institution.id,
                      due_date=task.due_date, created_by=actor.id, created_at=utcnow())
    db.session.add(row)
    db.session.flush()
    vault().seal(row, "what", what, access=access)
    record(tag=AuditTag.TASK_GIVEN, actor=actor, target=row, case=case, basis=_basis(meeting.id),
           reason=f"task {row.id} to institution {institution.id}, due {task.due_date.isoformat()}")
    sync_grant(actor=actor, case=case, meeting_id=meeting.id, institution_id=institution.id)
    return row


def replace_open_tasks(*, actor: User, meeting: Meeting, item: MeetingItem, case: Case, access: Access,
                       tasks: list[TaskInput]) -> tuple[int, int]:
    """Make the open tasks of ``item`` the submitted ``tasks`` (a re-recording): an open task submitted again as it
    was stays, the other open ones are removed (``case:task:withdrawn``), the new ones are given; completed tasks
    stay. The summary grants follow (``sync_grant``): an institution left with no open task of the meeting loses
    its grant (``grants.end``, audited). Inside the caller's transaction. Returns (given, withdrawn)."""
    wanted = [(t.institution_id, t.what.strip(), t.due_date) for t in tasks]
    touched, withdrawn = set(), 0
    for row in db.session.scalars(select(MeetingTask).where(MeetingTask.item_id == item.id,
                                                            MeetingTask.completed_at.is_(None))
                                  .order_by(MeetingTask.id)).all():
        key = (row.institution_id, vault().text(row, "what"), row.due_date)
        if key in wanted:
            wanted.remove(key)
            continue
        record(tag=AuditTag.TASK_WITHDRAWN, actor=actor, target=row, case=case, basis=_basis(meeting.id),
               reason=f"task {row.id} of institution {row.institution_id}")
        touched.add(row.institution_id)
        db.session.delete(row)
        withdrawn += 1
    db.session.flush()
    for institution_id, what, due_date in wanted:
        give_task(actor=actor, meeting=meeting, item=item, case=case, access=access,
                  task=TaskInput(institution_id=institution_id, what=what, due_date=due_date))
    for institution_id in sorted(touched):
        sync_grant(actor=actor, case=case, meeting_id=meeting.id, institution_id=institution_id,
                   reason=TASKS_WITHDRAWN)
    return len(wanted), withdrawn


def grant_expiry(due_date: dt.date) -> dt.datetime:
    """When a task institution's summary grant lapses: the end of the due date's Japan day plus
    TASK_GRANT_GRACE_DAYS."""
    grace = int(current_app.config["TASK_GRANT_GRACE_DAYS"])
    return japan_to_utc(due_date + dt.timedelta(days=1 + grace))


def _task_grant(case_id: int, meeting_id: int, institution_id: int) -> CaseGrant | None:
    return db.session.scalar(select(CaseGrant).where(
        CaseGrant.case_id == case_id, CaseGrant.institution_id == institution_id, CaseGrant.scope == Scope.SUMMARY,
        CaseGrant.basis == _basis(meeting_id), CaseGrant.ended_at.is_(None)).limit(1))


def sync_grant(*, actor: User, case: Case, meeting_id: int, institution_id: int, reason: str = TASKS_DONE) -> None:
    """Make ``institution_id``'s summary grant of ``case`` for meeting ``meeting_id`` follow its open tasks there:
    none left, it ends now (``reason``); else it lasts until ``grant_expiry`` of the latest due date (made or
    moved). The lead institution holds its case and gets none. Inside the caller's transaction."""
    db.session.flush()
    grant = _task_grant(case.id, meeting_id, institution_id)
    due = db.session.scalar(select(func.max(MeetingTask.due_date)).where(
        MeetingTask.case_id == case.id, MeetingTask.meeting_id == meeting_id,
        MeetingTask.institution_id == institution_id, MeetingTask.completed_at.is_(None)))
    if due is None or institution_id == case.lead_institution_id:
        if grant is not None:
            grants.end(actor=actor, grant=grant, reason=reason)
        return
    expires = grant_expiry(due)
    if grant is None:
        grants.grant(actor=actor, case=case, scope=Scope.SUMMARY, basis=_basis(meeting_id),
                     legal_basis=LegalBasis.COUNCIL_SHARING, institution=db.session.get(Institution, institution_id),
                     expires_at=expires)
    elif grant.expires_at != expires:
        grants.move(actor=actor, grant=grant, starts_at=grant.starts_at, expires_at=expires)


def complete_task(*, actor: User, task_id: int, version) -> MeetingTask:
    """Record that ``actor``'s institution did task ``task_id`` (who, when); when it was the institution's last open
    task of that meeting on the case, its task grant ends. Commits.

    Raises NotFound (recorded as a refused case request) for a task of another institution or of a purged case;
    StaleCase when the task changed since the list was shown; CaseError when it is done already."""
    task = db.session.get(MeetingTask, task_id)
    case = db.session.get(Case, task.case_id) if task is not None else None
    if task is None or case is None or case.purged_at is not None or task.institution_id != actor.institution_id \
            or case.council_id != actor.council_id:
        # the task is the target; its case is named only when it is of the actor's council
        case_id = case.id if case is not None and case.council_id == actor.council_id else None
        record_denial(actor=actor, case_id=case_id, action=MeetingAction.COMPLETE_TASK, target_type="meeting_task",
                      target_id=task_id, tag=AuditTag.CASE_ACCESS_DENIED if case_id else AuditTag.MEETING_ACCESS_DENIED)
        raise NotFound()
    lock_for_edit(task, version, stale=StaleCase, message=_(
        "Someone changed this task after you opened the list. Look at it again."))
    if task.completed_at is not None:
        db.session.rollback()
        raise CaseError(_("This task is done already."))
    task.completed_by, task.completed_at = actor.id, utcnow()
    record(tag=AuditTag.TASK_COMPLETED, actor=actor, target=task, case=case, basis=_basis(task.meeting_id),
           reason=f"task {task.id}")
    db.session.flush()
    if not _open_tasks(case.id, task.meeting_id, task.institution_id):
        sync_grant(actor=actor, case=case, meeting_id=task.meeting_id, institution_id=task.institution_id)
    db.session.commit()
    return task


def _open_tasks(case_id: int, meeting_id: int, institution_id: int) -> list[int]:
    return list(db.session.scalars(select(MeetingTask.id).where(
        MeetingTask.case_id == case_id, MeetingTask.meeting_id == meeting_id,
        MeetingTask.institution_id == institution_id, MeetingTask.completed_at.is_(None))))


def tasks_of_institution(*, actor: User) -> list[TaskView]:
    """Every task meetings gave ``actor``'s institution, open ones first by due date, then done ones newest first;
    the read of their cases is recorded (one event; only the tasks' wording opens). Commits."""
    rows = list(db.session.execute(
        select(MeetingTask, Case, Meeting).join(Case, Case.id == MeetingTask.case_id)
        .join(Meeting, Meeting.id == MeetingTask.meeting_id)
        .where(MeetingTask.institution_id == actor.institution_id, Case.council_id == actor.council_id,
               Case.purged_at.is_(None))
        .order_by(MeetingTask.completed_at.is_not(None), MeetingTask.due_date, MeetingTask.id)))
    return _views(actor, rows, tag=AuditTag.TASKS_LISTED)


def tasks_of_case(*, case: Case) -> list[TaskView]:
    """The tasks meetings gave on ``case`` (the case page's panel, which recorded its read), wording where the
    page's reach opens it: a full reach every task's, a summary share resting on a meeting that meeting's only."""
    rows = list(db.session.execute(
        select(MeetingTask, Case, Meeting).join(Case, Case.id == MeetingTask.case_id)
        .join(Meeting, Meeting.id == MeetingTask.meeting_id).where(MeetingTask.case_id == case.id)
        .order_by(MeetingTask.completed_at.is_not(None), MeetingTask.due_date, MeetingTask.id)))
    return [_view(task, case, meeting) for task, case, meeting in rows]


def _views(actor: User, rows: list, *, tag: AuditTag) -> list[TaskView]:
    """Record the read of the rows' cases (one event naming every case listed; only the tasks' wording opens, by
    the reaches that open it), then the views; a task no reach of its reader opens is listed without its wording."""
    cases = {case.id: case for _task, case, _meeting in rows}
    reaches = {case_id: _task_reaches(actor, case, {t.meeting_id for t, c, _m in rows if c.id == case_id})
               for case_id, case in cases.items()}
    if rows:
        record_read(tag=tag, actor=actor, reached=[a for each in reaches.values() for a in each],
                    listed=[case_id for case_id, each in reaches.items() if not each], only=TASK_COLUMNS,
                    reason=f"{len(rows)} tasks")
    return [_view(task, case, meeting) for task, case, meeting in rows]


def _task_reaches(actor: User, case: Case, meeting_ids: set[int]) -> list[Access]:
    """The reaches by which ``actor`` reads the wording of tasks of ``meeting_ids`` on ``case``: one reaching the
    whole case (full, read-only), else those resting on one of the meetings (a task's summary grant). Another share
    of the case (a referral's summary) opens no task, and is not used to read them."""
    bases = {_basis(meeting_id) for meeting_id in meeting_ids}
    useful = [a for a in reaches_of(actor, case) if may_open(a.scope, "meeting_task", "what")
              and (a.scope in (Scope.FULL, Scope.READ) or a.basis in bases)]
    whole = [a for a in useful if a.scope in (Scope.FULL, Scope.READ)]
    # one scope per case: the request's read receipt of a case holds one scope (and the bases read in it)
    return whole[:1] or [a for a in useful if a.scope == useful[0].scope]


def _view(task: MeetingTask, case: Case, meeting: Meeting) -> TaskView:
    institution = db.session.get(Institution, task.institution_id)
    done_by = db.session.get(User, task.completed_by) if task.completed_by else None
    return TaskView(task=task, case_number=case.number, meeting_title=meeting.title, institution=institution.name,
                    what=vault().text(task, "what") if vault().opens(task, "what") else "",
                    overdue=task.completed_at is None and task.due_date < japan_today(),
                    completed_by=done_by.display_name if done_by else "")


def overdue_count(user: User) -> int:
    """How many open tasks of ``user``'s institution are past their due date (a Japan date)."""
    return len(_overdue(user))


def _overdue(user: User) -> list[tuple[MeetingTask, Case]]:
    return list(db.session.execute(
        select(MeetingTask, Case).join(Case, Case.id == MeetingTask.case_id)
        .where(MeetingTask.institution_id == user.institution_id, MeetingTask.completed_at.is_(None),
               MeetingTask.due_date < japan_today(), Case.council_id == user.council_id, Case.purged_at.is_(None))
        .order_by(MeetingTask.due_date, MeetingTask.id)).all())


def overdue_tasks(user: User) -> list[tuple[MeetingTask, Case]]:
    """The open tasks of ``user``'s institution past their due date, oldest due first (the inbox)."""
    return _overdue(user)
