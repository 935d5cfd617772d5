"""The filtered log as CSV: the rows the screen shows, in the same words, for a spreadsheet.

UTF-8 with a byte-order mark (Excel in Japanese reads it without garbling), every cell that a spreadsheet would
take for a formula neutralised, at most ``EXPORT_LIMIT`` events (newest first; the page says how to narrow), and
the export itself an audit event recorded before the file is handed out.
"""

from __future__ import annotations

import csv
import io

from council.audit.events import AuditTag, record
from council.audit.filters import LogFilter
from council.audit.rows import EventRow, describe
from council.audit.services import council_case, events_for
from council.core.i18n import gettext as _
from council.core.web import localtime
from council.database import db

#: The most events one file holds: an export is for a question, not a copy of the log.
EXPORT_LIMIT = 10_000
#: What a spreadsheet reads as the start of a formula (OWASP's CSV injection list).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value) -> str:
    """A cell a spreadsheet shows as text: a leading ``'`` before anything it would evaluate."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


def header() -> list[str]:
    return [_("No."), _("Time (Japan)"), _("What happened"), _("Event code"), _("Name"), _("Username"),
            _("Institution"), _("Role"), _("Former user"), _("Case"), _("Cases shown"), _("Basis"), _("Basis code"),
            _("Outcome"), _("Reason"), _("IP address")]


def line(row: EventRow) -> list[str]:
    person = row.actor
    return [neutralise(cell) for cell in (
        row.seq, localtime(row.occurred_at), row.what, row.tag, person.name if person else "",
        person.username if person else "", person.institution if person else "", person.role if person else "",
        _("yes") if person and person.former else "", row.case_number or "", row.cases_shown or "", row.basis,
        row.basis_code, row.outcome_label, row.reason, row.client_ip)]


def export_csv(*, actor, log_filter: LogFilter) -> bytes:
    """The filter's events (newest first, at most EXPORT_LIMIT) as CSV bytes. Records the export (the filter's
    case in the case columns, the number of rows in the reason) and commits before returning the file."""
    page = events_for(council_id=actor.council_id, log_filter=log_filter, size=EXPORT_LIMIT)
    rows = describe(page.events)
    record(tag=AuditTag.AUDIT_LOG_EXPORTED, actor=actor,
           case=council_case(council_id=actor.council_id, number=log_filter.case),
           reason=f"{len(rows)} events" + (", limit reached" if page.older else ""))
    db.session.commit()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header())
    writer.writerows(line(row) for row in rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")
