"""``make demo``: a fictitious council with institutions and users of every role (no real person)."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from council.access.permissions import Role
from council.auth import admin
from council.auth.models import Council, Institution, InstitutionType, User
from council.auth.services import accounts, create_council
from council.core.db import utcnow
from council.database import db
from council.handoffs.breakglass.demo import create_demo_break_glass
from council.handoffs.demo import create_demo_handoffs
from council.inbox.demo import create_inbox_demo
from council.security import totp

COUNCIL_NAME = "みどり市孤独・孤立対策地域協議会（デモ）"
#: Everyone in the demo shares this password; it exists only in demo databases.
DEMO_PASSWORD = "demo-tsunagaru-2026"  # noqa: S105

INSTITUTIONS = [
    ("みどり市 福祉総合相談課", InstitutionType.GOVERNMENT, True),
    ("みどり市社会福祉協議会", InstitutionType.SOCIAL_WELFARE_COUNCIL, False),
    ("みどり市中央地域包括支援センター", InstitutionType.COMMUNITY_SUPPORT_CENTER, False),
    ("NPO法人 つながりの灯", InstitutionType.NPO, False),
    ("社会福祉法人 みどり福祉会", InstitutionType.SOCIAL_WELFARE_CORPORATION, False),
]

USERS = [
    ("demo-admin", "管理 花子", 0, Role.ADMIN),
    ("demo-coordinator", "調整 一郎", 0, Role.COORDINATOR),
    ("demo-caseworker", "相談 二郎", 1, Role.CASEWORKER),
    ("demo-supervisor", "主任 三恵", 1, Role.SUPERVISOR),
    ("demo-houkatsu", "包括 四季", 2, Role.CASEWORKER),
    ("demo-npo", "灯 五月", 3, Role.CASEWORKER),
    ("demo-member", "委員 六実", 4, Role.MEMBER),
    ("demo-auditor", "監査 七海", 0, Role.AUDITOR),
]


def create_demo() -> list[str]:
    """Create the demo council once (later runs only print the logins); return lines to print."""
    if current_app.config["ENVIRONMENT"] == "production":
        raise RuntimeError("The demo must not be created in production.")
    council = db.session.scalar(select(Council).where(Council.name == COUNCIL_NAME))
    if council is None:
        council = create_council(COUNCIL_NAME)
        institutions = [
            admin.create_institution(actor=None, council=council, name=name, kind=kind.value,
                                     is_coordinator=coordinator)
            for name, kind, coordinator in INSTITUTIONS
        ]
        for username, name, index, role in USERS:
            user, _token = admin.create_user(actor=None, institution=institutions[index], username=username,
                                             display_name=name, role=role)
            user.password_hash, user.password_changed_at = accounts().hasher.hash(DEMO_PASSWORD), utcnow()
            user.totp_secret = totp.new_secret()
        db.session.commit()
        create_demo_cases(council, count=200)
        create_demo_handoffs()
        from council.cases.demo_households import create_demo_households
        from council.handoffs.requests.demo import create_demo_requests

        create_demo_households(council)
        create_demo_break_glass(council)
        create_demo_requests(council)
        from council.meetings.demo import create_demo_meetings

        create_demo_meetings()
        create_inbox_demo()  # last: it marks one user's items, all of them made by now, as seen
    lines = [f"Demo council: {COUNCIL_NAME}", f"Password for every demo user: {DEMO_PASSWORD}",
             "Add each user's TOTP key to an authenticator app (or: python -c \"import pyotp; "
             "print(pyotp.TOTP('KEY').now())\").", ""]
    users = db.session.scalars(select(User).join(Institution).where(Institution.council_id == council.id)
                               .order_by(User.id))
    for user in users:
        lines.append(f"  {user.username:<18} {user.role:<12} {user.institution.name}  TOTP key: {user.totp_secret}")
    return lines


SURNAMES = [("佐藤", "サトウ"), ("鈴木", "スズキ"), ("高橋", "タカハシ"), ("田中", "タナカ"), ("伊藤", "イトウ"),
            ("渡辺", "ワタナベ"), ("山本", "ヤマモト"), ("中村", "ナカムラ"), ("小林", "コバヤシ"), ("加藤", "カトウ"),
            ("吉田", "ヨシダ"), ("山田", "ヤマダ"), ("佐々木", "ササキ"), ("松本", "マツモト"), ("井上", "イノウエ")]
GIVEN = [("一郎", "イチロウ"), ("花子", "ハナコ"), ("健太", "ケンタ"), ("美咲", "ミサキ"), ("誠", "マコト"),
         ("陽子", "ヨウコ"), ("翔", "ショウ"), ("由美", "ユミ"), ("茂", "シゲル"), ("千代", "チヨ")]
SITUATIONS = [
    ("ひきこもり", "8050世帯"), ("単身高齢", "社会的孤立"), ("ヤングケアラー",), ("経済的困窮", "就労"),
    ("精神保健",), ("住まい", "経済的困窮"), ("子育て", "社会的孤立"), ("障害", "就労"),
]
FIRST_RECORDS = ["民生委員から、最近姿を見かけないとの連絡があった。", "本人から電話。生活費が足りないとの相談。",
                 "学校から、家族の介護で欠席が続いているとの情報提供。", "地域包括支援センター経由で来所。",
                 "親族から、長年自宅にこもっているとの相談。"]


def create_demo_cases(council, *, count: int) -> None:
    """Fictitious cases spread over the demo institutions, opened by their caseworkers (all names invented)."""
    import datetime as dt
    import random

    from council.audit.events import AuditTag, record
    from council.cases.lifecycle import _years_later
    from council.cases.models import CaseAssignment, CaseStatus, ReferralSource, Risk
    from council.cases.services import PersonInput, new_case
    from council.core.clock import japan_today

    chooser = random.Random(2026)  # the same demo every time  # noqa: S311
    sources = random.Random(8)  # 相談経路 drawn apart, so the cases above stay as they were  # noqa: S311
    workers = list(db.session.scalars(select(User).join(Institution).where(
        Institution.council_id == council.id, User.role.in_(("caseworker", "supervisor")))))
    statuses = [CaseStatus.INTAKE, CaseStatus.ASSESSMENT, CaseStatus.SUPPORT, CaseStatus.SUPPORT,
                CaseStatus.MONITORING, CaseStatus.CLOSED]
    today = japan_today()
    for i in range(count):
        worker = workers[i % len(workers)]
        (surname, surname_kana), (given, given_kana) = chooser.choice(SURNAMES), chooser.choice(GIVEN)
        # Intakes over the last 560 days: none in the future, whenever the demo is made.
        intake = today - dt.timedelta(days=chooser.randrange(0, 560))
        subject = PersonInput(name=f"{surname} {given}", kana=f"{surname_kana} {given_kana}",
                              birth_date=dt.date(1940, 1, 1) + dt.timedelta(days=chooser.randrange(0, 25000)),
                              sex=chooser.choice(["female", "male"]), address=f"みどり市{chooser.randrange(1, 9)}丁目",
                              phone=f"090-{chooser.randrange(1000, 9999)}-{chooser.randrange(1000, 9999)}")
        case = new_case(actor=worker, council_id=council.id, lead_institution_id=worker.institution_id,
                        intake_date=intake, categories=list(chooser.choice(SITUATIONS)),
                        risk=chooser.choice(list(Risk)), subject=subject, first_record=chooser.choice(FIRST_RECORDS),
                        referral_source=sources.choice(list(ReferralSource)),
                        next_review_date=intake + dt.timedelta(days=chooser.choice([30, 60, 90])))
        case.status = chooser.choice(statuses)
        if case.status == CaseStatus.CLOSED:
            case.closed_on = min(intake + dt.timedelta(days=120), today)
            case.purge_after = _years_later(case.closed_on, 5)  # a 29 February closure has no 29 February later
        db.session.add(CaseAssignment(case_id=case.id, user_id=worker.id))
        record(tag=AuditTag.CASE_CREATED, actor=worker, target=case, basis="demo")
        if i % 50 == 49:
            db.session.commit()
    db.session.commit()
