"""Routes of the case pages. Each declares its permission; object access is checked in the view."""

from flask import Blueprint

from council.access.permissions import Permission
from council.cases import attention, document_views, documents, household_views, links, person_views, views
from council.cases.panels import case_panel
from council.core.permissions import route
from council.inbox.registry import inbox_provider

bp = Blueprint("cases", __name__, template_folder="templates", url_prefix="/cases")


@bp.context_processor
def template_labels():
    from flask import current_app, request, url_for

    from council.access.policy import basis_label
    from council.access.scopes import Scope
    from council.cases.dates import format_both, with_age
    from council.cases.models import (
        CaseStatus,
        ConsentGiver,
        ConsentPurpose,
        ConsentState,
        LinkReason,
        RecordKind,
        ReferralSource,
        RestrictionReason,
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
            "restriction_label": lambda value: RestrictionReason(value).label if value else "",
            "link_reason_label": lambda value: LinkReason(value).label,
            # Links to pages of features that may not be installed (handoffs' endpoints, from the intake page).
            "has_endpoint": lambda name: name in current_app.view_functions,
            "today": clock.japan_today(), "page_url": page_url, "now": clock.utcnow()}


BOTH = ("GET", "POST")

route(bp, "/", views.case_list, permission=Permission.CASES_WORK, endpoint="list")
route(bp, "/new", views.case_new, permission=Permission.CASES_WORK, endpoint="new", methods=BOTH)
route(bp, "/search", views.case_search, permission=Permission.CASES_WORK, endpoint="search", methods=BOTH)
route(bp, "/import", views.ledger_import, permission=Permission.CASES_IMPORT, endpoint="import", methods=BOTH)
route(bp, "/<int:case_id>", views.case_view, permission=Permission.CASES_WORK, endpoint="view")
route(bp, "/<int:case_id>/records", views.record_add,
      permission=Permission.CASES_WORK, endpoint="record_add", methods=("POST",))
route(bp, "/<int:case_id>/records/<int:record_id>/edit", views.record_edit,
      permission=Permission.CASES_WORK, endpoint="record_edit", methods=BOTH)
route(bp, "/<int:case_id>/records/<int:record_id>/history", views.record_history,
      permission=Permission.CASES_WORK, endpoint="record_history")
route(bp, "/<int:case_id>/records/<int:record_id>/delete", views.record_delete,
      permission=Permission.CASES_WORK, endpoint="record_delete", methods=("POST",))
route(bp, "/<int:case_id>/status", views.status_change,
      permission=Permission.CASES_WORK, endpoint="status", methods=("POST",))
route(bp, "/<int:case_id>/consents", document_views.consent_add,
      permission=Permission.CASES_WORK, endpoint="consent_add", methods=BOTH)
route(bp, "/<int:case_id>/consents/<int:consent_id>/withdraw", document_views.consent_withdraw,
      permission=Permission.CASES_WORK, endpoint="consent_withdraw", methods=("POST",))
route(bp, "/<int:case_id>/plan", document_views.plan_edit,
      permission=Permission.CASES_WORK, endpoint="plan", methods=BOTH)
route(bp, "/<int:case_id>/plan/history", document_views.plan_history,
      permission=Permission.CASES_WORK, endpoint="plan_history")
route(bp, "/<int:case_id>/attachments", document_views.attachment_add,
      permission=Permission.CASES_WORK, endpoint="attachment_add", methods=("POST",))
route(bp, "/<int:case_id>/attachments/<int:attachment_id>", document_views.attachment_download,
      permission=Permission.CASES_WORK, endpoint="attachment")
route(bp, "/<int:case_id>/attachments/<int:attachment_id>/remove", document_views.attachment_remove,
      permission=Permission.CASES_WORK, endpoint="attachment_remove", methods=BOTH)
route(bp, "/<int:case_id>/edit", person_views.details_edit,
      permission=Permission.CASES_WORK, endpoint="details", methods=BOTH)
route(bp, "/<int:case_id>/persons/new", person_views.person_new,
      permission=Permission.CASES_WORK, endpoint="person_new", methods=BOTH)
route(bp, "/<int:case_id>/persons/<int:person_id>/edit", person_views.person_edit,
      permission=Permission.CASES_WORK, endpoint="person_edit", methods=BOTH)
route(bp, "/<int:case_id>/persons/<int:person_id>/remove", person_views.person_remove,
      permission=Permission.CASES_WORK, endpoint="person_remove", methods=BOTH)
route(bp, "/<int:case_id>/print", views.case_print, permission=Permission.CASES_WORK, endpoint="print")
route(bp, "/<int:case_id>/restriction", household_views.restriction_edit,
      permission=Permission.CASES_WORK, endpoint="restriction", methods=BOTH)
route(bp, "/<int:case_id>/restriction/lift", household_views.restriction_lift,
      permission=Permission.CASES_WORK, endpoint="restriction_lift", methods=("POST",))
route(bp, "/<int:case_id>/links", household_views.link_add,
      permission=Permission.CASES_WORK, endpoint="link_add", methods=("POST",))
route(bp, "/<int:case_id>/links/end", household_views.link_end,
      permission=Permission.CASES_WORK, endpoint="link_end", methods=("POST",))

# What the case page and the home page show of this feature beyond its own pages.
case_panel(bp, name="attachments", order=50, build=document_views.attachments_panel,
           any_rows=documents.any_attachment)
case_panel(bp, name="links", order=60, build=household_views.links_panel, any_rows=links.any_link)
inbox_provider(bp, name="cases.attention", order=10, permission=Permission.CASES_WORK,
               provide=attention.attention_items)
