"""The incident register's inbox items: a 速報 or 確報 due within two days (deadlines.WARN_DAYS) or past, for the
auditors and the coordinator of the incident's council. Numbers and dates only; no incident text, no case."""

from __future__ import annotations

from flask import url_for
from sqlalchemy import select

from council.core.i18n import gettext as _
from council.database import db
from council.inbox.registry import Audience, InboxItem
from council.incidents.deadlines import Urgency, deadlines
from council.incidents.models import Incident, IncidentState


def deadlines_due(user) -> list[InboxItem]:
    """One item per open deadline that needs attention, overdue first."""
    incidents = db.session.scalars(select(Incident).where(Incident.council_id == user.council_id,
                                                          Incident.state != IncidentState.CLOSED)
                                   .order_by(Incident.id))
    found = [(incident, deadline) for incident in incidents for deadline in deadlines(incident)
             if deadline.needs_attention]
    found.sort(key=lambda pair: (pair[1].urgency != Urgency.OVERDUE, pair[1].due_on, pair[0].id))
    return [_item(incident, deadline) for incident, deadline in found]


def _item(incident: Incident, deadline) -> InboxItem:
    report = _("preliminary report (速報)") if deadline.which == "preliminary" else _("final report (確報)")
    if deadline.urgency == Urgency.OVERDUE:
        text = _("Incident No. %(id)d: the %(report)s was due %(due)s and is overdue",
                 id=incident.id, report=report, due=deadline.due_on.isoformat())
    else:
        text = _("Incident No. %(id)d: the %(report)s is due %(due)s", id=incident.id, report=report,
                 due=deadline.due_on.isoformat())
    return InboxItem(kind=f"incidents.{deadline.which}", text=text, audience=Audience.INSTITUTION,
                     url=url_for("incidents.view", incident_id=incident.id),
                     key=f"incidents.{deadline.which}:{incident.id}:{deadline.urgency}")
