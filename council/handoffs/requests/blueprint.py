"""Routes of information requests (情報提供依頼). Each declares its permission; case routes go through the case
gate in the view, and the case page shows the requests panel; the inbox gets what needs answering."""

from flask import Blueprint

from council.access.permissions import Permission
from council.cases import blueprint as cases_blueprint
from council.cases.panels import case_panel
from council.core.permissions import route
from council.core.web import template_globals
from council.handoffs.requests import queries, views
from council.inbox.registry import inbox_provider

bp = Blueprint("requests", __name__, template_folder="templates", url_prefix="/requests")
# A refused panel form is shown again on the case page, rendered from here: with the case pages' own labels.
bp.context_processor(cases_blueprint.template_labels)


@bp.record_once
def _labels(state) -> None:
    from council.access.models import LegalBasis
    from council.handoffs.requests.models import RequestKind

    template_globals(state, request_kind_label=lambda value: RequestKind(value).label,
                     legal_basis_label=lambda value: LegalBasis(value).label if value else "")


POST, BOTH = ("POST",), ("GET", "POST")
_CASE_REQUEST = "/<int:case_id>/<int:information_request_id>"

route(bp, "/", views.request_list, permission=Permission.CASES_WORK, endpoint="list")
route(bp, "/ask", views.ask_holder, permission=Permission.CASES_WORK, endpoint="ask_holder", methods=BOTH)
route(bp, "/<int:case_id>/new", views.request_new, permission=Permission.CASES_WORK, endpoint="new", methods=BOTH)
route(bp, f"{_CASE_REQUEST}/answer", views.request_answer, permission=Permission.CASES_WORK, endpoint="answer",
      methods=POST)
route(bp, f"{_CASE_REQUEST}/decline", views.request_decline, permission=Permission.CASES_WORK, endpoint="decline",
      methods=POST)
route(bp, "/<int:request_id>/cancel", views.request_cancel, permission=Permission.CASES_WORK, endpoint="cancel",
      methods=POST)

case_panel(bp, name=views.PANEL, order=30, build=views.requests_panel, any_rows=queries.any_rows)
inbox_provider(bp, name="requests.to_answer", order=20, permission=Permission.CASES_WORK, provide=queries.to_answer)
inbox_provider(bp, name="requests.overdue", order=21, permission=Permission.CASES_WORK, provide=queries.overdue)
inbox_provider(bp, name="requests.answered", order=22, permission=Permission.CASES_WORK, provide=queries.answered)
