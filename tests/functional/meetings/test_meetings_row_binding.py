"""What a meeting decided and the tasks it gave are bound to that meeting (``access.scopes.ROW_BOUND``): a brief
grant of one meeting does not open another meeting's items or tasks of the same case, and a summary share that
rests on no meeting (a referral's) reads no task's wording, while the institution given a task still reads it.
Both databases."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from council.access import grants
from council.access.models import LegalBasis
from council.access.policy import Action, authorize, reaches_of
from council.access.reads import OutsideScope, record_read
from council.access.scopes import MEETING_COLUMNS, Scope
from council.audit.events import AuditTag
from council.auth.models import Institution, User
from council.cases.models import Case
from council.cases.vault import vault
from council.core.clock import utcnow
from council.database import db
from council.meetings.minutes import reach
from council.meetings.models import Meeting, MeetingItem, MeetingTask
from tests.conftest import db_get
from tests.functional.meetings.minutes_world import (  # noqa: F401  (world_fixture: the fixture ``world``)
    TASK,
    client_of,
    decisions,
    item_path,
    record_attendance,
    world_fixture,
)

SECOND_SITUATION, SECOND_TASK = "二回目の会議で確認した状況", "二回目の会議の役割"


def _second_meeting(app, world, make_meeting) -> tuple[int, int]:
    """Another meeting of the same case, its item and a task for 社協 recorded (by the lead's full reach)."""
    meeting = make_meeting(world.users["coordinator"], cases=[world.case], users=[world.users["member"]],
                           starts_at=utcnow() - dt.timedelta(days=30))
    with app.test_request_context():
        lead, case = db_get(app, User, world.users["lead"].id), db.session.get(Case, world.case.id)
        access = authorize(lead, Action.EDIT_DETAILS, case)
        item = db.session.scalar(select(MeetingItem).where(MeetingItem.meeting_id == meeting.id))
        vault().seal(item, "situation", SECOND_SITUATION, access=access)
        task = MeetingTask(case_id=case.id, meeting_id=meeting.id, item_id=item.id,
                           institution_id=world.institutions["shakyo"], due_date=dt.date(2026, 12, 24),
                           created_by=lead.id)
        db.session.add(task)
        db.session.flush()
        vault().seal(task, "what", SECOND_TASK, access=access)
        db.session.commit()
        return item.id, task.id


def test_a_brief_grant_of_one_meeting_does_not_open_another_meeting_s_items_or_tasks(app, world, make_meeting):
    coordinator = client_of(app, world.users["coordinator"])
    record_attendance(coordinator, world)
    assert coordinator.post(item_path(world), data=decisions(world)).status_code == 302
    other_item_id, other_task_id = _second_meeting(app, world, make_meeting)
    with app.test_request_context():
        member, case = db_get(app, User, world.users["member"].id), db.session.get(Case, world.case.id)
        access = reach.for_meeting(member, case, db.session.get(Meeting, world.meeting.id), Action.READ_BRIEF)
        assert (access.scope, access.basis) == (Scope.BRIEF, f"meeting:{world.meeting.id}")
        record_read(tag=AuditTag.CASE_VIEWED, actor=member, case=case, access=access, only=MEETING_COLUMNS)
        own_item = db.session.get(MeetingItem, world.item.id)
        own_task = db.session.scalar(select(MeetingTask).where(MeetingTask.meeting_id == world.meeting.id))
        assert vault().text(own_item, "situation") and vault().text(own_task, "what") == TASK
        other_item, other_task = db.session.get(MeetingItem, other_item_id), db.session.get(MeetingTask, other_task_id)
        assert not vault().opens(other_item, "situation") and not vault().opens(other_task, "what")
        with pytest.raises(OutsideScope):
            vault().open(other_item, "situation")
        with pytest.raises(OutsideScope):
            vault().open(other_task, "what")


def test_a_referral_s_summary_share_reads_no_task_but_the_task_s_own_grant_reads_it(app, world):
    coordinator = client_of(app, world.users["coordinator"])
    record_attendance(coordinator, world)
    assert coordinator.post(item_path(world), data=decisions(world)).status_code == 302
    with app.test_request_context():
        lead, case = db_get(app, User, world.users["lead"].id), db.session.get(Case, world.case.id)
        grants.grant(actor=lead, case=case, scope=Scope.SUMMARY, basis="referral:999",
                     legal_basis=LegalBasis.COUNCIL_SHARING,
                     institution=db.session.get(Institution, world.institutions["houkatsu"]))
        db.session.commit()
    worker = client_of(app, world.users["houkatsu worker"])
    page = worker.get(f"/cases/{world.case.id}")
    assert page.status_code == 200 and world.case.number in page.get_data(as_text=True)
    assert TASK not in page.get_data(as_text=True)  # the summary, not the plan's roles of a meeting
    with app.test_request_context():
        user, case = db_get(app, User, world.users["houkatsu worker"].id), db.session.get(Case, world.case.id)
        (access,) = reaches_of(user, case)
        record_read(tag=AuditTag.CASE_VIEWED, actor=user, case=case, access=access)
        task = db.session.scalar(select(MeetingTask).where(MeetingTask.case_id == case.id))
        with pytest.raises(OutsideScope):
            vault().open(task, "what")
    # 社協, given the task, reads it on its tasks page and on the case page (its grant rests on the meeting)
    partner = client_of(app, world.users["partner"])
    assert TASK in partner.get("/tasks").get_data(as_text=True)
    assert TASK in partner.get(f"/cases/{world.case.id}").get_data(as_text=True)


def test_the_lead_reads_the_tasks_of_every_meeting_on_its_case(app, world, make_meeting):
    coordinator = client_of(app, world.users["coordinator"])
    record_attendance(coordinator, world)
    assert coordinator.post(item_path(world), data=decisions(world)).status_code == 302
    _second_meeting(app, world, make_meeting)
    page = client_of(app, world.users["lead"]).get(f"/cases/{world.case.id}").get_data(as_text=True)
    assert TASK in page and SECOND_TASK in page
