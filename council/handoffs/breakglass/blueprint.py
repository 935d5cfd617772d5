"""Routes of break-glass (緊急アクセス), its case-page panel and its inbox notices."""

from flask import Blueprint

from council.access.permissions import Permission
from council.cases.panels import case_panel
from council.core.permissions import route
from council.handoffs.breakglass import notices, views
from council.inbox.registry import inbox_provider

bp = Blueprint("breakglass", __name__, template_folder="templates", url_prefix="/break-glass")


@bp.context_processor
def _labels():
    from council.handoffs.breakglass.models import ReviewOutcome, Risk

    return {"risk_code_label": lambda value: Risk(value).label,
            "outcome_label": lambda value: ReviewOutcome(value).label if value else ""}


BOTH = ("GET", "POST")

route(bp, "/", views.open_case, permission=Permission.CASES_BREAK_GLASS, endpoint="open", methods=BOTH)
route(bp, "/cases/<int:case_id>/<int:break_glass_id>/end", views.end, permission=Permission.CASES_WORK,
      endpoint="end", methods=("POST",))
route(bp, "/cases/<int:case_id>/<int:break_glass_id>/acknowledge", views.acknowledge,
      permission=Permission.CASES_WORK, endpoint="acknowledge", methods=("POST",))
route(bp, "/review", views.review_list, permission=Permission.AUDIT_LOG_VIEW, endpoint="review_list")
route(bp, "/review/<int:break_glass_id>", views.review, permission=Permission.AUDIT_LOG_VIEW, endpoint="review",
      methods=BOTH)

case_panel(bp, name="break_glass", order=5, build=notices.panel, any_rows=notices.any_rows)
inbox_provider(bp, name="breakglass.notice", order=5, permission=Permission.CASES_WORK,
               provide=notices.supervisor_notices)
inbox_provider(bp, name="breakglass.review", order=5, permission=Permission.AUDIT_LOG_VIEW,
               provide=notices.auditor_notices)
