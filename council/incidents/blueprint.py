"""Routes of the incident register (漏えい等報告). Every route needs INCIDENTS_MANAGE (auditors and the coordinator);
none has a case in its URL (nor goes through the case gate: nothing here reads a case) — the affected cases are ids
in a form, checked against the council by the service. The inbox
gets the deadlines due within two days or past; key rotation reaches the incidents' own data keys."""

from flask import Blueprint

from council.access.permissions import Permission
from council.cases.keys import KeyHolder, key_holder
from council.core.permissions import route
from council.core.web import template_globals
from council.inbox.registry import inbox_provider
from council.incidents import inbox, sealing, views

bp = Blueprint("incidents", __name__, template_folder="templates", url_prefix="/incidents")


@bp.record_once
def _labels(state) -> None:
    from council.audit.describe import outcome_label, tag_label
    from council.incidents.models import DataItem, Encryption, IncidentState, Situation

    # The log search shows events in the auditor's workspace's words, not their codes.
    template_globals(state, tag_label=tag_label, outcome_label=outcome_label,
                     incident_state_label=lambda value: IncidentState(value).label,
                     incident_encryption_label=lambda value: Encryption(value).label,
                     incident_situation_label=lambda value: Situation(value).label,
                     incident_data_item_label=lambda value: DataItem(value).label)


POST, BOTH = ("POST",), ("GET", "POST")
MANAGE = Permission.INCIDENTS_MANAGE

route(bp, "/", views.register, permission=MANAGE, endpoint="register")
route(bp, "/new", views.new, permission=MANAGE, endpoint="new", methods=BOTH)
route(bp, "/<int:incident_id>", views.view, permission=MANAGE, endpoint="view")
route(bp, "/<int:incident_id>/edit", views.edit, permission=MANAGE, endpoint="edit", methods=BOTH)
route(bp, "/<int:incident_id>/cases", views.add_cases, permission=MANAGE, endpoint="add_cases", methods=POST)
route(bp, "/<int:incident_id>/cases/remove", views.remove_case, permission=MANAGE, endpoint="remove_case",
      methods=POST)
route(bp, "/<int:incident_id>/report", views.report, permission=MANAGE, endpoint="report")

inbox_provider(bp, name="incidents.deadlines", order=40, permission=MANAGE, provide=inbox.deadlines_due)
key_holder(bp, KeyHolder(name="incident", usage=sealing.usage, rewrap=sealing.rewrap))
