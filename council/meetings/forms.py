"""Forms of the meeting pages: scheduling (and changing) a meeting, cancelling it, and a brief."""

from wtforms import BooleanField, HiddenField, RadioField, SelectMultipleField, StringField, TextAreaField, TimeField
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput

from council.cases.forms import CHECKBOXES, JapaneseDateField
from council.core.forms import Form
from council.core.i18n import lazy_gettext as _l
from council.meetings.briefs import TEXT_LENGTH
from council.meetings.models import MeetingKind
from council.meetings.services import TITLE_LENGTH


class MeetingForm(Form):
    """A meeting: kind, Japan date and times, place, participants, agenda. Choices are the council's."""

    kind = RadioField(_l("Kind of meeting"), choices=[(k.value, k.label) for k in MeetingKind],
                      default=MeetingKind.CASE_REVIEW.value, validators=[DataRequired()])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=TITLE_LENGTH)])
    day = JapaneseDateField(_l("Date (Japan)"), validators=[DataRequired(), Length(max=30)])
    starts = TimeField(_l("Starts at (Japan time)"), validators=[DataRequired()])
    ends = TimeField(_l("Ends at (Japan time)"), validators=[DataRequired()])
    place = StringField(_l("Place, or how to join online"), validators=[Optional(), Length(max=TITLE_LENGTH)])
    online = BooleanField(_l("Held online"))
    users = SelectMultipleField(_l("Participants by name"), coerce=int, widget=CHECKBOXES,
                                option_widget=CheckboxInput(), choices=[])
    institutions = SelectMultipleField(_l("Participating institutions"), coerce=int, widget=CHECKBOXES,
                                       option_widget=CheckboxInput(), choices=[])
    cases = SelectMultipleField(_l("Agenda: council cases"), coerce=int, widget=CHECKBOXES,
                                option_widget=CheckboxInput(), choices=[])
    topics = TextAreaField(_l("Agenda: topics, one a line (representatives' meeting)"),
                           validators=[Optional(), Length(max=4000)])
    version = HiddenField()


class ConfirmForm(Form):
    """A button (cancel the meeting, reveal a brief): the version the page showed, where there is one."""

    version = HiddenField()


class BriefForm(Form):
    """会議資料: the pseudonymised header, the body, and the personal details kept for a reveal."""

    initials = StringField(_l("Initials (イニシャル)"), validators=[Optional(), Length(max=40)])
    age_band = StringField(_l("Age band (年代)"), validators=[Optional(), Length(max=40)])
    household = TextAreaField(_l("Household composition (世帯構成)"), validators=[Optional(), Length(max=TEXT_LENGTH)])
    situation = TextAreaField(_l("Situation (状況)"), validators=[Optional(), Length(max=TEXT_LENGTH)])
    assessment = TextAreaField(_l("Assessment (見立て)"), validators=[Optional(), Length(max=TEXT_LENGTH)])
    proposed_plan = TextAreaField(_l("Proposed plan (支援方針案)"), validators=[Optional(), Length(max=TEXT_LENGTH)])
    questions = TextAreaField(_l("Questions for the council (協議したいこと)"),
                              validators=[Optional(), Length(max=TEXT_LENGTH)])
    personal = TextAreaField(_l("Personal details, shown only on an explicit reveal (氏名・住所など)"),
                             validators=[Optional(), Length(max=TEXT_LENGTH)])
    version = HiddenField()
