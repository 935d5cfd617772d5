"""Sign-in and account forms shared by both sides. Field names are an interface (DESIGN §7)."""

from wtforms import HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, Length

from council.core.forms import Form
from council.core.i18n import lazy_gettext as _l


class LoginForm(Form):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=64)],
                           render_kw={"autocomplete": "username"})
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1024)],
                             render_kw={"autocomplete": "current-password"})


class CodeForm(Form):
    code = StringField(_l("Six-digit code or recovery code"), validators=[DataRequired(), Length(max=32)],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"})


class SetupForm(Form):
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=1024)],
                             render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(_l("New password again"), validators=[DataRequired(), Length(max=1024)],
                            render_kw={"autocomplete": "new-password"})
    code = StringField(_l("Six-digit code shown by the app"), validators=[DataRequired(), Length(max=32)],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"})


class PasswordChangeForm(Form):
    current = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=1024)],
                            render_kw={"autocomplete": "current-password"})
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=1024)],
                             render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(_l("New password again"), validators=[DataRequired(), Length(max=1024)],
                            render_kw={"autocomplete": "new-password"})


class ReauthenticateForm(Form):
    current = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=1024)],
                            render_kw={"autocomplete": "current-password"})


class ConfirmForm(Form):
    """A button-only form: CSRF protection for POST actions such as sign-out."""

    version = HiddenField()
