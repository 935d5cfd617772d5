"""Routes of the case pages. Each declares its permission; object access is checked in the view."""

from flask import Blueprint

from council.access.permissions import Permission
from council.cases import document_views, person_views, views
from council.core.permissions import requires

bp = Blueprint("cases", __name__, template_folder="templates", url_prefix="/cases")


@bp.context_processor
def _labels():
    from flask import request, url_for

    from council.access.policy import basis_label
    from council.access.scopes import Scope
    from council.cases.dates import format_both, with_age
    from council.cases.models import (
        CaseStatus,
        ConsentGiver,
        ConsentPurpose,
        ConsentState,
        RecordKind,
        ReferralSource,
        Risk,
    )
    from council.core import clock

    def page_url(page: int) -> str:
        return url_for(request.endpoint, **{**request.args.to_dict(), "page": page})

    return {"status_label": lambda value: CaseStatus(value).label, "risk_label": lambda value: Risk(value).label,
            "kind_label": lambda value: RecordKind(value).label, "both_calendars": format_both,
            "consent_label": lambda value: ConsentState(value).label,
            "basis_label": basis_label, "born": with_age,
            "referral_label": lambda value: ReferralSource(value).label if value else "",
            "giver_label": lambda value: ConsentGiver(value).label if value else "",
            "purpose_label": lambda value: ConsentPurpose(value).label if value else "",
            "scope_label": lambda value: Scope(value).label,
            "today": clock.japan_today(), "page_url": page_url, "now": clock.utcnow()}


def _route(rule: str, endpoint: str, view, permission=Permission.CASES_WORK, methods=("GET",)) -> None:
    bp.add_url_rule(rule, endpoint, requires(permission)(view), methods=list(methods))


_route("/", "list", views.case_list)
_route("/ledger", "ledger", views.ledger, Permission.LEDGER_VIEW)
_route("/new", "new", views.case_new, methods=("GET", "POST"))
_route("/search", "search", views.case_search, methods=("GET", "POST"))
_route("/import", "import", views.ledger_import, Permission.CASES_IMPORT, methods=("GET", "POST"))
_route("/<int:case_id>", "view", views.case_view)
_route("/<int:case_id>/records", "record_add", views.record_add, methods=("POST",))
_route("/<int:case_id>/records/<int:record_id>/edit", "record_edit", views.record_edit, methods=("GET", "POST"))
_route("/<int:case_id>/records/<int:record_id>/history", "record_history", views.record_history)
_route("/<int:case_id>/records/<int:record_id>/delete", "record_delete", views.record_delete, methods=("POST",))
_route("/<int:case_id>/status", "status", views.status_change, methods=("POST",))
_route("/<int:case_id>/consents", "consent_add", document_views.consent_add, methods=("GET", "POST"))
_route("/<int:case_id>/consents/<int:consent_id>/withdraw", "consent_withdraw", document_views.consent_withdraw,
       methods=("POST",))
_route("/<int:case_id>/plan", "plan", document_views.plan_edit, methods=("GET", "POST"))
_route("/<int:case_id>/plan/history", "plan_history", document_views.plan_history)
_route("/<int:case_id>/attachments", "attachment_add", document_views.attachment_add, methods=("POST",))
_route("/<int:case_id>/attachments/<int:attachment_id>", "attachment", document_views.attachment_download)
_route("/<int:case_id>/attachments/<int:attachment_id>/remove", "attachment_remove", document_views.attachment_remove,
       methods=("GET", "POST"))
_route("/<int:case_id>/edit", "details", person_views.details_edit, methods=("GET", "POST"))
_route("/<int:case_id>/persons/new", "person_new", person_views.person_new, methods=("GET", "POST"))
_route("/<int:case_id>/persons/<int:person_id>/edit", "person_edit", person_views.person_edit,
       methods=("GET", "POST"))
_route("/<int:case_id>/persons/<int:person_id>/remove", "person_remove", person_views.person_remove,
       methods=("GET", "POST"))
_route("/<int:case_id>/print", "print", views.case_print)
