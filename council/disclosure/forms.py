"""The disclosure report's confirmation: which watermark the print carries."""

from wtforms import RadioField
from wtforms.validators import InputRequired

from council.core.forms import Form
from council.core.i18n import lazy_gettext as _l
from council.disclosure.services import Watermark


class GenerateForm(Form):
    watermark = RadioField(_l("Watermark of the print"), default=Watermark.PERSON.value,
                           choices=[(w.value, w.label) for w in Watermark],
                           validators=[InputRequired(_l("Choose what the watermark names."))])
