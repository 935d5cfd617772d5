"""The review form: one comment, required, about what was checked; the correction form of a comment; the sampling
form (a GET: its numbers are checked here, so that a mistyped seed or size is an error on its field, never replaced
by another value silently)."""

from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from council.audit.reviews.sampling import MAX_SIZE, SEED_DIGITS
from council.core.forms import Form
from council.core.i18n import lazy_gettext as _l


def _comment():
    return TextAreaField(_l("Comment (what you checked and what follows; never the person's details)"),
                         validators=[DataRequired(_l("Write what you checked.")),
                                     Length(max=500, message=_l("At most 500 characters."))])


class ReviewForm(Form):
    comment = _comment()
    #: Where the review was started from (a list, a rule, a sample): a code, checked by the service.
    source = HiddenField()


class ReviewEditForm(Form):
    """Correcting a review's comment (the reviewer or another auditor of the council)."""

    comment = _comment()
    #: The review's version the form was opened on (core.editing).
    version = HiddenField()


class SampleForm(Form):
    """The size and seed of a draw, as typed; the date range and filters are the log's (LogFilter)."""

    class Meta:
        csrf = False  # a GET that draws a sample (audited) but changes nothing else

    n = StringField(_l("How many events"), validators=[Optional()], render_kw={"inputmode": "numeric"})
    seed = StringField(_l("Seed (empty: a new one)"), render_kw={"inputmode": "numeric"}, validators=[
        Optional(), Regexp(rf"^\s*[0-9]{{1,{SEED_DIGITS}}}\s*$",
                           message=_l("A seed is a whole number of at most %(n)d digits.", n=SEED_DIGITS))])

    def validate_n(self, field):
        text = (field.data or "").strip()
        if not (text.isascii() and text.isdigit() and 1 <= int(text) <= MAX_SIZE):
            raise ValidationError(_l("Enter a whole number from 1 to %(n)d.", n=MAX_SIZE))

    @property
    def size(self) -> int | None:
        """The size typed (valid form), or None for the default."""
        return int(self.n.data) if (self.n.data or "").strip() else None

    @property
    def seed_value(self) -> int | None:
        """The seed typed (valid form), or None: a first draw picks one."""
        return int(self.seed.data) if (self.seed.data or "").strip() else None
