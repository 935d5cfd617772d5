"""The incident register (漏えい等報告): registering an incident, changing it, finding it.

Every change is one transaction with its audit event (``incident:*``), whose reason names codes and field names
only, never the text. Edits carry the version the form showed (council.core.editing): of two people editing one
incident, the second is refused with what is stored now. Only auditors and the coordinator of the incident's
council reach it (``INCIDENTS_MANAGE``, checked by the route; the council, by ``get``): another council's incident
is not found.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import func, select
from werkzeug.exceptions import NotFound

from council.audit.events import AuditTag, record
from council.auth.models import User
from council.cases.models import Person
from council.core.clock import japan_date, japan_today, utcnow
from council.core.editing import StaleEdit, lock_for_edit
from council.core.i18n import gettext as _
from council.database import db
from council.incidents import sealing
from council.incidents.deadlines import Deadline, deadlines
from council.incidents.models import DataItem, Encryption, Incident, IncidentCase, IncidentState, Situation

#: Longest free text of one field.
LONGEST_TEXT = 10000


class IncidentError(Exception):
    """A change that cannot be made as asked; nothing was written. The message is for the user."""


class StaleIncident(StaleEdit, IncidentError):
    """Someone saved the incident after the form was opened."""


@dataclass
class IncidentInput:
    """What the form gives: times already converted from Japan time to UTC, codes, and the free text."""

    discovered_at: dt.datetime
    occurred_at: dt.datetime | None = None
    state: str = IncidentState.HANDLING.value
    situations: list[str] = field(default_factory=list)
    data_items: list[str] = field(default_factory=list)
    encryption: str = Encryption.UNKNOWN.value
    other_persons: int = 0
    secondary_harm_risk: bool = False
    preliminary_reported_on: dt.date | None = None
    final_reported_on: dt.date | None = None
    #: Sealed column → text (sealing.SEALED).
    texts: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class IncidentView:
    """A row of the register: the incident, its deadlines and how many cases it concerns."""

    incident: Incident
    preliminary: Deadline
    final: Deadline
    case_count: int


# -- reading ----------------------------------------------------------------------------------------------------


def get(actor: User, incident_id: int) -> Incident:
    """The incident ``incident_id`` of the actor's council. Raises NotFound for another council's or none."""
    incident = db.session.get(Incident, incident_id)
    if incident is None or incident.council_id != actor.council_id:
        raise NotFound()
    return incident


def register(actor: User) -> list[IncidentView]:
    """The council's incidents, open ones first (most urgent deadline first), then closed, newest first."""
    incidents = list(db.session.scalars(select(Incident).where(Incident.council_id == actor.council_id)))
    counts = dict(db.session.execute(select(IncidentCase.incident_id, func.count()).where(
        IncidentCase.incident_id.in_([i.id for i in incidents])).group_by(IncidentCase.incident_id)).all())
    views = [IncidentView(incident, *deadlines(incident), counts.get(incident.id, 0)) for incident in incidents]
    return sorted(views, key=_urgency)


def _urgency(view: IncidentView) -> tuple:
    if view.incident.state == IncidentState.CLOSED:
        return 1, -view.incident.discovered_at.timestamp(), 0
    open_due = [d.due_on for d in (view.preliminary, view.final) if d.done_on is None]
    return 0, min(open_due, default=view.final.due_on).toordinal(), view.incident.id


def view_incident(*, actor: User, incident: Incident, printed: bool = False) -> dict[str, str]:
    """Open ``incident``'s text for the page (or its printable report), recording that ``actor`` read it."""
    texts = sealing.texts(incident)
    record(tag=AuditTag.INCIDENT_PRINTED if printed else AuditTag.INCIDENT_VIEWED, actor=actor, target=incident)
    db.session.commit()
    return texts


def affected_cases(incident: Incident) -> list[IncidentCase]:
    """The cases picked as concerned, by number."""
    return list(db.session.scalars(select(IncidentCase).where(IncidentCase.incident_id == incident.id)
                                   .order_by(IncidentCase.case_number)))


def persons_concerned(incident: Incident) -> int:
    """本人の数: the persons of the picked cases (subjects and household members, removed ones not counted) plus
    those the incident names beyond them. A count of rows; nothing about them is opened."""
    case_ids = select(IncidentCase.case_id).where(IncidentCase.incident_id == incident.id)
    in_cases = db.session.scalar(select(func.count()).select_from(Person).where(
        Person.case_id.in_(case_ids), Person.deleted_at.is_(None))) or 0
    return in_cases + incident.other_persons


# -- registering and changing --------------------------------------------------------------------------------------


def create(*, actor: User, data: IncidentInput) -> Incident:
    """Register an incident of the actor's council with its own data key; its text sealed. Commits.

    Raises IncidentError for a time in the future, a state its report dates do not support, or too long a text;
    KeyUnavailable when the KEK cannot be read (nothing is written then)."""
    _check(data)
    incident = Incident(council_id=actor.council_id, created_by=actor.id, created_at=utcnow(), updated_at=utcnow())
    _assign(incident, data)
    db.session.add(incident)
    db.session.flush()
    sealing.new_key(incident)
    _seal(incident, data)
    record(tag=AuditTag.INCIDENT_CREATED, actor=actor, target=incident, reason=_describe(incident))
    db.session.commit()
    return incident


def update(*, actor: User, incident: Incident, data: IncidentInput, version) -> Incident:
    """Change ``incident`` to ``data`` if nobody saved it since the form's ``version``. Commits; the audit event
    names the fields that changed.

    Raises StaleIncident (with what is stored now) or IncidentError as ``create``."""
    _check(data)
    lock_for_edit(incident, version, stale=StaleIncident)
    before = _snapshot(incident)
    _assign(incident, data)
    _seal(incident, data)
    incident.updated_at = utcnow()
    changed = [name for name, value in _snapshot(incident).items() if before[name] != value]
    record(tag=AuditTag.INCIDENT_CHANGED, actor=actor, target=incident,
           reason=f"{_describe(incident)}; changed {','.join(changed) or 'nothing'}")
    db.session.commit()
    return incident


def _check(data: IncidentInput) -> None:
    now = utcnow()
    if data.discovered_at > now:
        raise IncidentError(_("The time it was discovered lies in the future."))
    if data.occurred_at is not None and data.occurred_at > now:
        raise IncidentError(_("The time it happened lies in the future."))
    known_on = japan_date(data.discovered_at)
    for day in (data.preliminary_reported_on, data.final_reported_on):
        if day is not None and not known_on <= day <= japan_today():
            raise IncidentError(_("A report date lies before the discovery or in the future."))
    state = IncidentState(data.state)
    if state == IncidentState.PRELIMINARY_REPORTED and data.preliminary_reported_on is None:
        raise IncidentError(_("Give the date the preliminary report (速報) was made."))
    if state == IncidentState.FINAL_REPORTED and data.final_reported_on is None:
        raise IncidentError(_("Give the date the final report (確報) was made."))
    if any(len(text or "") > LONGEST_TEXT for text in data.texts.values()):
        raise IncidentError(_("A text is longer than %(n)d characters.", n=LONGEST_TEXT))
    if data.other_persons < 0:
        raise IncidentError(_("The number of other persons cannot be negative."))


def _assign(incident: Incident, data: IncidentInput) -> None:
    incident.discovered_at, incident.occurred_at = data.discovered_at, data.occurred_at
    incident.state = IncidentState(data.state).value
    incident.situations = ",".join(Situation(code).value for code in data.situations)
    incident.data_items = ",".join(DataItem(code).value for code in data.data_items)
    incident.encryption = Encryption(data.encryption).value
    incident.other_persons, incident.secondary_harm_risk = data.other_persons, data.secondary_harm_risk
    incident.preliminary_reported_on, incident.final_reported_on = (data.preliminary_reported_on,
                                                                    data.final_reported_on)


def _seal(incident: Incident, data: IncidentInput) -> None:
    for column in sealing.SEALED:
        sealing.seal(incident, column, data.texts.get(column, ""))


def _snapshot(incident: Incident) -> dict[str, object]:
    """The incident's fields as compared for the audit event's "changed" list (the text compared opened)."""
    fields = {name: getattr(incident, name) for name in (
        "discovered_at", "occurred_at", "state", "situations", "data_items", "encryption", "other_persons",
        "secondary_harm_risk", "preliminary_reported_on", "final_reported_on")}
    return fields | sealing.texts(incident)


def _describe(incident: Incident) -> str:
    """Codes only: the state, the situations, the encryption."""
    return (f"state {incident.state}, situations {incident.situations or 'none'}, "
            f"encryption {incident.encryption}")


# -- the affected cases ----------------------------------------------------------------------------------------------


def add_cases(*, actor: User, incident: Incident, case_ids: list[int], version) -> int:
    """Add the council's cases ``case_ids`` to those ``incident`` concerns (ones already there are skipped).
    Commits; returns how many were added. Raises StaleIncident, or IncidentError when none is a case of the
    council."""
    from council.incidents.picker import council_case_numbers

    numbers = council_case_numbers(actor.council_id, case_ids)
    if not numbers:
        raise IncidentError(_("Choose at least one case found in the log."))
    lock_for_edit(incident, version, stale=StaleIncident)
    held = set(db.session.scalars(select(IncidentCase.case_id).where(IncidentCase.incident_id == incident.id)))
    new = [case_id for case_id in sorted(numbers) if case_id not in held]
    db.session.add_all(IncidentCase(incident_id=incident.id, case_id=case_id, case_number=numbers[case_id],
                                    added_by=actor.id, added_at=utcnow()) for case_id in new)
    incident.updated_at = utcnow()
    record(tag=AuditTag.INCIDENT_CASES_ADDED, actor=actor, target=incident, cases=new, reason=f"{len(new)} cases")
    db.session.commit()
    return len(new)


def remove_case(*, actor: User, incident: Incident, case_id: int | None, version) -> None:
    """Take case ``case_id`` off ``incident``'s affected cases (picked by mistake). Commits.
    Raises StaleIncident, or IncidentError when the incident does not list it."""
    row = db.session.get(IncidentCase, (incident.id, case_id)) if case_id is not None else None
    if row is None:
        raise IncidentError(_("This case is not among the incident's affected cases."))
    lock_for_edit(incident, version, stale=StaleIncident)
    db.session.delete(row)
    incident.updated_at = utcnow()
    record(tag=AuditTag.INCIDENT_CASE_REMOVED, actor=actor, target=incident, cases=[case_id],
           reason=f"case {row.case_number}")
    db.session.commit()
