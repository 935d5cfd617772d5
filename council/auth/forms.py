"""Forms of the council-side account pages."""

from wtforms import BooleanField, HiddenField, StringField
from wtforms.validators import DataRequired, Length

from council.access.permissions import Role
from council.auth.models import InstitutionType
from council.core.forms import Form, SelectField
from council.core.i18n import lazy_gettext as _l
from council.security.forms import SetupForm


class PledgeForm(Form):
    accept = BooleanField(_l("I have read the pledge and accept it."),
                          validators=[DataRequired(message=_l("Tick the box to accept the pledge."))])


class FirstAdminForm(SetupForm):
    council_name = StringField(_l("Council name"), validators=[DataRequired(), Length(max=200)],
                               render_kw={"placeholder": "〇〇市孤独・孤立対策地域協議会"})
    institution_name = StringField(_l("Your institution"), validators=[DataRequired(), Length(max=200)])
    institution_kind = SelectField(_l("Type of institution"))
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=64)],
                           render_kw={"autocomplete": "username"})
    display_name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=100)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.institution_kind.choices = [(k.value, k.label) for k in InstitutionType]


class InstitutionForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    kind = SelectField(_l("Type"))
    is_coordinator = BooleanField(_l("Coordinator institution (調整機関)"))
    contact = StringField(_l("Contact for other institutions (department, phone)"), validators=[Length(max=200)])
    caseworkers_see_all = BooleanField(_l("Every caseworker of this institution may read all its cases "
                                          "(otherwise only the cases they are assigned to)"))
    version = HiddenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = [(k.value, k.label) for k in InstitutionType]


class UserForm(Form):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=64)])
    display_name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    institution_id = SelectField(_l("Institution"), coerce=int)
    role = SelectField(_l("Role"))
    version = HiddenField()

    def __init__(self, *args, institutions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.institution_id.choices = [(i.id, i.name) for i in institutions]
        self.role.choices = [(r.value, r.label) for r in Role]
