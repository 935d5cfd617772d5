"""Resource forms. Free text and the file's name pass the PII guard (GuardedForm)."""

from flask_wtf.file import FileField
from wtforms import DateField, StringField, TextAreaField
from wtforms.validators import URL, DataRequired, Length, Optional

from council.core.forms import SelectField
from council.core.i18n import lazy_gettext as _l
from council.platform.guarding import GuardedForm
from council.platform.resources.models import ResourceKind


class ResourceForm(GuardedForm):
    kind = SelectField(_l("Kind"), choices=[(k.value, k.label) for k in ResourceKind])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Length(max=4000)])
    held_on = DateField(_l("Day of the training"), validators=[Optional()])
    link = StringField(_l("Web page"), validators=[Optional(), URL(), Length(max=300)])
    file = FileField(_l("File (PDF, Word or Excel with its text, up to 10 MB; its text is checked for personal data)"))
