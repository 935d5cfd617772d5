"""Forms of the case pages. Personal fields are free text; dates accept 西暦 and 和暦 (cases.dates)."""

from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    HiddenField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from council.cases.models import (
    CaseStatus,
    ConsentGiver,
    ConsentPurpose,
    LinkReason,
    RecordKind,
    ReferralSource,
    RestrictionReason,
    Risk,
    UnlinkReason,
    case_categories,
)
from council.core.forms import Form, SelectField
from council.core.i18n import lazy_gettext as _l


def _categories() -> list[tuple[str, str]]:
    """Read at request time, so a deployment's CASE_CATEGORIES apply."""
    return [(c, c) for c in case_categories()]


#: Several choices as a list of checkboxes: easier than a Ctrl-click multiple select, and nothing scrolls away.
CHECKBOXES = ListWidget(prefix_label=False)


class JapaneseDateField(StringField):
    """A date typed as 2026-04-01, 2026/4/1, 令和8年4月1日, R8.4.1 …; ``.date`` holds the parsed value."""

    date = None

    def pre_validate(self, form):
        from council.cases.dates import DateParseError, parse_date

        self.date = None
        if self.data and self.data.strip():
            try:
                self.date = parse_date(self.data)
            except DateParseError as error:
                raise ValidationError(str(error)) from None


def _not_after_today(form, field):
    """A date of birth cannot lie ahead (and no age could be shown for it)."""
    from council.cases.dates import today

    if field.date and field.date > today():
        raise ValidationError(_l("The date of birth cannot be in the future."))


def _referral_choices(empty_label):
    return [("", empty_label)] + [(source.value, source.label) for source in ReferralSource]


def _sex_choices():
    return [("", _l("—")), ("female", _l("Female")), ("male", _l("Male")),
            ("other", _l("Other")), ("unknown", _l("Unknown"))]


def _not_in_future(field) -> None:
    """A date and time typed in Japan time must not lie ahead (records.check_not_future, as a form error)."""
    from council.cases.errors import CaseError
    from council.cases.records import check_not_future
    from council.core.clock import wall_clock_to_utc

    if field.data:
        try:
            check_not_future(wall_clock_to_utc(field.data))
        except CaseError as error:
            raise ValidationError(str(error)) from None


class IntakeForm(Form):
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=100)])
    kana = StringField(_l("Name in kana"), validators=[DataRequired(), Length(max=100)])
    birth_date = JapaneseDateField(_l("Date of birth"), validators=[Length(max=30), _not_after_today])
    sex = SelectField(_l("Sex"), choices=_sex_choices(), validators=[Optional()])
    address = StringField(_l("Home address"), validators=[Length(max=300)])
    phone = StringField(_l("Phone number"), validators=[Length(max=30)])
    key_person = StringField(_l("Key person"), validators=[Length(max=200)])
    categories = SelectMultipleField(_l("Concerns"), choices=_categories, widget=CHECKBOXES,
                                     option_widget=CheckboxInput())
    risk = SelectField(_l("Urgency"), choices=[(r.value, r.label) for r in Risk], default=Risk.MEDIUM.value)
    intake_date = JapaneseDateField(_l("Intake date"), validators=[DataRequired(), Length(max=30)])
    next_review_date = JapaneseDateField(_l("Next review date"), validators=[Length(max=30)])
    referral_source = SelectField(_l("How the case came (相談経路)"), choices=_referral_choices(_l("— choose —")),
                                  validators=[DataRequired(_l("Choose how the case came."))])
    contact_person = StringField(_l("Who made contact (相談者)"), validators=[Length(max=200)])
    summary = TextAreaField(_l("What the consultation was about"), validators=[Length(max=20000)])
    #: The summary becomes a support record of this kind and time (a first contact is most often a phone call).
    summary_kind = SelectField(_l("Kind of contact"), choices=[(k.value, k.label) for k in RecordKind.written()],
                               default=RecordKind.PHONE.value)
    summary_at = DateTimeLocalField(_l("When the consultation took place"), format="%Y-%m-%dT%H:%M",
                                    validators=[Optional()])
    confirm_duplicate = BooleanField(_l("I have seen the possible existing case and still open a new one."))

    def validate_summary_at(self, field):
        """The consultation's time (typed in Japan time) cannot lie ahead."""
        _not_in_future(field)

    def validate(self, extra_validators=None):
        """A summary needs its time: checked here because an empty time stops the field's own validators."""
        valid = super().validate(extra_validators)
        if (self.summary.data or "").strip() and self.summary_at.data is None and not self.summary_at.errors:
            self.summary_at.errors = [*self.summary_at.errors, _l("Say when the consultation took place.")]
            return False
        return valid


class SearchForm(Form):
    name = StringField(_l("Full name (exact)"), validators=[Length(max=100)])
    kana = StringField(_l("Name in kana (exact)"), validators=[Length(max=100)])
    birth_date = JapaneseDateField(_l("Date of birth (with kana: surname and date of birth)"),
                                   validators=[Length(max=30)])
    phone = StringField(_l("Phone number"), validators=[Length(max=30)])


class RecordForm(Form):
    occurred_at = DateTimeLocalField(_l("When"), format="%Y-%m-%dT%H:%M", validators=[DataRequired()])
    kind = SelectField(_l("Kind of contact"), choices=[(k.value, k.label) for k in RecordKind.written()])
    body = TextAreaField(_l("What happened"), validators=[DataRequired(), Length(max=50000)])
    version = HiddenField()

    def validate_occurred_at(self, field):
        """The time is typed in Japan time; a record cannot describe what has not happened yet."""
        _not_in_future(field)


class DeleteRecordForm(Form):
    reason = StringField(_l("Reason for deleting"), validators=[DataRequired(), Length(max=500)])


class StatusForm(Form):
    status = SelectField(_l("New status"), choices=[(s.value, s.label) for s in CaseStatus])
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=5000)])
    version = HiddenField()


class ImportForm(Form):
    ledger = FileField(_l("Ledger file (.xlsx or .csv)"), validators=[FileRequired()])
    institution = SelectField(_l("Lead institution for rows without 担当機関"), validators=[Optional()])
    allow_duplicates = BooleanField(_l("Import rows even when the person may already have a case"))


class ListFilterForm(Form):
    class Meta:
        csrf = False  # a GET filter changes nothing

    status = SelectField(_l("Status"), choices=[("", _l("All"))] + [(s.value, s.label) for s in CaseStatus],
                         validators=[Optional()])
    category = SelectField(_l("Concern"), choices=lambda: [("", _l("All"))] + _categories(),
                           validators=[Optional()])
    risk = SelectField(_l("Urgency"), choices=[("", _l("All"))] + [(r.value, r.label) for r in Risk],
                       validators=[Optional()])
    overdue = BooleanField(_l("Review overdue only"))
    open_only = BooleanField(_l("Open cases only"))
    days = SelectField(_l("Days since last contact"),
                       choices=[("", _l("Any")), ("14", "14+"), ("30", "30+"), ("60", "60+"), ("90", "90+")],
                       validators=[Optional()])



class ConsentForm(Form):
    purpose_code = SelectField(_l("What the sharing is for"),
                               choices=[("", _l("— choose —"))] + [(p.value, p.label) for p in ConsentPurpose],
                               validators=[DataRequired(_l("Choose what the sharing is for."))])
    purpose = TextAreaField(_l("Purpose of sharing"), validators=[DataRequired(), Length(max=2000)])
    #: The council's member institutions (choices set by the view); a share on this consent may go only to these.
    recipient_institutions = SelectMultipleField(_l("Member institutions that may receive it"), coerce=int,
                                                 widget=CHECKBOXES, option_widget=CheckboxInput(), choices=[])
    recipients = TextAreaField(_l("Who may receive it"), validators=[DataRequired(), Length(max=2000)])
    scope = TextAreaField(_l("What may be shared"), validators=[DataRequired(), Length(max=2000)])
    obtained_on = JapaneseDateField(_l("Obtained on"), validators=[DataRequired(), Length(max=30)])
    obtained_how = SelectField(_l("How"), choices=[("written", _l("In writing")), ("oral", _l("Orally")),
                                                  ("other", _l("Other"))])
    given_by = SelectField(_l("Given by"), choices=[(g.value, g.label) for g in ConsentGiver],
                           default=ConsentGiver.PERSON.value)
    representative_relationship = StringField(_l("The representative's relationship to the person (e.g. 母)"),
                                              validators=[Length(max=100)])

    def validate_representative_relationship(self, field):
        if self.given_by.data == ConsentGiver.REPRESENTATIVE and not (field.data or "").strip():
            raise ValidationError(_l("Say how the representative is related to the person."))


class PlanForm(Form):
    assessment = TextAreaField(_l("Assessment"), validators=[Length(max=50000)])
    plan = TextAreaField(_l("Support plan and roles"), validators=[Length(max=50000)])
    goals = TextAreaField(_l("Goals"), validators=[Length(max=20000)])
    based_on = HiddenField()


class AttachmentForm(Form):
    file = FileField(_l("File (PDF, PNG, JPEG, docx, xlsx; at most 10 MB)"),
                     validators=[FileRequired(message=_l("Choose a file."))])


class PersonForm(Form):
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=100)])
    kana = StringField(_l("Name in kana"), validators=[Length(max=100)])
    relationship = StringField(_l("Relationship to the subject (e.g. 母)"), validators=[Length(max=50)])
    birth_date = JapaneseDateField(_l("Date of birth"), validators=[Length(max=30), _not_after_today])
    sex = SelectField(_l("Sex"), choices=_sex_choices(), validators=[Optional()])
    address = StringField(_l("Home address"), validators=[Length(max=300)])
    phone = StringField(_l("Phone number"), validators=[Length(max=30)])
    notes = TextAreaField(_l("Notes"), validators=[Length(max=5000)])
    version = HiddenField()


class DetailsForm(Form):
    categories = SelectMultipleField(_l("Concerns"), choices=_categories, widget=CHECKBOXES,
                                     option_widget=CheckboxInput())
    risk = SelectField(_l("Urgency"), choices=[(r.value, r.label) for r in Risk])
    next_review_date = JapaneseDateField(_l("Next review date"), validators=[Length(max=30)])
    key_person = StringField(_l("Key person"), validators=[Length(max=200)])
    referral_source = SelectField(_l("How the case came (相談経路)"), choices=_referral_choices(_l("Not recorded")),
                                  validators=[Optional()])
    contact_person = StringField(_l("Who made contact (相談者)"), validators=[Length(max=200)])
    assigned = SelectMultipleField(_l("Assigned workers"), coerce=int, widget=CHECKBOXES,
                                   option_widget=CheckboxInput())
    version = HiddenField()


class RemoveForm(Form):
    """Removing a household member or a file entered by mistake: the reason is kept (encrypted) and audited."""

    reason = StringField(_l("Why is it removed?"), validators=[DataRequired(), Length(max=500)])


class RestrictionForm(Form):
    """Marking a case 要配慮: a reason code only, never words about the person."""

    reason = SelectField(_l("Why is the case 要配慮?"), choices=[(r.value, r.label) for r in RestrictionReason])
    version = HiddenField()


class LinkForm(Form):
    """Linking the case to another case of the household, named by its number."""

    number = StringField(_l("Number of the other case (e.g. 2026-0042)"), validators=[DataRequired(), Length(max=20)])
    # Not "reason": the status form further down the case page has a field of that name (and so that id).
    relation = SelectField(_l("How are they related?"), choices=[(r.value, r.label) for r in LinkReason])


class UnlinkForm(Form):
    """Ending a link: which one and why (a code)."""

    link_id = HiddenField()
    reason = SelectField(_l("Why does the link end?"), choices=[(r.value, r.label) for r in UnlinkReason])
