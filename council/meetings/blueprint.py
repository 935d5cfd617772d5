"""Routes of meetings: scheduling, agendas, participants and the briefs read in the material window; the case
page's panel and the inbox's provider."""

from flask import Blueprint

from council.access.permissions import Permission
from council.cases.keys import KeyHolder, key_holder
from council.cases.panels import case_panel
from council.core.permissions import route
from council.core.web import template_globals
from council.inbox.registry import inbox_provider
from council.meetings import brief_views, inbox, panel, sealing, views

bp = Blueprint("meetings", __name__, template_folder="templates")


@bp.record_once
def _labels(state) -> None:
    from council.cases.models import Risk
    from council.meetings.models import MeetingKind, MeetingState

    template_globals(state, meeting_kind_label=lambda value: MeetingKind(value).label,
                     meeting_state_label=lambda value: MeetingState(value).label,
                     meeting_risk_label=lambda value: Risk(value).label if value else "")


BOTH = ("GET", "POST")
POST = ("POST",)
BRIEF = "/meetings/<int:meeting_id>/cases/<int:case_id>/brief"

route(bp, "/meetings", views.meeting_list, permission=Permission.MEETINGS_VIEW, endpoint="list")
route(bp, "/meetings/new", views.new, permission=Permission.MEETINGS_MANAGE, endpoint="new", methods=BOTH)
route(bp, "/meetings/<int:meeting_id>", views.meeting_view, permission=Permission.MEETINGS_VIEW, endpoint="view")
route(bp, "/meetings/<int:meeting_id>/edit", views.edit, permission=Permission.MEETINGS_MANAGE, endpoint="edit",
      methods=BOTH)
route(bp, "/meetings/<int:meeting_id>/cancel", views.cancel, permission=Permission.MEETINGS_MANAGE,
      endpoint="cancel", methods=POST)
route(bp, BRIEF, brief_views.brief, permission=Permission.MEETINGS_VIEW, endpoint="brief")
route(bp, f"{BRIEF}/reveal", brief_views.reveal, permission=Permission.MEETINGS_VIEW, endpoint="brief_reveal",
      methods=POST)
route(bp, f"{BRIEF}/print", brief_views.print_brief, permission=Permission.MEETINGS_VIEW, endpoint="brief_print")
route(bp, f"{BRIEF}/edit", brief_views.edit, permission=Permission.CASES_WORK, endpoint="brief_edit", methods=BOTH)

case_panel(bp, name="meetings", order=45, build=panel.build, any_rows=panel.any_rows)
inbox_provider(bp, name="meetings.briefs_to_prepare", order=30, permission=Permission.CASES_WORK,
               provide=inbox.briefs_to_prepare)
# The meetings' own data keys (their sealed 議事概要): rotated, counted and backed up with the cases'.
key_holder(bp, KeyHolder(name="meeting", usage=sealing.usage, rewrap=sealing.rewrap))
