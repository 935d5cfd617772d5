"""役割分担: the institution given a task reads it (by the summary grant its task gave it), completes it (who and
when, audited, version-checked) and the grant ends; the case page shows the tasks and their completion; overdue
tasks come up in the inbox by Japan's date. Both databases."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select

from council.access.models import CaseGrant
from council.audit.events import AuditTag
from council.audit.models import AuditEvent
from council.core import clock
from council.core.clock import japan_today
from council.database import db
from council.meetings.models import MeetingTask
from tests.conftest import fresh
from tests.functional.meetings.minutes_world import (  # noqa: F401  (world_fixture: the fixture ``world``)
    SUBJECT,
    TASK,
    client_of,
    decisions,
    item_path,
    record_attendance,
    task_due,
    task_grant_end,
    world_fixture,
)


def _given(app, world, **changes) -> MeetingTask:
    coordinator = client_of(app, world.users["coordinator"])
    record_attendance(coordinator, world)
    assert coordinator.post(item_path(world), data=decisions(world, **changes)).status_code == 302
    with app.app_context():
        task = db.session.scalar(select(MeetingTask).where(MeetingTask.case_id == world.case.id))
        db.session.expunge(task)
        return task


def _task_grant(app, world) -> CaseGrant:
    with app.app_context():
        grant = db.session.scalar(select(CaseGrant).where(
            CaseGrant.case_id == world.case.id, CaseGrant.institution_id == world.institutions["shakyo"],
            CaseGrant.scope == "summary"))
        db.session.expunge(grant)
        return grant


def test_the_institution_given_a_task_reads_it_and_completes_it_then_its_reach_ends(app, world):
    task = _given(app, world)
    grant = _task_grant(app, world)
    # Until the end of the due date's Japan day plus TASK_GRANT_GRACE_DAYS (14).
    assert (grant.basis, grant.legal_basis, grant.expires_at.replace(tzinfo=dt.UTC)) == (
        f"meeting:{world.meeting.id}", "council_sharing", task_grant_end(app))
    partner = client_of(app, world.users["partner"])
    page = partner.get("/tasks").get_data(as_text=True)
    assert TASK in page and world.case.number in page and task_due().isoformat() in page and SUBJECT not in page
    summary = partner.get(f"/cases/{world.case.id}").get_data(as_text=True)
    assert TASK in summary and SUBJECT not in summary  # the summary, with its tasks
    done = partner.post(f"/tasks/{task.id}/complete", data={"version": "1"})
    assert done.status_code == 302
    stored = fresh(app, MeetingTask, task.id)
    assert stored.completed_by == world.users["partner"].id and stored.completed_at is not None
    assert fresh(app, CaseGrant, grant.id).end_reason == "tasks_done"
    assert partner.get(f"/cases/{world.case.id}").status_code == 404
    listed = partner.get("/tasks").get_data(as_text=True)
    assert 'data-testid="task-done"' in listed  # (its wording: by the meeting's brief, while the window lasts)
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.tag == AuditTag.TASK_COMPLETED))
    assert (event.basis, event.case_id) == (f"meeting:{world.meeting.id}", world.case.id)
    # The lead sees on the case who completed it, and when.
    lead_page = client_of(app, world.users["lead"]).get(f"/cases/{world.case.id}").get_data(as_text=True)
    assert TASK in lead_page and 'data-testid="case-task-done"' in lead_page and "テスト 利用者" in lead_page


def test_completing_is_version_checked_and_done_once(app, world):
    task = _given(app, world)
    partner = client_of(app, world.users["partner"])
    stale = partner.post(f"/tasks/{task.id}/complete", data={"version": "0"})
    assert stale.status_code == 400 and "Someone changed this task" in stale.get_data(as_text=True)
    assert partner.post(f"/tasks/{task.id}/complete", data={"version": "1"}).status_code == 302
    again = partner.post(f"/tasks/{task.id}/complete", data={"version": "2"})
    assert again.status_code == 400 and "done already" in again.get_data(as_text=True)


def test_another_institution_cannot_complete_it_and_is_recorded(app, world):
    task = _given(app, world)
    outsider = client_of(app, world.users["houkatsu worker"])
    assert outsider.post(f"/tasks/{task.id}/complete", data={"version": "1"}).status_code == 404
    assert TASK not in outsider.get("/tasks").get_data(as_text=True)
    assert fresh(app, MeetingTask, task.id).completed_at is None
    with app.app_context():
        denied = db.session.scalar(select(AuditEvent).where(
            AuditEvent.tag == AuditTag.CASE_ACCESS_DENIED,
            AuditEvent.actor_user_id == world.users["houkatsu worker"].id))
    assert denied.case_id == world.case.id


def test_an_overdue_task_is_in_the_inbox_by_japans_date(app, world):
    # 23:30 UTC: in Japan it is already the next day, so a task due "today" by the server's UTC date is overdue.
    utc_today = clock.utcnow().date()
    assert japan_today() == utc_today + dt.timedelta(days=1)
    task = _given(app, world, **{"tasks-0-due_date": utc_today.isoformat()})
    partner = client_of(app, world.users["partner"])
    home = partner.get("/").get_data(as_text=True)
    assert f"Case {world.case.number}: a task from a meeting was due on {utc_today.isoformat()}" in home
    listed = partner.get("/tasks").get_data(as_text=True)
    assert re.search(rf'id="task-{task.id}" data-testid="task" class="overdue"', listed)
    assert partner.post(f"/tasks/{task.id}/complete", data={"version": "1"}).status_code == 302
    assert "a task from a meeting was due" not in partner.get("/").get_data(as_text=True)


def test_a_task_due_today_in_japan_is_not_overdue(app, world):
    _given(app, world, **{"tasks-0-due_date": japan_today().isoformat()})
    home = client_of(app, world.users["partner"]).get("/").get_data(as_text=True)
    assert "a task from a meeting was due" not in home


def test_the_tasks_page_records_every_case_it_names_even_once_its_grant_ended(app, world):
    """A done task stays on the list with its case number after the task's grant ended: the list still names the
    case in its event (the auditor's per-case history finds it), though the wording no longer opens."""
    task = _given(app, world)
    partner = client_of(app, world.users["partner"])
    assert partner.post(f"/tasks/{task.id}/complete", data={"version": "1"}).status_code == 302
    with app.test_request_context():  # the material window's grant ends too: 社協 no longer reaches the case
        from council.access import grants
        from council.auth.models import User
        from tests.conftest import db_get

        actor = db_get(app, User, world.users["coordinator"].id)
        for row in db.session.scalars(select(CaseGrant).where(
                CaseGrant.case_id == world.case.id, CaseGrant.institution_id == world.institutions["shakyo"],
                CaseGrant.ended_at.is_(None))):
            grants.end(actor=actor, grant=row, reason="test")
        db.session.commit()
    page = partner.get("/tasks").get_data(as_text=True)
    assert world.case.number in page and TASK not in page
    with app.app_context():
        from council.audit.models import AuditEventCase

        listed = db.session.scalars(select(AuditEvent.seq).where(
            AuditEvent.tag == AuditTag.TASKS_LISTED, AuditEvent.actor_user_id == world.users["partner"].id)
            .order_by(AuditEvent.seq.desc())).first()
        named = db.session.scalars(select(AuditEventCase.case_id).where(AuditEventCase.event_seq == listed)).all()
    assert named == [world.case.id]
def test_a_done_task_keeps_its_wording_on_the_list_by_the_kept_minutes(app, world):
    """Its summary grant ends with the task; the approved minutes' copy the institution keeps (a ``minutes`` grant)
    still opens the task's wording, after the material window too — and nothing of the case page."""
    task = _given(app, world)
    coordinator = client_of(app, world.users["coordinator"])
    version = fresh(app, type(world.meeting), world.meeting.id).version
    assert coordinator.post(f"/meetings/{world.meeting.id}/minutes/approve",
                            data={"approve-version": str(version), "approve-confirm": "y"}).status_code == 302
    partner = client_of(app, world.users["partner"])
    assert partner.post(f"/tasks/{task.id}/complete", data={"version": "1"}).status_code == 302
    with clock.moved_to(world.meeting.ends_at + dt.timedelta(days=3)):
        partner = client_of(app, world.users["partner"])
        listed = partner.get("/tasks").get_data(as_text=True)
        row = re.search(rf'<tr id="task-{task.id}".*?</tr>', listed, re.S).group(0)
        assert TASK in row and 'data-testid="task-done"' in row and "not shown" not in row
        assert partner.get(f"/cases/{world.case.id}").status_code == 404
