"""The disclosure report's pages, through the case gate (a supervisor of the lead institution), then the service.

Generating the report is recorded, so it is a POST (a link prefetched by a browser or a proxy must record
nothing): the GET of ``generate`` only says what will be generated; the POST records it and redirects to the
report's own address (the case and the generation's event: no personal data), which shows it for a short time.
"""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, url_for
from flask_login import current_user

from council.access.gate import case_gate
from council.access.scopes import Action
from council.audit.events import record_denial
from council.audit.models import AuditEvent
from council.core.i18n import gettext as _
from council.disclosure import services
from council.disclosure.forms import GenerateForm


@case_gate(Action.DISCLOSE)
def generate(case, access):
    """GET: the confirmation page (nothing read, nothing recorded). POST: ``case:disclosure:generated``, then the
    report."""
    form = GenerateForm()
    if form.validate_on_submit():
        seq = services.generate(actor=current_user, case=case, access=access,
                                watermark=services.Watermark(form.watermark.data))
        return redirect(url_for("disclosure.report", case_id=case.id, event_id=seq))
    return render_template("disclosure/confirm.html", case=case, form=form,
                           minutes=int(services.REPORT_REACHABLE_FOR.total_seconds() // 60)), \
        400 if form.errors else 200


@case_gate(Action.DISCLOSE, event=AuditEvent)
def report(case, access, event):
    """The printable report of the generation ``event`` (an event of the case, the gate checks; its generator's
    only, checked here); reading it is recorded as a print."""
    if not services.is_generation(actor=current_user, case=case, event=event):
        record_denial(actor=current_user, case_id=case.id, action="case:disclosure:open", target_type="audit_event",
                      target_id=event.seq)
        abort(404)
    try:
        made = services.disclosure_report(actor=current_user, case=case, access=access, event=event)
    except services.ReportGone:
        flash(_("That report was generated more than %(n)d minutes ago: generate it again (this is recorded too).",
                n=int(services.REPORT_REACHABLE_FOR.total_seconds() // 60)), "info")
        return redirect(url_for("disclosure.generate", case_id=case.id))
    return render_template("disclosure/report.html", report=made, page=made.page, limit=services.HISTORY_LIMIT,
                           nonce=g.get("csp_nonce"))
