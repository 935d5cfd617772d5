"""An agenda item's part of the minutes, written from what was decided on it (the coordinator may edit it until
the minutes are approved)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_babel import gettext as _

from council.cases.models import KeyPersonRole, Risk


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
    lines = [f"{_('Situation (状況把握)')}: {situation or '—'}",
             f"{_('Risk (危険度)')}: {_risk(risk)} / {_('Urgency (緊急度)')}: {_risk(urgency)}",
             f"{_('Support plan (支援方針)')}: {plan or '—'}",
             f"{_('Roles (役割分担)')}:"]
    lines += [f"- {task.institution}: {task.what} ({_('due %(day)s', day=task.due_date.isoformat())})"
              for task in tasks] or ["- —"]
    lines += [f"{_('Lead institution (主担当機関)')}: {lead or '—'}",
              f"{_('Key person (キーパーソン)')}: {role}{' · ' + key_person if key_person else ''}",
              f"{_('Next review (次回見直し)')}: {next_review.isoformat() if next_review else '—'}"]
    return "\n".join(lines)
