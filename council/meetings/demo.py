"""``make demo``: council meetings a newcomer can walk through — a 個別ケース検討会議 two weeks ago, recorded, with
its tasks given and its minutes approved (and their signed checkpoint); one in two days whose material window is
open, one brief prepared and one still to prepare; and next month's 実務者会議 with its generated agenda. Made
through the real services (grants, sealing, audit); the past meeting is simply scheduled in the past."""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy import select

from council.access.policy import Action, authorize
from council.auth.models import User
from council.cases import council_cases
from council.cases.models import Case, CaseAssignment, CaseStatus, KeyPersonRole
from council.core.clock import japan_to_utc, japan_today
from council.database import db
from council.meetings import briefs, services
from council.meetings.minutes import reach
from council.meetings.minutes import services as minutes
from council.meetings.models import Meeting, MeetingKind
from council.meetings.tasks.services import TaskInput

#: Cases of the 社協's caseworker the other demos leave alone (handoffs take the first twelve).
_SKIP = 20


def _user(username: str) -> User | None:
    return db.session.scalar(select(User).where(User.username == username))


def _council_cases(worker: User, coordinator: User, count: int) -> list[Case]:
    """Open, unrestricted cases the worker is assigned to, registered as 協議会ケース by the coordinator."""
    cases = list(db.session.scalars(select(Case).join(CaseAssignment, CaseAssignment.case_id == Case.id).where(
        CaseAssignment.user_id == worker.id, Case.status != CaseStatus.CLOSED, Case.restricted.is_(False))
        .order_by(Case.id).offset(_SKIP).limit(count)))
    for case in cases:
        if case.council_case_at is None:
            council_cases.register_council_case(actor=coordinator, case=case)
    return cases


def _at(days: int, hour: int, minute: int = 0) -> dt.datetime:
    return japan_to_utc(japan_today() + dt.timedelta(days=days), dt.time(hour, minute))


def create_demo_meetings() -> None:
    """The three meetings above, once."""
    coordinator, worker = _user("demo-coordinator"), _user("demo-caseworker")
    houkatsu, npo, member = _user("demo-houkatsu"), _user("demo-npo"), _user("demo-member")
    if None in (coordinator, worker, houkatsu, npo, member) or db.session.scalar(select(Meeting.id).limit(1)):
        return
    cases = _council_cases(worker, coordinator, 3)
    if len(cases) < 3:
        return
    _past_meeting(coordinator, cases[2], participants=[worker, houkatsu, npo, member])
    _upcoming_meeting(coordinator, worker, cases[:2], participants=[worker, houkatsu, member])
    services.schedule_meeting(
        actor=coordinator, kind=MeetingKind.PRACTITIONERS, title="第3回実務者会議", starts_at=_at(24, 10),
        ends_at=_at(24, 12), place="みどり市役所 第2会議室", user_ids=[member.id],
        institution_ids=[worker.institution_id, houkatsu.institution_id, npo.institution_id], case_ids=None)


def _upcoming_meeting(coordinator: User, worker: User, cases: list[Case], *, participants: list[User]) -> None:
    """In two days: the window is open; the first case's brief is prepared, the second's waits in the inbox."""
    meeting = services.schedule_meeting(
        actor=coordinator, kind=MeetingKind.CASE_REVIEW, title="個別ケース検討会議（12月）", starts_at=_at(2, 14),
        ends_at=_at(2, 15, 30), place="みどり市役所 第1会議室", user_ids=[u.id for u in participants],
        case_ids=[c.id for c in cases])
    case = cases[0]
    access = authorize(worker, Action.PREPARE_BRIEF, case)
    header = briefs.suggested_header(actor=worker, case=case, access=access, meeting=meeting)
    briefs.save_brief(actor=worker, case=case, access=access, meeting=meeting, data=dataclasses.replace(
        header,
        situation="半年ほど自室からほとんど出ていない。母親（70代）が食事を部屋の前に置いている。月1回の訪問には応じる。",
        assessment="母親の疲労が強く、世帯全体の支援が必要。本人は就労の話題を避けるが、趣味の話には応じる。",
        proposed_plan="社協の訪問を月2回に増やし、地域包括が母親の介護相談を受ける。居場所の見学を本人に提案する。",
        questions="母親の受診をどの機関から勧めるのがよいか。",
        personal="本人・母親の氏名と住所は担当者から口頭で説明します。"))


def _past_meeting(coordinator: User, case: Case, *, participants: list[User]) -> None:
    """Two weeks ago: attendance, the decisions on its case, two tasks (one already overdue), approved minutes."""
    meeting = services.schedule_meeting(
        actor=coordinator, kind=MeetingKind.CASE_REVIEW, title="個別ケース検討会議（11月）", starts_at=_at(-14, 14),
        ends_at=_at(-14, 15, 30), place="庁内会議システム", online=True,
        user_ids=[u.id for u in participants], case_ids=[case.id])
    # Recorded as it was then: the drafting grants opened within the window, so the attendance may follow now.
    reach.open_drafting(actor=coordinator, meeting=meeting)
    minutes.record_attendance(actor=coordinator, meeting=meeting, version=meeting.version,
                              attended={p.id: True for p in meeting.participants})
    item = meeting.items[0]
    houkatsu = next(u for u in participants if u.username == "demo-houkatsu")
    npo = next(u for u in participants if u.username == "demo-npo")
    minutes.record_item(
        actor=coordinator, meeting=meeting, item=item, case=case, version=item.version,
        access=reach.for_meeting(coordinator, case, meeting, Action.RECORD_DECISION),
        data=minutes.ItemInput(
            situation="本人は週1回、近所の商店まで外出できるようになった。家計は母親の年金のみで不安定。",
            risk="medium", urgency="low", plan="家計相談につなぎ、本人の外出の機会を増やす。",
            lead_institution_id=case.lead_institution_id, key_person_role=KeyPersonRole.FAMILY.value,
            key_person="母（同居）", next_review_date=japan_today() + dt.timedelta(days=76),
            tasks=[TaskInput(institution_id=houkatsu.institution_id, what="母親の介護保険の申請を支援する",
                             due_date=japan_today() - dt.timedelta(days=2)),
                   TaskInput(institution_id=npo.institution_id, what="居場所「灯カフェ」の見学に同行する",
                             due_date=japan_today() + dt.timedelta(days=10))]))
    db.session.refresh(meeting)
    minutes.approve_minutes(actor=coordinator, meeting=meeting, version=meeting.version)
