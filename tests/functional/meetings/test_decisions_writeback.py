"""What a meeting decides on an agenda case lands on the case through the cases' services, every event with the
meeting as its basis; the recorder's brief reach writes it without being able to read the case file. Both
databases."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from werkzeug.exceptions import NotFound

from council.access.policy import Action, authorize
from council.access.reads import OutsideScope, record_read
from council.audit.events import AuditTag
from council.audit.models import AuditEvent
from council.auth.models import User
from council.cases.models import Case, CasePlan
from council.cases.vault import vault
from council.core import clock
from council.core.clock import japan_date
from council.database import db
from council.meetings.minutes import reach
from council.meetings.models import Meeting, MeetingItem, MeetingTask
from tests.conftest import db_get, fresh
from tests.functional.meetings.minutes_world import (  # noqa: F401  (world_fixture: the fixture ``world``)
    ASSESSMENT,
    GOALS,
    KEY_PERSON,
    NO_TASKS,
    PLAN,
    SUBJECT,
    client_of,
    decisions,
    fresh_meeting,
    item_path,
    next_review,
    record_attendance,
    window_grants,
    world_fixture,
)


def _events_since(app, case_id: int, seq: int) -> list[AuditEvent]:
    with app.app_context():
        rows = list(db.session.scalars(select(AuditEvent).where(AuditEvent.case_id == case_id, AuditEvent.seq > seq)
                                       .order_by(AuditEvent.seq)))
        db.session.expunge_all()
        return rows


def _head(app) -> int:
    with app.app_context():
        return db.session.scalar(select(AuditEvent.seq).order_by(AuditEvent.seq.desc()).limit(1))


def _opened(app, user_id: int, case_id: int) -> dict:
    """What the lead's caseworker reads on the case now: plan, key person, dates."""
    with app.test_request_context():
        actor, case = db_get(app, User, user_id), db_get(app, Case, case_id)
        access = authorize(actor, Action.READ_FULL, case)
        record_read(tag=AuditTag.CASE_VIEWED, actor=actor, case=case, access=access)
        plan = db.session.scalar(select(CasePlan).where(CasePlan.case_id == case_id)
                                 .order_by(CasePlan.version.desc()).limit(1))
        return {"plan": vault().text(plan, "plan"), "assessment": vault().text(plan, "assessment"),
                "goals": vault().text(plan, "goals"), "version": plan.version,
                "key_person": vault().text(case, "key_person"), "role": case.key_person_role, "risk": case.risk,
                "next_review": case.next_review_date, "last_review": case.last_review_on}


def test_the_coordinators_decisions_land_on_the_case_with_the_meeting_as_basis(app, world):
    coordinator = client_of(app, world.users["coordinator"])
    record_attendance(coordinator, world)
    form = coordinator.get(item_path(world)).get_data(as_text=True)
    assert "2026-0" in form and 'value="medium"' in form  # the case's own risk is proposed
    before = _head(app)
    response = coordinator.post(item_path(world), data=decisions(world))
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    case = _opened(app, world.users["lead"].id, world.case.id)
    meeting_day = japan_date(world.meeting.starts_at)
    assert case == {"plan": PLAN, "assessment": ASSESSMENT, "goals": GOALS, "version": 2, "key_person": KEY_PERSON,
                    "role": "family", "risk": "high", "next_review": next_review(), "last_review": meeting_day}
    events = [e for e in _events_since(app, world.case.id, before) if e.tag != AuditTag.CASE_VIEWED
              or e.actor_user_id == world.users["coordinator"].id]
    tags = {e.tag for e in events}
    assert {AuditTag.DECISION_RECORDED, AuditTag.PLAN_SAVED, AuditTag.CASE_CHANGED, AuditTag.TASK_GIVEN,
            AuditTag.GRANT_CREATED} <= tags
    basis = f"meeting:{world.meeting.id}"
    assert [(e.tag, e.basis) for e in events if e.basis != basis] == []
    assert all(e.case_number == world.case.number for e in events)
    assert fresh(app, Meeting, world.meeting.id).state == "held"


def test_a_change_of_lead_goes_through_the_cases_lifecycle_with_the_meetings_basis(app, world):
    coordinator = client_of(app, world.users["coordinator"])
    record_attendance(coordinator, world)
    before = _head(app)
    response = coordinator.post(item_path(world), data=decisions(
        world, lead_institution=str(world.institutions["shakyo"])))
    assert response.status_code == 302
    assert fresh(app, Case, world.case.id).lead_institution_id == world.institutions["shakyo"]
    (changed,) = [e for e in _events_since(app, world.case.id, before) if e.tag == AuditTag.CASE_LEAD_CHANGED]
    assert changed.basis == f"meeting:{world.meeting.id}"


def test_a_member_records_by_the_brief_of_this_meeting_and_still_reads_nothing_of_the_case_file(app, world):
    record_attendance(client_of(app, world.users["coordinator"]), world)
    member = client_of(app, world.users["member"])
    assert member.post(item_path(world), data=decisions(world, **NO_TASKS)).status_code == 302
    assert _opened(app, world.users["lead"].id, world.case.id)["plan"] == PLAN
    assert member.get(f"/cases/{world.case.id}").status_code == 404
    with app.test_request_context():
        actor, case = db_get(app, User, world.users["member"].id), db_get(app, Case, world.case.id)
        meeting = db_get(app, Meeting, world.meeting.id)
        access = reach.for_meeting(actor, case, meeting, Action.READ_BRIEF)
        assert access.scope == "brief"
        with pytest.raises(NotFound):
            authorize(actor, Action.READ_SUMMARY, case)
        record_read(tag=AuditTag.CASE_VIEWED, actor=actor, case=case, access=access)
        plan = db.session.scalar(select(CasePlan).where(CasePlan.case_id == case.id)
                                 .order_by(CasePlan.version.desc()).limit(1))
        for row, column in ((plan, "plan"), (plan, "assessment"), (case, "key_person"), (case.subject, "name")):
            with pytest.raises(OutsideScope):
                vault().open(row, column)
        # What the meeting decided is its own to read.
        item = db.session.scalar(select(MeetingItem).where(MeetingItem.meeting_id == meeting.id))
        assert vault().text(item, "plan") == PLAN


def test_a_brief_of_another_meeting_does_not_record_on_this_one(app, world, make_meeting):
    later = make_meeting(world.users["coordinator"], cases=[world.case], users=[world.users["other member"]],
                         starts_at=clock.utcnow() - dt.timedelta(minutes=30), title="第2回")
    window_grants(app, later.id, users=[world.users["other member"]])
    other = client_of(app, world.users["other member"])
    assert other.get(item_path(world)).status_code == 404
    assert other.post(item_path(world), data=decisions(world)).status_code == 404
    with app.app_context():
        denied = list(db.session.scalars(select(AuditEvent.reason).where(
            AuditEvent.tag == AuditTag.CASE_ACCESS_DENIED, AuditEvent.actor_user_id == world.users["other member"].id,
            AuditEvent.case_id == world.case.id)))
    assert denied == [str(Action.RECORD_DECISION)] * 2
    assert _opened(app, world.users["lead"].id, world.case.id)["version"] == 1


@pytest.mark.parametrize("who", ["houkatsu worker", "other council", "lead"])
def test_outsiders_and_the_leads_caseworker_do_not_record_decisions(app, world, who):
    client = client_of(app, world.users[who])
    assert client.post(item_path(world), data=decisions(world)).status_code == 404
    assert _opened(app, world.users["lead"].id, world.case.id)["version"] == 1


def test_a_stale_item_form_is_refused_and_keeps_what_was_typed(app, world):
    coordinator, member = client_of(app, world.users["coordinator"]), client_of(app, world.users["member"])
    record_attendance(coordinator, world)
    assert member.post(item_path(world), data=decisions(world, **NO_TASKS)).status_code == 302
    refused = coordinator.post(item_path(world), data=decisions(world, plan="別の方針を書いた"))
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "Someone recorded this item" in page and "別の方針を書いた" in page
    assert _opened(app, world.users["lead"].id, world.case.id)["plan"] == PLAN


def test_nothing_is_recorded_before_the_meeting_starts(app, world, make_meeting):
    ahead = make_meeting(world.users["coordinator"], cases=[world.case], users=[world.users["member"]],
                         starts_at=clock.utcnow() + dt.timedelta(hours=2), title="第2回")
    window_grants(app, ahead.id, users=[world.users["member"]])
    with app.app_context():
        item = db.session.scalar(select(MeetingItem).where(MeetingItem.meeting_id == ahead.id))
        path = f"/cases/{world.case.id}/meeting-items/{item.id}/record"
    member = client_of(app, world.users["member"])
    refused = member.post(path, data=decisions(world))
    assert refused.status_code == 400 and "has not started yet" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(MeetingTask.id).where(MeetingTask.meeting_id == ahead.id)) is None


def test_a_task_row_half_filled_is_refused_with_what_was_typed(app, world):
    coordinator = client_of(app, world.users["coordinator"])
    record_attendance(coordinator, world)
    refused = coordinator.post(item_path(world), data=decisions(world, **{"tasks-1-what": "電話する"}))
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "A task needs an institution" in page and "電話する" in page
    assert SUBJECT not in page


@pytest.mark.parametrize(("who", "status"), [("member", 403), ("lead", 403), ("other council", 404)])
def test_the_record_page_is_the_coordinators_of_this_council(app, world, who, status):
    client = client_of(app, world.users[who])
    assert client.get(f"/meetings/{world.meeting.id}/record").status_code == status
    meeting = fresh(app, Meeting, world.meeting.id)
    response = client.post(f"/meetings/{world.meeting.id}/record", data={"version": str(meeting.version)})
    assert response.status_code == status
    assert fresh(app, Meeting, world.meeting.id).state == "scheduled"


def test_the_record_page_lists_the_agenda_and_records_attendance(app, world):
    coordinator = client_of(app, world.users["coordinator"])
    page = coordinator.get(f"/meetings/{world.meeting.id}/record").get_data(as_text=True)
    assert world.case.number in page and item_path(world) in page and SUBJECT not in page
    record_attendance(coordinator, world)
    meeting = fresh_meeting(app, world)
    assert meeting.state == "held" and all(p.attended for p in meeting.participants)
