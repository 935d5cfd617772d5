"""Forms of a meeting's record: attendance, one agenda case's decisions with its tasks, the minutes, approval."""

from wtforms import BooleanField, FieldList, FormField, HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from council.cases.forms import JapaneseDateField
from council.cases.models import KeyPersonRole, Risk
from council.core.forms import Form, SelectField
from council.core.i18n import lazy_gettext as _l

#: Blank task rows offered each time the item form opens (no script needed to add rows).
TASK_ROWS = 3


def _risks():
    return [(risk.value, risk.label) for risk in Risk]


class AttendanceForm(Form):
    """出欠: one checkbox per participant (``attended-<participant id>``), built by the view."""

    version = HiddenField()


class TaskRow(Form):
    """One row of 役割分担: all three filled, or none."""

    class Meta:
        csrf = False  # part of the item form, which carries the token

    institution = SelectField(_l("Institution"), coerce=int, default=0, validators=[Optional()])
    what = StringField(_l("What"), validators=[Length(max=1000)])
    due_date = JapaneseDateField(_l("Due date"), validators=[Length(max=30)])

    def validate_what(self, field):
        filled = [bool(self.institution.data), bool((field.data or "").strip()),
                  bool((self.due_date.data or "").strip())]
        if any(filled) and not all(filled):
            raise ValidationError(_l("A task needs an institution, what is to be done and a due date."))

    @property
    def is_filled(self) -> bool:
        return bool(self.institution.data) and bool((self.what.data or "").strip())


class ItemForm(Form):
    """What the meeting decided on one agenda case."""

    situation = TextAreaField(_l("Situation (状況把握)"), validators=[Optional(), Length(max=4000)])
    risk = SelectField(_l("Risk (危険度)"), choices=_risks, validators=[DataRequired()])
    urgency = SelectField(_l("Urgency (緊急度)"), choices=_risks, validators=[DataRequired()])
    plan = TextAreaField(_l("Support plan (支援方針)"), validators=[Optional(), Length(max=4000)])
    tasks = FieldList(FormField(TaskRow), min_entries=TASK_ROWS, max_entries=20)
    lead_institution = SelectField(_l("Lead institution (主担当機関)"), coerce=int, validators=[DataRequired()])
    key_person_role = SelectField(_l("Key person: who they are (キーパーソンの立場)"),
                                  choices=lambda: [("", _l("—"))] + [(r.value, r.label) for r in KeyPersonRole],
                                  validators=[Optional()])
    key_person = StringField(_l("Key person: name and relation"), validators=[Optional(), Length(max=200)])
    next_review_date = JapaneseDateField(_l("Next review (次回見直し)"), validators=[DataRequired(), Length(max=30)])
    version = HiddenField()


class MinutesForm(Form):
    """議事概要 and each agenda case's part (``part-<item id>``, added by the view)."""

    summary = TextAreaField(_l("Summary of the meeting (議事概要)"), validators=[Optional(), Length(max=8000)])
    version = HiddenField()


class ApproveForm(Form):
    """承認: a button; the version of the minutes the approver read."""

    version = HiddenField()
    confirm = BooleanField(_l("I have read these minutes; approve them. They can no longer be changed."),
                           validators=[DataRequired(_l("Confirm that you read the minutes."))])
