"""Board forms. Free text passes the PII guard (GuardedForm)."""

from wtforms import BooleanField, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from council.core.i18n import lazy_gettext as _l
from council.platform.guarding import GuardedForm


class TopicForm(GuardedForm):
    name = StringField(_l("Topic"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Length(max=1000)])
    position = IntegerField(_l("Order"), default=0, validators=[Optional(), NumberRange(min=0, max=999)])


class ThreadForm(GuardedForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    body = TextAreaField(_l("Message"), validators=[DataRequired(), Length(max=8000)])
    announcement = BooleanField(_l("Post as an announcement"))


class TitleForm(GuardedForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])


class ReplyForm(GuardedForm):
    body = TextAreaField(_l("Reply"), validators=[DataRequired(), Length(max=8000)])


class ReportForm(GuardedForm):
    reason = StringField(_l("Why should moderators look at this post?"), validators=[
        DataRequired(message=_l("Say briefly why the post should be looked at (without personal details).")),
        Length(max=500)])


class HideForm(GuardedForm):
    reason = StringField(_l("Reason shown in place of the post"), validators=[
        DataRequired(message=_l("Give a reason; it is shown in place of the post.")), Length(max=500)])
