"""The disclosure report's page: through the case gate (a supervisor of the lead institution), then the service."""

from __future__ import annotations

from flask import g, render_template
from flask_login import current_user

from council.access.gate import case_gate
from council.access.scopes import Action
from council.disclosure.services import HISTORY_LIMIT, disclosure_report


@case_gate(Action.DISCLOSE)
def report(case, access):
    """The printable report; generating it is an audit event of its own (``case:disclosure:generated``)."""
    made = disclosure_report(actor=current_user, case=case, access=access)
    return render_template("disclosure/report.html", report=made, page=made.page, limit=HISTORY_LIMIT,
                           nonce=g.get("csp_nonce"))
