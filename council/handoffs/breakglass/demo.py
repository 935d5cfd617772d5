"""Break-glass in the demo council: one use ended early by its user, acknowledged by the lead institution's
supervisor and reviewed by the auditor; one still in force, waiting for both. Everything goes through the real
services (at the real time: the audit trail is never back-dated), so the demo shows what users would see: the
grant, the sealed reason, the audit events, the notices and the review list."""

from __future__ import annotations

from sqlalchemy import select

from council.access.permissions import Role
from council.auth.models import Institution, User
from council.cases.models import Case
from council.database import db
from council.handoffs.breakglass import review, services
from council.handoffs.breakglass.models import BreakGlass, ReviewOutcome, Risk, Via

#: (user, what was at risk, reason, reviewed as) — all invented.
USES = [
    ("demo-houkatsu", Risk.LIFE, "夜間に本人の姉から電話。数日連絡が取れず、自宅の郵便受けがあふれているとのこと。"
                                 "安否確認のため、既往歴と緊急連絡先を確認する必要がある。", ReviewOutcome.APPROPRIATE),
    ("demo-npo", Risk.MISSING, "相談ダイヤルに本人から「もう家にいられない」と電話があり、途中で切れた。"
                               "所在確認のため、支援の経過と関係機関を確認したい。", None),
]


def create_demo_break_glass(council) -> None:
    """Two break-glass uses into cases of the demo's 社協 (whose supervisor is demo-supervisor); once only."""
    if db.session.scalar(select(BreakGlass.id).where(BreakGlass.council_id == council.id).limit(1)) is not None:
        return
    users = {u.username: u for u in db.session.scalars(
        select(User).join(Institution).where(Institution.council_id == council.id))}
    lead = users["demo-supervisor"].institution_id
    cases = list(db.session.scalars(select(Case).where(Case.lead_institution_id == lead, Case.status != "closed")
                                    .order_by(Case.id).limit(len(USES))))
    auditor = next(u for u in users.values() if u.role == Role.AUDITOR)
    for (username, risk, reason, outcome), case in zip(USES, cases, strict=True):
        row = services.break_glass(actor=users[username], case=case, risk=risk, reason=reason, via=Via.NUMBER)
        if outcome is not None:
            services.end_early(actor=users[username], row=row)
            services.acknowledge(actor=users["demo-supervisor"], case=case, row=row)
            review.review(actor=auditor, row=row, outcome=outcome, note="")
