"""Project forms. Free text passes the PII guard (GuardedForm)."""

from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from council.core.forms import SelectField
from council.core.i18n import lazy_gettext as _l
from council.platform.guarding import GuardedForm
from council.platform.projects.models import ProjectStatus


class ProjectForm(GuardedForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    goal = TextAreaField(_l("Goal"), validators=[DataRequired(), Length(max=2000)])
    description = TextAreaField(_l("How you will work"), validators=[Length(max=4000)])
    status = SelectField(_l("Status"), choices=[(s.value, s.label) for s in ProjectStatus])
    version = HiddenField()


class UpdateForm(GuardedForm):
    body = TextAreaField(_l("Update"), validators=[DataRequired(), Length(max=4000)])
