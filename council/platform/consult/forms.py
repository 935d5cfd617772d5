"""The consultation window form (administrators). Free text passes the PII guard; contact rules apply to the
window's own contact."""

from wtforms import HiddenField, IntegerField, StringField, TextAreaField
from wtforms.validators import URL, DataRequired, Length, NumberRange, Optional

from council.core.i18n import lazy_gettext as _l
from council.platform.guarding import GuardedForm


class WindowForm(GuardedForm):
    contact_fields = ("contact",)

    name = StringField(_l("Name of the window"), validators=[DataRequired(), Length(max=200)])
    operator = StringField(_l("Run by"), validators=[Length(max=200)])
    topics = TextAreaField(_l("What one can consult about"), validators=[Length(max=2000)])
    contact = TextAreaField(_l("Contact (phone, address)"), validators=[DataRequired(), Length(max=500)])
    hours = StringField(_l("Opening hours"), validators=[Length(max=300)])
    url = StringField(_l("Web page"), validators=[Optional(), URL(), Length(max=300)])
    position = IntegerField(_l("Order"), default=0, validators=[Optional(), NumberRange(min=0, max=999)])
    version = HiddenField()
