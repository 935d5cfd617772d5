"""An agenda item's part of the minutes, written from what was decided on it (the coordinator may edit it until
the minutes are approved)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from council.cases.models import KeyPersonRole, Risk
from council.core.i18n import gettext as _


@dataclass(frozen=True)
class TaskLine:
    institution: str
    what: str
    due_date: dt.date


def _risk(value: str | None) -> str:
    return str(Risk(value).label) if value else "—"


def item_minutes(*, situation: str, risk: str | None, urgency: str | None, plan: str, tasks: list[TaskLine],
                 lead: str, key_person_role: str | None, key_person: str, next_review: dt.date | None) -> str:
    """The item's minutes as plain text, one heading per decision, in the page's language."""
    role = str(KeyPersonRole(key_person_role).label) if key_person_role else "—"
    # Labels first, then the lines: a call of _() inside an f-string is not found by the catalogue's extraction.
    situation_label, risk_label, urgency_label = _("Situation (状況把握)"), _("Risk (危険度)"), _("Urgency (緊急度)")
    plan_label, roles_label = _("Support plan (支援方針)"), _("Roles (役割分担)")
    lead_label, key_person_label = _("Lead institution (主担当機関)"), _("Key person (キーパーソン)")
    review_label = _("Next review (次回見直し)")
    lines = [f"{situation_label}: {situation or '—'}",
             f"{risk_label}: {_risk(risk)} / {urgency_label}: {_risk(urgency)}",
             f"{plan_label}: {plan or '—'}",
             f"{roles_label}:"]
    lines += [f"- {task.institution}: {task.what} ({due})"
              for task, due in ((t, _("due %(day)s", day=t.due_date.isoformat())) for t in tasks)] or ["- —"]
    lines += [f"{lead_label}: {lead or '—'}",
              f"{key_person_label}: {role}{' · ' + key_person if key_person else ''}",
              f"{review_label}: {next_review.isoformat() if next_review else '—'}"]
    return "\n".join(lines)
