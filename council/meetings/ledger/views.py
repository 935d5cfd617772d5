"""Ledger pages: the table, its exports and print, and the coordinator's register / unregister buttons."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.exceptions import NotFound

from council.access.policy import Action
from council.audit.events import record_denial
from council.audit.tags import AuditTag
from council.cases import council_cases
from council.cases.errors import CaseError
from council.cases.models import Case
from council.core.clock import japan_today, utcnow
from council.core.i18n import gettext as _
from council.core.web import query_int
from council.database import db
from council.meetings.ledger import columns, export, services
from council.meetings.ledger.forms import CouncilCaseForm, LedgerFilterForm
from council.meetings.ledger.query import LedgerFilter

#: The arguments of the ledger's URL that say what is on screen; exports and the print link carry them over.
FILTER_ARGS = ("status", "risk", "category", "lead", "registered", "consent", "overdue", "tasks", "sort",
               "direction", "page")


def _filter_form() -> tuple[LedgerFilterForm, LedgerFilter]:
    form = LedgerFilterForm(request.args)
    form.lead.choices = [("", _("All"))] + [(str(i.id), i.name) for i in services.lead_institutions(current_user)]
    page = request.args.get("page", 1, type=query_int)
    return form, (form.ledger_filter(page) if form.validate() else LedgerFilter(page=page))


def _shown_args() -> dict[str, str]:
    return {key: value for key, value in request.args.items() if key in FILTER_ARGS and value}


def page():
    form, ledger_filter = _filter_form()
    ledger = services.read_ledger(actor=current_user, ledger_filter=ledger_filter)
    return render_template("ledger/page.html", form=form, ledger=ledger, ledger_filter=ledger_filter,
                           columns=columns, shown_args=_shown_args(), export_limit=services.EXPORT_ALL_LIMIT,
                           unregister_reasons=list(council_cases.UnregisterReason))


def export_file(kind: str):
    """The table on screen (same columns, filter, sort and page; or every filtered row) as CSV or .xlsx."""
    if kind not in ("csv", "xlsx"):
        abort(404)
    _form, ledger_filter = _filter_form()
    every_row = request.args.get("rows") == "all"
    try:
        rows = services.rows_to_hand_out(actor=current_user, ledger_filter=ledger_filter,
                                         tag=AuditTag.LEDGER_EXPORTED, how=kind, every_row=every_row)
    except services.TooManyToExport as error:
        flash(str(error), "error")
        return redirect(url_for("ledger.page", **_shown_args()))
    table = columns.table(rows)
    name = export.file_name(day=japan_today(), page=None if every_row else ledger_filter.page)
    if kind == "csv":
        body, mimetype = export.as_csv(columns.headings(), table), "text/csv; charset=utf-8"
    else:
        body = export.as_xlsx(columns.headings(), table, sheet=_("Progress ledger"))
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="{name}.{kind}"', "Cache-Control": "no-store"})


def print_page():
    """The table on screen laid out for paper (the 実務者会議's copy): metadata only, no key person's name."""
    _form, ledger_filter = _filter_form()
    rows = services.rows_to_hand_out(actor=current_user, ledger_filter=ledger_filter, tag=AuditTag.LEDGER_PRINTED,
                                     how="print")
    return render_template("ledger/print.html", rows=rows, columns=columns, ledger_filter=ledger_filter,
                           council=current_user.institution.council, today=japan_today(), now=utcnow())


def council_case():
    """Register a case of the ledger as a 協議会ケース, or take the registration back (the coordinator). The case id
    is in the form, not the URL: registering reads nothing of the case, and the service asks the policy itself
    (the ledger's reach) — a refusal is recorded like the case gate's."""
    form = CouncilCaseForm()
    case_id = form.case_id.data if form.validate_on_submit() else None
    if case_id is None:
        abort(400)
    try:
        case = db.session.get(Case, case_id)
        if case is None:
            raise NotFound()
        if form.action.data == "register":
            council_cases.register_council_case(actor=current_user, case=case)
            flash(_("Case %(number)s is now a council case.", number=case.number), "info")
        else:
            council_cases.unregister_council_case(actor=current_user, case=case, reason=form.reason.data)
            flash(_("Case %(number)s is no longer a council case.", number=case.number), "info")
    except NotFound:
        record_denial(actor=current_user._get_current_object(), case_id=case_id, action=Action.REGISTER_COUNCIL_CASE)
        raise
    except (CaseError, ValueError) as error:
        flash(str(error), "error")
    back = {key: value for key, value in request.form.items() if key in FILTER_ARGS and value}
    return redirect(url_for("ledger.page", **back))
