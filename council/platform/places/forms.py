"""Forms of places and activities. Free text passes the PII guard (GuardedForm)."""

from wtforms import DateField, HiddenField, StringField, TextAreaField, TimeField
from wtforms.validators import DataRequired, Length, Optional

from council.core.forms import SelectField
from council.core.i18n import lazy_gettext as _l
from council.platform.formfields import area_choices, area_filter, field_filter, fields_of_activity
from council.platform.guarding import GuardedForm
from council.platform.places.models import PlaceKind


def _kinds():
    return [(k.value, k.label) for k in PlaceKind]


class PlaceForm(GuardedForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    kind = SelectField(_l("Kind"), choices=_kinds)
    area = SelectField(_l("Area"), choices=area_choices)
    fields = fields_of_activity(_l("Who and what it is about"))
    venue = StringField(_l("Venue"), validators=[Length(max=300)])
    schedule = TextAreaField(_l("When"), validators=[DataRequired(), Length(max=1000)])
    audience = TextAreaField(_l("Who it is for"), validators=[DataRequired(), Length(max=1000)])
    how_to_join = TextAreaField(_l("How to join"), validators=[Length(max=1000)])
    cost = StringField(_l("Cost"), validators=[Length(max=200)])
    accessibility = TextAreaField(_l("Accessibility"), validators=[Length(max=1000)])
    description = TextAreaField(_l("Description"), validators=[Length(max=4000)])
    version = HiddenField()


class SessionForm(GuardedForm):
    day = DateField(_l("Date"), validators=[DataRequired()])
    starts = TimeField(_l("Starts"), validators=[DataRequired()])
    ends = TimeField(_l("Ends"), validators=[DataRequired()])
    note = StringField(_l("Note for that date"), validators=[Length(max=300)])


class PlaceFilterForm(GuardedForm):
    class Meta:
        csrf = False

    area = area_filter()
    field = field_filter()
    kind = SelectField(_l("Kind"), choices=lambda: [("", _l("All kinds")), *_kinds()], validators=[Optional()])
