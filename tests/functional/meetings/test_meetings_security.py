"""The meetings' access-control fixes (issue 11, security review): only the coordinator who runs a meeting changes a
case's lead or gives tasks; a lead change leaves the former lead a close-out read; re-recording an item replaces its
open tasks and ends the reach of an institution left without one; the task and drafting grants lapse by themselves;
attendance is not recorded once the material window has closed."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from council.access.models import CaseGrant
from council.cases.models import Case
from council.core import clock
from council.database import db
from council.meetings.models import MeetingTask
from tests.conftest import fresh
from tests.functional.meetings.minutes_world import (  # noqa: F401  (world_fixture: the fixture ``world``)
    NO_TASKS,
    SITUATION,
    SUBJECT,
    TASK,
    client_of,
    decisions,
    fresh_meeting,
    item_path,
    record_attendance,
    task_grant_end,
    world_fixture,
)


def _grants(app, world, **where) -> list[CaseGrant]:
    with app.app_context():
        rows = list(db.session.scalars(select(CaseGrant).where(CaseGrant.case_id == world.case.id).filter_by(**where)
                                       .order_by(CaseGrant.id)))
        db.session.expunge_all()
        return rows


def _tasks(app, world) -> list[MeetingTask]:
    with app.app_context():
        rows = list(db.session.scalars(select(MeetingTask).where(MeetingTask.case_id == world.case.id)))
        db.session.expunge_all()
        return rows


# -- 1. the lead institution ------------------------------------------------------------------------------------


def test_a_member_cannot_move_the_lead_to_its_institution_and_keeps_what_was_typed(app, world):
    member = client_of(app, world.users["member"])
    refused = member.post(item_path(world), data=decisions(
        world, lead_institution=str(world.institutions["houkatsu"]), **NO_TASKS))
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert "Only the coordinator who runs the meeting records a change of the lead institution" in page
    assert SITUATION in page and SUBJECT not in page
    assert fresh(app, Case, world.case.id).lead_institution_id == world.institutions["office"]
    assert client_of(app, world.users["houkatsu worker"]).get(f"/cases/{world.case.id}").status_code == 404


def test_the_coordinator_moves_the_lead_and_the_former_lead_keeps_a_close_out_read(app, world):
    coordinator = client_of(app, world.users["coordinator"])
    record_attendance(coordinator, world)
    response = coordinator.post(item_path(world), data=decisions(
        world, lead_institution=str(world.institutions["shakyo"])))
    assert response.status_code == 302
    assert fresh(app, Case, world.case.id).lead_institution_id == world.institutions["shakyo"]
    (close_out,) = _grants(app, world, institution_id=world.institutions["office"])
    assert (close_out.scope, close_out.basis, close_out.legal_basis, close_out.ended_at) == (
        "read", f"meeting:{world.meeting.id}", "council_sharing", None)
    assert close_out.expires_at - close_out.starts_at == dt.timedelta(days=30)
    former = client_of(app, world.users["lead"])
    assert former.get(f"/cases/{world.case.id}").status_code == 200
    with clock.moved_to(close_out.expires_at + dt.timedelta(minutes=1)):
        former = client_of(app, world.users["lead"])  # signed in again: a month later the session has lapsed
        assert former.get(f"/cases/{world.case.id}").status_code == 404


# -- 2. tasks ---------------------------------------------------------------------------------------------------


def test_a_member_gives_no_task_and_is_told_so(app, world):
    member = client_of(app, world.users["member"])
    refused = member.post(item_path(world), data=decisions(
        world, **{"tasks-0-institution": str(world.institutions["houkatsu"])}))
    assert refused.status_code == 400
    assert "Only the coordinator who runs the meeting gives tasks" in refused.get_data(as_text=True)
    assert _tasks(app, world) == []
    assert _grants(app, world, institution_id=world.institutions["houkatsu"]) == []
    assert "tasks-0-what" not in member.get(item_path(world)).get_data(as_text=True)


def test_a_task_institutions_summary_grant_lapses_after_the_due_date_and_grace(app, world):
    coordinator = client_of(app, world.users["coordinator"])
    record_attendance(coordinator, world)
    assert coordinator.post(item_path(world), data=decisions(world)).status_code == 302
    (grant,) = _grants(app, world, institution_id=world.institutions["shakyo"], scope="summary")
    assert grant.expires_at.replace(tzinfo=dt.UTC) == task_grant_end(app)  # the due day's end, plus 14 days
    partner = client_of(app, world.users["partner"])
    with clock.moved_to(grant.expires_at + dt.timedelta(minutes=1)):
        partner = client_of(app, world.users["partner"])
        assert TASK not in partner.get("/tasks").get_data(as_text=True)


# -- 3. re-recording --------------------------------------------------------------------------------------------


def test_re_recording_replaces_the_open_tasks_and_ends_the_reach_of_an_institution_left_without(app, world):
    coordinator = client_of(app, world.users["coordinator"])
    record_attendance(coordinator, world)
    assert coordinator.post(item_path(world), data=decisions(world)).status_code == 302
    form = coordinator.get(item_path(world)).get_data(as_text=True)
    assert TASK in form  # the open task is in its row, so that saving again keeps it
    assert coordinator.post(item_path(world), data=decisions(world, version=2)).status_code == 302
    assert len(_tasks(app, world)) == 1
    assert coordinator.post(item_path(world), data=decisions(world, version=3, **NO_TASKS)).status_code == 302
    assert _tasks(app, world) == []
    (grant,) = _grants(app, world, institution_id=world.institutions["shakyo"], scope="summary")
    assert grant.ended_at is not None and grant.end_reason == "tasks_withdrawn"
    assert TASK not in client_of(app, world.users["partner"]).get("/tasks").get_data(as_text=True)


# -- 4. the coordinator's drafting grant and late attendance ---------------------------------------------------


def test_the_drafting_grant_lapses_30_days_after_the_meeting(app, world):
    coordinator = client_of(app, world.users["coordinator"])
    record_attendance(coordinator, world)
    (drafting,) = _grants(app, world, user_id=world.users["coordinator"].id)
    assert drafting.expires_at == world.meeting.ends_at + dt.timedelta(days=30)
    brief = f"/meetings/{world.meeting.id}/cases/{world.case.id}/brief"
    with clock.moved_to(drafting.expires_at + dt.timedelta(minutes=1)):
        coordinator = client_of(app, world.users["coordinator"])
        assert coordinator.get(brief).status_code == 404


def test_attendance_is_refused_once_the_material_window_has_closed(app, world):
    meeting = fresh_meeting(app, world)
    with clock.moved_to(meeting.ends_at + dt.timedelta(hours=24, minutes=1)):
        coordinator = client_of(app, world.users["coordinator"])
        refused = coordinator.post(f"/meetings/{world.meeting.id}/record", data={
            "version": str(meeting.version), **{f"attended-{p.id}": "yes" for p in meeting.participants}})
    assert refused.status_code == 400
    assert "material window has closed" in refused.get_data(as_text=True)
    assert _grants(app, world, user_id=world.users["coordinator"].id) == []


def test_attendance_may_be_corrected_after_the_window_while_drafting_is_open(app, world):
    coordinator = client_of(app, world.users["coordinator"])
    record_attendance(coordinator, world)
    meeting = fresh_meeting(app, world)
    with clock.moved_to(meeting.ends_at + dt.timedelta(days=2)):
        coordinator = client_of(app, world.users["coordinator"])
        response = coordinator.post(f"/meetings/{world.meeting.id}/record", data={
            "version": str(meeting.version), **{f"attended-{p.id}": "yes" for p in meeting.participants}})
    assert response.status_code == 302


# -- 7. a member records only once marked as attended -------------------------------------------------------


def test_a_member_not_marked_as_attended_records_nothing(app, world):
    member = client_of(app, world.users["member"])
    refused = member.post(item_path(world), data=decisions(world, **NO_TASKS))
    assert refused.status_code == 400
    assert "Only a participant marked as attended records" in refused.get_data(as_text=True)
    record_attendance(client_of(app, world.users["coordinator"]), world)
    assert member.post(item_path(world), data=decisions(world, **NO_TASKS)).status_code == 302
