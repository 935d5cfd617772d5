"""The people and the case of the meeting tests: a registered 協議会ケース of 福祉事務所, the 調整機関's coordinator,
a member (委員) invited by name, 社協 invited as an institution, an unrelated institution, a member who has not
accepted the pledge, and another council. Imported by the meeting test modules (``world`` fixture)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from council.access.models import CaseGrant
from council.audit.models import AuditEvent
from council.auth.models import User
from council.cases.council_cases import register_council_case
from council.cases.models import Case
from council.core.clock import utcnow
from council.database import db
from council.meetings.models import MeetingKind
from council.meetings.services import schedule_meeting
from tests.conftest import db_get, english, sign_in

SUBJECT, KANA, ADDRESS = "佐藤 一郎", "サトウ イチロウ", "みどり市本町1-2-3"
SITUATION, PERSONAL = "自室にこもりがちで、母が心配している。", "佐藤 一郎、みどり市本町1-2-3"


#: ``schedule``'s agenda when none is given: the world's case.
DEFAULT = object()


@dataclass
class World:
    case: Case
    users: dict[str, User]
    institutions: dict[str, int]


@pytest.fixture(name="world")
def world_fixture(app, make_institution, make_user, make_case) -> World:
    office, shakyo = make_institution("福祉事務所"), make_institution("社会福祉協議会", kind="social_welfare_council")
    houkatsu, coordination = make_institution("地域包括"), make_institution("調整機関", coordinator=True)
    elsewhere = make_institution("よその機関", council="よその協議会")
    users = {"lead": make_user("caseworker", institution=office),
             "coordinator": make_user("coordinator", institution=coordination),
             "member": make_user("member", institution=houkatsu),
             "partner": make_user("caseworker", institution=shakyo),
             "unrelated": make_user("caseworker", institution=houkatsu),
             "unpledged": make_user("member", institution=houkatsu, pledged=False),
             "other council": make_user("supervisor", institution=elsewhere)}
    case = make_case(users["lead"], name=SUBJECT, kana=KANA, address=ADDRESS, birth=dt.date(1980, 6, 1))
    with app.test_request_context():
        register_council_case(actor=db_get(app, User, users["coordinator"].id), case=db_get(app, Case, case.id))
    return World(case=case, users=users, institutions={"office": office.id, "shakyo": shakyo.id,
                                                       "houkatsu": houkatsu.id, "coordination": coordination.id})


def client_of(app, user):
    client = english(app.test_client())
    assert sign_in(app, client, user).status_code == 302
    return client


def schedule(app, world: World, *, kind=MeetingKind.CASE_REVIEW, starts_at: dt.datetime | None = None, hours=2,
             users=("member", "unpledged"), institutions=("shakyo",), cases=DEFAULT, topics=()) -> int:
    """Schedule a meeting through the service as the coordinator (on the world's case unless ``cases`` says
    otherwise; None: the generated agenda); returns its id."""
    starts_at = starts_at or utcnow() + dt.timedelta(days=10)
    with app.test_request_context():
        meeting = schedule_meeting(
            actor=db_get(app, User, world.users["coordinator"].id), kind=kind, title="第1回個別ケース検討会議",
            starts_at=starts_at, ends_at=starts_at + dt.timedelta(hours=hours), place="市役所 3階会議室",
            user_ids=[world.users[u].id for u in users], institution_ids=[world.institutions[i] for i in institutions],
            case_ids=[world.case.id] if cases is DEFAULT else cases, topics=topics)
        return meeting.id


def meeting_grants(app, meeting_id: int, *, ended: bool | None = None) -> list[CaseGrant]:
    with app.app_context():
        query = select(CaseGrant).where(CaseGrant.basis == f"meeting:{meeting_id}")
        if ended is not None:
            query = query.where(CaseGrant.ended_at.is_not(None) if ended else CaseGrant.ended_at.is_(None))
        rows = list(db.session.scalars(query.order_by(CaseGrant.id)))
        for row in rows:
            db.session.expunge(row)
        return rows


def events(app, tag, **where) -> list[AuditEvent]:
    with app.app_context():
        query = select(AuditEvent).where(AuditEvent.tag == str(tag))
        for column, value in where.items():
            query = query.where(getattr(AuditEvent, column) == value)
        rows = list(db.session.scalars(query.order_by(AuditEvent.seq)))
        for row in rows:
            db.session.expunge(row)
        return rows


def brief_url(meeting_id: int, case_id: int, suffix: str = "") -> str:
    return f"/meetings/{meeting_id}/cases/{case_id}/brief{suffix}"


def prepare(client, meeting_id: int, case_id: int, **fields):
    """The lead saves the brief through the form."""
    data = {"initials": "S.I.", "age_band": "40代", "household": "本人（40代）、母（70代）", "situation": SITUATION,
            "assessment": "長期のひきこもり", "proposed_plan": "社協の居場所につなぐ", "questions": "訪問の分担",
            "personal": PERSONAL, "version": "0", **fields}
    return client.post(brief_url(meeting_id, case_id, "/edit"), data=data)
