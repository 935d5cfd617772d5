"""Forms of break-glass: the request (what is at risk, why, and that it is logged), the buttons on the case page,
and the auditor's review."""

from wtforms import BooleanField, HiddenField, RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from council.core.forms import Form, SelectField
from council.core.i18n import lazy_gettext as _l
from council.handoffs.breakglass.models import ReviewOutcome, Risk
from council.handoffs.breakglass.services import REASON_LENGTH


def _risks() -> list[tuple[str, str]]:
    return [("", _l("Choose what is at risk")), *((r.value, r.label) for r in Risk)]


class BreakGlassForm(Form):
    """Opening a case outside one's grants. The case is named by its number, or by the duplicate check's hit (then
    the number is not asked: the check did not disclose it)."""

    hit = HiddenField()
    case_number = StringField(_l("Case number"), validators=[Optional(), Length(max=20)])
    risk = SelectField(_l("What is at risk"), choices=_risks(),
                       validators=[DataRequired(_l("Choose what is at risk."))])
    reason = TextAreaField(_l("Why must you open this case now?"),
                           validators=[DataRequired(_l("Say why you must open this case now.")),
                                       Length(max=REASON_LENGTH)])
    confirm = BooleanField(_l("I understand that this access is recorded, that the lead institution's supervisors "
                              "are told, and that the council's auditors review it."),
                           validators=[DataRequired(_l("Confirm that you understand how emergency access is "
                                                       "reviewed."))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.risk.choices = _risks()  # labels in the page's language

    def validate_case_number(self, field):
        if not self.hit.data and not (field.data or "").strip():
            raise ValidationError(_l("Enter the case number (e.g. 2026-0042)."))


class ActForm(Form):
    """A button on the case page (end my emergency access, acknowledge one): CSRF protection only."""


class ReviewForm(Form):
    """The auditor's judgement of one use, with a short note that must not be about the person."""

    outcome = RadioField(_l("Your review"), choices=[(o.value, o.label) for o in ReviewOutcome],
                         validators=[DataRequired(_l("Choose whether the use was appropriate."))])
    note = StringField(_l("Note (what to follow up; never the person's details)"),
                       validators=[Optional(), Length(max=200)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.outcome.choices = [(o.value, o.label) for o in ReviewOutcome]

    def validate(self, extra_validators=None) -> bool:
        """A follow-up says what to follow up (``Optional`` would stop a field validator on an empty note)."""
        valid = super().validate(extra_validators)
        if self.outcome.data == ReviewOutcome.FOLLOW_UP and not (self.note.data or "").strip():
            self.note.errors = [*self.note.errors, _l("Say what needs following up.")]
            return False
        return valid
