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
    lines = [f"Demo council: {COUNCIL_NAME}", f"Password for every demo user: {DEMO_PASSWORD}",
             "Add each user's TOTP key to an authenticator app (or: python -c \"import pyotp; "
             "print(pyotp.TOTP('KEY').now())\").", ""]
    users = db.session.scalars(select(User).join(Institution).where(Institution.council_id == council.id)
                               .order_by(User.id))
    for user in users:
        lines.append(f"  {user.username:<18} {user.role:<12} {user.institution.name}  TOTP key: {user.totp_secret}")
    return lines
