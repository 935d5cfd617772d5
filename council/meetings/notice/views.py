"""The 公示 page (printable) and its CSV."""

from __future__ import annotations

from flask import Response, render_template
from flask_login import current_user

from council.auth.models import JAPANESE_TYPE_NAMES, InstitutionType
from council.core.clock import japan_today
from council.core.i18n import gettext as _
from council.meetings.ledger.export import as_csv
from council.meetings.notice.services import council_notice


def _type(kind: str) -> str:
    """The glossary's Japanese name of an institution type, as the notice itself writes it."""
    return JAPANESE_TYPE_NAMES[InstitutionType(kind)]


def page():
    return render_template("notice/page.html", notice=council_notice(actor=current_user), today=japan_today())


def csv_file():
    """The same facts as the page, one line each: the council's name, its 調整機関, each member institution."""
    notice = council_notice(actor=current_user)
    lines = [[_("Name of the council"), notice.council_name, ""]]
    if notice.coordinator is not None:
        lines.append([_("Coordinator institution (調整機関)"), notice.coordinator.name,
                      _type(notice.coordinator.kind)])
    lines += [[_("Member institution (構成機関)"), m.name, _type(m.kind)] for m in notice.members]
    body = as_csv([_("Item"), _("Name"), _("Type")], lines)
    return Response(body, mimetype="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="council-notice-{japan_today().isoformat()}.csv"'})
