"""Forms of the organisations feature. Free text passes the PII guard (GuardedForm)."""

from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import URL, DataRequired, Length, Optional, Regexp

from council.core.forms import SelectField
from council.core.i18n import lazy_gettext as _l
from council.platform.formfields import area_choices, area_filter, field_filter, fields_of_activity
from council.platform.guarding import GuardedForm
from council.platform.models import PlatformRole
from council.platform.organisations.models import OrganisationKind

USERNAME = [DataRequired(), Length(min=3, max=64),
            Regexp(r"^[A-Za-z0-9._-]+$", message=_l("Use letters, digits, dots, hyphens and underscores."))]


class ProfileForm(GuardedForm):
    contact_fields = ("public_contact",)

    name = StringField(_l("Organisation name"), validators=[DataRequired(), Length(max=200)])
    kind = SelectField(_l("Type"), choices=[(k.value, k.label) for k in OrganisationKind])
    area = SelectField(_l("Main area"), choices=area_choices)
    fields = fields_of_activity()
    description = TextAreaField(_l("What you do"), validators=[DataRequired(), Length(max=2000)])
    public_contact = TextAreaField(_l("Public contact"), validators=[DataRequired(), Length(max=500)])
    website = StringField(_l("Web site"), validators=[Optional(), URL(), Length(max=300)])
    version = HiddenField()


class ApplicationForm(ProfileForm):
    unguarded_fields = ("username",)
    name_fields = ("display_name",)

    display_name = StringField(_l("Your name (shown to other members)"), validators=[DataRequired(), Length(max=100)])
    #: Only a wish: whether it is free is never said here (that would tell anyone which usernames exist); the
    #: platform administrator confirms it or chooses another when approving.
    username = StringField(_l("Username you would like"), validators=USERNAME)


class ApprovalForm(GuardedForm):
    """Approving an application: the platform administrator confirms the applicant's username or chooses one."""

    unguarded_fields = ("username",)

    username = StringField(_l("Username of the organisation's administrator"), validators=USERNAME)


class DecisionForm(GuardedForm):
    reason = TextAreaField(_l("Reason for declining (only administrators see it)"), validators=[Length(max=1000)])


class InviteForm(GuardedForm):
    unguarded_fields = ("username",)
    name_fields = ("display_name",)

    display_name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    username = StringField(_l("Username"), validators=USERNAME)
    role = SelectField(_l("Role"), choices=[(r.value, r.label) for r in
                                             (PlatformRole.MEMBER, PlatformRole.ORGANISATION_ADMIN)])


class DirectoryFilterForm(GuardedForm):
    class Meta:
        csrf = False

    field = field_filter()
    area = area_filter()
