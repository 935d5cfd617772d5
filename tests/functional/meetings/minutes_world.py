"""The people, the case and the meeting of the record, tasks and minutes tests: a 福祉事務所 case on the agenda of a
個別ケース検討会議 that started an hour ago, its participants (a member by name, the 社協 as an institution) holding
the material window's brief grants as the meetings' scheduling makes them, the coordinator who runs it, and
outsiders. Imported by the test modules (``world`` fixture)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from council.access import grants
from council.access.models import LegalBasis
from council.access.policy import Action, authorize
from council.auth.models import Institution, User
from council.cases import documents
from council.cases.council_cases import register_council_case
from council.cases.models import Case
from council.core.clock import japan_to_utc, japan_today, utcnow
from council.database import db
from council.meetings.models import Meeting, MeetingItem
from tests.conftest import db_get, english, fresh, sign_in

SUBJECT, KEY_PERSON_BEFORE, ASSESSMENT, GOALS = "佐藤 一郎", "佐藤 花子（母）", "母の介護負担が大きい", "月1回の外出"
PLAN, SITUATION, TASK = "社協が週1回訪問する", "本人は自室にこもりがち", "訪問して様子を確認"
KEY_PERSON = "佐藤 次郎（弟）"


@dataclass
class World:
    case: Case
    meeting: Meeting
    item: MeetingItem
    users: dict[str, User]
    institutions: dict[str, int]


def window_grants(app, meeting_id: int, *, users=(), institutions=()) -> None:
    """The material window's brief grants, as the meetings' scheduling makes them: from 3 days before the start to
    24 hours after the end, basis meeting:<id>, council sharing."""
    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        actor = db.session.get(User, meeting.created_by)
        for item in meeting.items:
            case = db.session.get(Case, item.case_id)
            for recipient in [{"user": db.session.get(User, u.id)} for u in users] + \
                    [{"institution": db.session.get(Institution, i.id)} for i in institutions]:
                grants.grant(actor=actor, case=case, scope="brief", basis=f"meeting:{meeting.id}",
                             legal_basis=LegalBasis.COUNCIL_SHARING,
                             starts_at=meeting.starts_at - dt.timedelta(days=3),
                             expires_at=meeting.ends_at + dt.timedelta(hours=24), **recipient)
        db.session.commit()


@pytest.fixture(name="world")
def world_fixture(app, make_institution, make_user, make_case, make_meeting) -> World:
    office, shakyo = make_institution("福祉事務所"), make_institution("社会福祉協議会", kind="social_welfare_council")
    houkatsu, coordination = make_institution("地域包括"), make_institution("調整機関", coordinator=True)
    elsewhere = make_institution("よその機関", council="よその協議会")
    users = {"lead": make_user("caseworker", institution=office),
             "partner": make_user("caseworker", institution=shakyo),
             "member": make_user("member", institution=houkatsu),
             "houkatsu worker": make_user("caseworker", institution=houkatsu),
             "other member": make_user("member", institution=houkatsu),
             "coordinator": make_user("coordinator", institution=coordination),
             "other council": make_user("coordinator", institution=elsewhere)}
    case = make_case(users["lead"], name=SUBJECT, key_person=KEY_PERSON_BEFORE)
    with app.test_request_context():
        actor, stored = db_get(app, User, users["lead"].id), db_get(app, Case, case.id)
        documents.save_plan(actor=actor, case=stored, access=authorize(actor, Action.EDIT_DETAILS, stored),
                            based_on=0, assessment=ASSESSMENT, plan="電話で見守る", goals=GOALS)
        register_council_case(actor=db_get(app, User, users["coordinator"].id), case=db_get(app, Case, case.id))
    meeting = make_meeting(users["coordinator"], cases=[case], users=[users["member"]], institutions=[shakyo],
                           starts_at=utcnow() - dt.timedelta(hours=1))
    window_grants(app, meeting.id, users=[users["member"]], institutions=[shakyo])
    with app.app_context():
        item = db.session.scalar(select(MeetingItem).where(MeetingItem.meeting_id == meeting.id))
        db.session.expunge(item)
    return World(case=fresh(app, Case, case.id), meeting=meeting, item=item, users=users,
                 institutions={"office": office.id, "shakyo": shakyo.id, "houkatsu": houkatsu.id,
                               "coordination": coordination.id, "elsewhere": elsewhere.id})


def client_of(app, user):
    client = english(app.test_client())
    assert sign_in(app, client, user).status_code == 302
    return client


def item_path(world: World) -> str:
    return f"/cases/{world.case.id}/meeting-items/{world.item.id}/record"


def task_due() -> dt.date:
    """The task's due date the item form gives: today in Japan (dates relative to the run, never a fixed day)."""
    return japan_today()


def next_review() -> dt.date:
    """The next review date the item form gives: 45 days from today in Japan."""
    return japan_today() + dt.timedelta(days=45)


def task_grant_end(app) -> dt.datetime:
    """When the task institution's summary grant ends: the end of the due date's Japan day, plus the grace days."""
    return japan_to_utc(task_due() + dt.timedelta(days=1)) + dt.timedelta(days=app.config["TASK_GRANT_GRACE_DAYS"])


def decisions(world: World, *, version: int = 1, **changes) -> dict:
    """The item form as the coordinator fills it in: high risk, a new plan, a task for 社協, the 社協 as lead."""
    data = {"situation": SITUATION, "risk": "high", "urgency": "medium", "plan": PLAN,
            "lead_institution": str(world.case.lead_institution_id), "key_person_role": "family",
            "key_person": KEY_PERSON, "next_review_date": next_review().isoformat(), "version": str(version),
            "tasks-0-institution": str(world.institutions["shakyo"]), "tasks-0-what": TASK,
            "tasks-0-due_date": task_due().isoformat(),
            "tasks-1-institution": "0", "tasks-1-what": "", "tasks-1-due_date": "",
            "tasks-2-institution": "0", "tasks-2-what": "", "tasks-2-due_date": ""}
    data.update(changes)
    return data


#: The task rows of the item form left empty: what a member (who gives no tasks) sends.
NO_TASKS = {"tasks-0-institution": "0", "tasks-0-what": "", "tasks-0-due_date": ""}


def record_attendance(client, world: World) -> None:
    meeting = fresh_meeting(client.application, world)
    participants = {f"attended-{p.id}": "yes" for p in meeting.participants}
    response = client.post(f"/meetings/{world.meeting.id}/record", data={"version": str(meeting.version),
                                                                           **participants})
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]


def fresh_meeting(app, world: World) -> Meeting:
    with app.app_context():
        meeting = db.session.get(Meeting, world.meeting.id)
        _ = meeting.participants, meeting.items
        db.session.expunge_all()
        return meeting
