"""The ledger's filter (a GET form: it changes nothing) and its register / unregister buttons."""

from __future__ import annotations

from wtforms import BooleanField, IntegerField
from wtforms.validators import DataRequired, Optional

from council.cases.council_cases import UnregisterReason
from council.cases.models import CaseStatus, Risk, case_categories
from council.core.forms import Form, SelectField
from council.core.i18n import lazy_gettext as _l
from council.meetings.ledger.columns import COLUMNS, CONSENT_LABELS
from council.meetings.ledger.query import LedgerFilter


def _all(choices):
    return [("", _l("All"))] + list(choices)


class LedgerFilterForm(Form):
    class Meta:
        csrf = False  # a GET filter changes nothing

    status = SelectField(_l("Status"), choices=_all((s.value, s.label) for s in CaseStatus), validators=[Optional()])
    risk = SelectField(_l("Risk"), choices=_all((r.value, r.label) for r in Risk), validators=[Optional()])
    category = SelectField(_l("Concern"), choices=lambda: _all((c, c) for c in case_categories()),
                           validators=[Optional()])
    #: Choices set by the view: the council's institutions.
    lead = SelectField(_l("Lead institution"), choices=[], validators=[Optional()])
    registered = SelectField(_l("Council case (協議会ケース)"),
                             choices=_all([("yes", _l("Registered")), ("no", _l("Not registered"))]),
                             validators=[Optional()])
    consent = SelectField(_l("Consent"), choices=_all(CONSENT_LABELS.items()), validators=[Optional()])
    overdue = BooleanField(_l("Review overdue only"))
    tasks = BooleanField(_l("With open tasks only"))
    sort = SelectField(_l("Sort by"), choices=[(c.key, c.heading) for c in COLUMNS], default="intake",
                       validators=[Optional()])
    direction = SelectField(_l("Order"), choices=[("desc", _l("Descending")), ("asc", _l("Ascending"))],
                            default="desc", validators=[Optional()])

    def ledger_filter(self, page: int) -> LedgerFilter:
        """The filter this form asks for (call after ``validate``)."""
        return LedgerFilter(status=self.status.data or "", risk=self.risk.data or "",
                            category=self.category.data or "",
                            lead_institution_id=int(self.lead.data) if self.lead.data else None,
                            registered=self.registered.data or "", consent=self.consent.data or "",
                            review_overdue=bool(self.overdue.data), open_tasks=bool(self.tasks.data),
                            sort=self.sort.data or "intake", direction=self.direction.data or "desc", page=page)


class CouncilCaseForm(Form):
    """A button of the progress ledger: register a case as a 協議会ケース, or take it back with a reason code."""

    case_id = IntegerField(validators=[DataRequired()])
    action = SelectField(choices=[("register", "register"), ("unregister", "unregister")])
    reason = SelectField(_l("Why"), choices=[(r.value, r.label) for r in UnregisterReason], validators=[Optional()])
