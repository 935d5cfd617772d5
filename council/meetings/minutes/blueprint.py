"""Routes of a meeting's record: attendance, the decisions on each agenda item, and the minutes with their signed
audit checkpoint."""

from flask import Blueprint

from council.access.permissions import Permission
from council.audit.verification import register_checkpoint_holder
from council.core.permissions import route
from council.core.web import template_globals
from council.meetings.minutes import views
from council.meetings.minutes.checkpoints import approved_minutes_checkpoints

bp = Blueprint("minutes", __name__, template_folder="templates")
# The auditor's workspace lists the checkpoints approved minutes carry (and verifies with them).
register_checkpoint_holder(approved_minutes_checkpoints)


@bp.record_once
def _labels(state) -> None:
    from council.cases.models import KeyPersonRole, Risk

    template_globals(state, meeting_state_label=views.state_label,
                     risk_level_label=lambda value: Risk(value).label if value else "—",
                     key_person_role_label=lambda value: KeyPersonRole(value).label if value else "—")


BOTH = ("GET", "POST")
POST = ("POST",)
MEETING = "/meetings/<int:meeting_id>"

route(bp, f"{MEETING}/record", views.record, permission=Permission.MEETINGS_MANAGE, endpoint="record", methods=BOTH)
# The decisions on one agenda case: the case is in the URL, so the case gate loads it and its agenda item.
route(bp, "/cases/<int:case_id>/meeting-items/<int:item_id>/record", views.record_item,
      permission=Permission.MEETINGS_VIEW, endpoint="record_item", methods=BOTH)
route(bp, f"{MEETING}/minutes", views.view, permission=Permission.MEETINGS_VIEW, endpoint="view")
route(bp, f"{MEETING}/minutes/edit", views.edit, permission=Permission.MEETINGS_MANAGE, endpoint="edit", methods=POST)
route(bp, f"{MEETING}/minutes/approve", views.approve, permission=Permission.MEETINGS_MANAGE, endpoint="approve",
      methods=POST)
route(bp, f"{MEETING}/minutes/print", views.print_minutes, permission=Permission.MEETINGS_VIEW, endpoint="print")
