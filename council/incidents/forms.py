"""Forms of the incident register. Times are typed in Japan time (``datetime-local``), report dates as Japan
dates in 西暦 or 和暦 (cases.dates); the service converts nothing itself and checks everything again."""

from wtforms import (
    BooleanField,
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    SelectMultipleField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput

from council.cases.forms import CHECKBOXES, JapaneseDateField
from council.core.forms import Form, SelectField
from council.core.i18n import lazy_gettext as _l
from council.incidents.models import DataItem, Encryption, IncidentState, Situation
from council.incidents.services import LONGEST_TEXT

_TIME = "%Y-%m-%dT%H:%M"


def _choices(enum):
    return lambda: [(member.value, member.label) for member in enum]


def _text(label, description=None):
    return TextAreaField(label, validators=[Length(max=LONGEST_TEXT)], description=description)


class IncidentForm(Form):
    """An incident, new or changed (the PPC report's items, in its order)."""

    version = HiddenField()
    discovered_at = DateTimeLocalField(_l("When your institution knew of it (Japan time)"), format=_TIME,
                                       validators=[DataRequired(_l("Give when it was discovered."))])
    occurred_at = DateTimeLocalField(_l("When it happened, if known (Japan time)"), format=_TIME,
                                     validators=[Optional()])
    state = SelectField(_l("State"), choices=_choices(IncidentState), default=IncidentState.HANDLING.value)
    situations = SelectMultipleField(_l("Why it is reportable (報告対象となる事態)"), choices=_choices(Situation),
                                     widget=CHECKBOXES, option_widget=CheckboxInput())
    summary = _text(_l("What happened (概要)"))
    data_items = SelectMultipleField(_l("Data concerned (個人データの項目)"), choices=_choices(DataItem),
                                     widget=CHECKBOXES, option_widget=CheckboxInput())
    encryption = SelectField(_l("Was the data encrypted?"), choices=_choices(Encryption),
                             default=Encryption.UNKNOWN.value)
    other_persons = IntegerField(_l("Persons concerned who are not in a picked case"), default=0,
                                 validators=[Optional(), NumberRange(min=0, max=10_000_000)])
    cause = _text(_l("Cause (原因)"))
    secondary_harm_risk = BooleanField(_l("Secondary harm happened or may happen (二次被害又はそのおそれ)"))
    secondary_harm = _text(_l("Secondary harm: what (二次被害の内容)"))
    notices = _text(_l("Notices to the persons concerned (本人への対応の実施状況)"))
    publication = _text(_l("Publication (公表の実施状況)"))
    prevention = _text(_l("Measures to prevent it happening again (再発防止のための措置)"))
    preliminary_reported_on = JapaneseDateField(_l("Preliminary report (速報) made on"), validators=[Length(max=30)])
    final_reported_on = JapaneseDateField(_l("Final report (確報) made on"), validators=[Length(max=30)])


def _some_ticked(form, field):
    """At least one case ticked. (Not DataRequired: its ``required`` on every checkbox would make the browser
    insist that all of them are ticked.)"""
    if not field.data:
        raise ValidationError(_l("Choose at least one case found in the log."))


class PickForm(Form):
    """The cases of a log search to add to the incident (prefix ``pick``)."""

    version = HiddenField()
    case_ids = SelectMultipleField(_l("Cases found in the log"), coerce=int, choices=[], widget=CHECKBOXES,
                                   option_widget=CheckboxInput(),
                                   validators=[_some_ticked])


class RemoveCaseForm(Form):
    """Taking one case off the incident."""

    version = HiddenField()
    #: The case's id (a row of incident_case; the service checks the incident lists it).
    case = HiddenField()
