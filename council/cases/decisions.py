"""A meeting's decision on a case, written back to the case (会議の決定の反映).

A 個別ケース検討会議 or 実務者会議 decides, per agenda case, its 危険度, its 支援方針, its 主担当機関 and key person
and its next review. ``council.meetings.minutes`` records the decision on the meeting's agenda item and calls
``apply_decision`` to land it on the case, inside the same transaction. The case's own services and rules are used
(a plan version, ``lifecycle.change_lead``), and every event carries the meeting's basis (``meeting:<id>``).

Whoever records it usually reaches the case by the meeting's brief (scope ``brief``), which reads nothing of the
case file: the plan, the key person's name and the carried-over assessment and goals are sealed without being
read (``access.scopes.SEAL_ONLY``, ``vault.carry``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import func, select

from council.access import grants
from council.access.models import LegalBasis
from council.access.policy import Access
from council.access.scopes import Scope
from council.audit.events import AuditTag, record
from council.auth.models import Institution, User
from council.cases.errors import CaseError
from council.cases.lifecycle import change_lead
from council.cases.models import Case, CasePlan, CaseStatus, KeyPersonRole, Risk
from council.cases.vault import vault
from council.core.db import utcnow
from council.core.editing import lock_and_bump
from council.core.i18n import gettext as _
from council.database import db

_MEETING_BASIS = re.compile(r"^meeting:[1-9][0-9]{0,18}$")


@dataclass(frozen=True)
class Decision:
    """What a meeting decided on one case (the texts are sealed; the codes and dates are the case's metadata)."""

    risk: str
    #: 支援方針: becomes the newest plan version's plan (the assessment and goals are kept).
    plan: str
    #: 主担当機関; None keeps the lead.
    lead_institution: Institution | None
    #: キーパーソン: its role (KeyPersonRole) and its name and relation as written.
    key_person_role: str | None
    key_person: str
    next_review_date: dt.date
    #: The meeting's Japan date: the case's last review.
    reviewed_on: dt.date


def apply_decision(*, actor: User, case: Case, access: Access, basis: str, decision: Decision) -> list[str]:
    """Write ``decision`` on ``case`` with ``access`` (the recorder's reach of it) on ``basis`` (``meeting:<id>``),
    inside the caller's transaction: risk, a new plan version with the 支援方針 when it changed, the key person and
    their role, the next review and the last review date; the lead through ``lifecycle.change_lead`` when it
    changed, leaving the former lead a close-out grant (``read``, basis ``basis``, TRANSFER_CLOSE_OUT_DAYS) as a
    transfer does. Who may change the lead is the caller's rule (a meeting: only its coordinator). Records the events
    (basis ``basis``, the case in their columns); the caller commits. Returns what changed, as codes.

    Raises CaseError for a closed case, a basis that is not a meeting's, an unknown risk or key person role, or a
    lead institution of another council.
    """
    if not _MEETING_BASIS.match(basis or ""):
        raise CaseError(_("A meeting's decision names its meeting."))
    if case.status == CaseStatus.CLOSED:
        raise CaseError(_("Case %(number)s is closed; reopen it before a meeting decides on it.", number=case.number))
    Risk(decision.risk)
    if decision.key_person_role:
        KeyPersonRole(decision.key_person_role)
    lock_and_bump(case)
    changed = _plan(actor=actor, case=case, access=access, basis=basis, plan=decision.plan)
    if case.risk != decision.risk:
        changed.append(f"risk {case.risk} -> {decision.risk}")
        case.risk = decision.risk
    if decision.key_person or decision.key_person_role:
        case.key_person_role = decision.key_person_role or None
        vault().seal(case, "key_person", decision.key_person, access=access)
        changed.append("key person")
    case.next_review_date, case.last_review_on = decision.next_review_date, decision.reviewed_on
    changed.append(f"next review {decision.next_review_date.isoformat()}")
    record(tag=AuditTag.CASE_CHANGED, actor=actor, target=case, basis=basis, reason="; ".join(changed))
    lead = decision.lead_institution
    if lead is not None and lead.id != case.lead_institution_id:
        former = db.session.get(Institution, case.lead_institution_id)
        change_lead(actor=actor, case=case, institution=lead, basis=basis)
        _close_out(actor=actor, case=case, former=former, basis=basis)
        changed.append("lead")
    return changed


def _close_out(*, actor: User, case: Case, former: Institution | None, basis: str) -> None:
    """The former lead's close-out grant, as a transfer leaves it: ``read`` on the meeting's basis, 協議会内の情報共有,
    for TRANSFER_CLOSE_OUT_DAYS; it then lapses by itself."""
    if former is None:
        return
    now = utcnow()
    grants.grant(actor=actor, case=case, scope=Scope.READ, basis=basis, legal_basis=LegalBasis.COUNCIL_SHARING,
                 institution=former, starts_at=now,
                 expires_at=now + dt.timedelta(days=int(current_app.config["TRANSFER_CLOSE_OUT_DAYS"])))


def _plan(*, actor: User, case: Case, access: Access, basis: str, plan: str) -> list[str]:
    """A new plan version whose 支援方針 is ``plan``, the assessment and goals carried over from the newest; nothing
    when ``plan`` is empty."""
    if not plan.strip():
        return []
    newest = db.session.scalar(select(CasePlan).where(CasePlan.case_id == case.id)
                               .order_by(CasePlan.version.desc()).limit(1))
    version = (db.session.scalar(select(func.max(CasePlan.version)).where(CasePlan.case_id == case.id)) or 0) + 1
    row = CasePlan(case_id=case.id, version=version, written_by=actor.id, written_at=utcnow())
    db.session.add(row)
    db.session.flush()
    vault().seal(row, "plan", plan, access=access)
    if newest is not None:
        for column in ("assessment", "goals"):
            vault().carry(newest, row, column, access=access)
    record(tag=AuditTag.PLAN_SAVED, actor=actor, target=case, basis=basis, reason=f"version {row.version}")
    return [f"plan version {row.version}"]
