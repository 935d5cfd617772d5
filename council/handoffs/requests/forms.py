"""Forms of information requests. Dates accept 西暦 and 和暦 (cases.dates); the due date is a date in Japan."""

from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from council.access.models import LegalBasis
from council.cases.forms import JapaneseDateField
from council.core.forms import Form, SelectField
from council.core.i18n import lazy_gettext as _l
from council.handoffs.requests.models import RequestKind
from council.handoffs.requests.states import LONGEST_DUE_DAYS

_TEXT = 5000


def _kinds():
    return [(kind.value, kind.label) for kind in RequestKind]


def _due_from_today(form, field):
    """The due date is today in Japan or later (and not too far ahead); the service checks it again."""
    from council.handoffs.requests.states import RequestError, check_due_on

    if field.date is not None:
        try:
            check_due_on(field.date)
        except RequestError as error:
            raise ValidationError(str(error)) from None


class LegalBasisMixin:
    """The legal basis of a share: 本人同意 (a consent recorded on the case), 協議会内の情報共有 or 緊急 (with why)."""

    legal_basis = SelectField(_l("Legal basis"), choices=[("", _l("— choose —"))] + [
        (basis.value, basis.label) for basis in LegalBasis], default="",
        validators=[DataRequired(_l("Choose the legal basis."))])
    #: The case's consents in force (choices set by the view); empty unless the legal basis is 本人同意.
    consent = SelectField(_l("Consent (本人同意)"), choices=[], default="")
    emergency_reason = TextAreaField(_l("Why life or body is at risk (緊急)"), validators=[Length(max=_TEXT)])

    def validate_consent(self, field):
        if self.legal_basis.data == LegalBasis.CONSENT and not field.data:
            raise ValidationError(_l("Choose the consent that names the receiving institution."))

    def validate_emergency_reason(self, field):
        if self.legal_basis.data == LegalBasis.EMERGENCY and not (field.data or "").strip():
            raise ValidationError(_l("Write why life or body is at risk."))


class RequestForm(LegalBasisMixin, Form):
    """A new request from the case page (prefix ``request``)."""

    #: The council's member institutions but the lead (choices set by the view).
    to_institution = SelectField(_l("Ask which institution"), choices=[], default="",
                                 validators=[DataRequired(_l("Choose the institution to ask."))])
    kind = SelectField(_l("What you ask for"), choices=_kinds, default=RequestKind.INFORMATION.value)
    question = TextAreaField(_l("Question"), validators=[DataRequired(_l("Write what you ask.")), Length(max=_TEXT)])
    due_on = JapaneseDateField(_l("Answer due by"), validators=[DataRequired(_l("Give the due date.")),
                                                                Length(max=30), _due_from_today],
                               description=_l("A date in Japan, at most %(n)d days ahead.", n=LONGEST_DUE_DAYS))


class AskHolderForm(Form):
    """A question to the institution holding a case the duplicate check showed."""

    kind = SelectField(_l("What you ask for"), choices=_kinds, default=RequestKind.INFORMATION.value)
    question = TextAreaField(_l("Question"), validators=[DataRequired(_l("Write what you ask.")), Length(max=_TEXT)])
    due_on = JapaneseDateField(_l("Answer due by"), validators=[DataRequired(_l("Give the due date.")),
                                                                Length(max=30), _due_from_today])


class AnswerForm(Form):
    """The receiver's answer (prefix ``answer-<id>``)."""

    answer = TextAreaField(_l("Answer"), validators=[DataRequired(_l("Write your answer.")), Length(max=_TEXT)])


class HolderAnswerForm(LegalBasisMixin, AnswerForm):
    """The holder's answer to a question from a duplicate-check hit: it is shared with the asker on a legal basis."""


class DeclineForm(Form):
    """Declining a request, with why (prefix ``decline-<id>``)."""

    reason = TextAreaField(_l("Why you decline"), validators=[DataRequired(_l("Say why you decline.")),
                                                              Length(max=_TEXT)])
