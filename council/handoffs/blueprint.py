"""Routes of the handoffs (つなぎ・移管 and their requests), the case page's panel and the inbox's providers."""

from flask import Blueprint

from council.access.permissions import Permission
from council.cases import blueprint as cases_blueprint
from council.cases.panels import case_panel
from council.core.permissions import route
from council.core.web import template_globals
from council.handoffs import inbox, panel, views
from council.inbox.registry import inbox_provider

bp = Blueprint("handoffs", __name__, template_folder="templates")
# A refused answer shows the case page again from here: it needs the case pages' labels too.
bp.context_processor(cases_blueprint.template_labels)


@bp.record_once
def _labels(state) -> None:
    from council.access.models import LegalBasis
    from council.handoffs.models import HandoffKind, HandoffState

    template_globals(state, handoff_kind_label=lambda value: HandoffKind(value).label,
                     handoff_state_label=lambda value: HandoffState(value).label,
                     legal_basis_label=lambda value: LegalBasis(value).label if value else "")


BOTH = ("GET", "POST")
POST = ("POST",)
CASE = "/cases/<int:case_id>/handoffs"

route(bp, f"{CASE}/new", views.send, permission=Permission.CASES_WORK, endpoint="send", methods=BOTH)
route(bp, f"{CASE}/ask-transfer", views.ask_transfer, permission=Permission.CASES_WORK, endpoint="ask_transfer",
      methods=BOTH)
route(bp, f"{CASE}/<int:handoff_id>/approve", views.approve, permission=Permission.CASES_WORK, endpoint="approve",
      methods=POST)
route(bp, f"{CASE}/<int:handoff_id>/accept", views.accept, permission=Permission.CASES_WORK, endpoint="accept",
      methods=POST)
route(bp, f"{CASE}/<int:handoff_id>/decline", views.decline, permission=Permission.CASES_WORK, endpoint="decline",
      methods=POST)
route(bp, f"{CASE}/<int:handoff_id>/cancel", views.cancel, permission=Permission.CASES_WORK, endpoint="cancel",
      methods=POST)
route(bp, f"{CASE}/<int:handoff_id>/end", views.end, permission=Permission.CASES_WORK, endpoint="end", methods=POST)
# No case id in the URL: the asker cannot see the case; the duplicate check's hit token names it.
route(bp, "/handoffs/ask-referral", views.ask_referral, permission=Permission.CASES_WORK, endpoint="ask_referral",
      methods=BOTH)

case_panel(bp, name="handoffs", order=40, build=panel.build, any_rows=panel.any_rows)
inbox_provider(bp, name="handoffs.to_decide", order=20, permission=Permission.CASES_WORK, provide=inbox.to_decide)
inbox_provider(bp, name="handoffs.to_approve", order=21, permission=Permission.CASES_WORK, provide=inbox.to_approve)
inbox_provider(bp, name="handoffs.lapsing", order=22, permission=Permission.CASES_WORK, provide=inbox.lapsing)
inbox_provider(bp, name="handoffs.consent_withdrawn", order=23, permission=Permission.CASES_WORK,
               provide=inbox.consent_withdrawn)
