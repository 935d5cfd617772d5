"""The review form: one comment, required, about what was checked — never about the person."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, TextAreaField
from wtforms.validators import DataRequired, Length


class ReviewForm(FlaskForm):
    comment = TextAreaField(_l("Comment (what you checked and what follows; never the person's details)"),
                            validators=[DataRequired(_l("Write what you checked.")),
                                        Length(max=500, message=_l("At most 500 characters."))])
    #: Where the review was started from (a list, a rule, a sample): a code, checked by the service.
    source = HiddenField()
