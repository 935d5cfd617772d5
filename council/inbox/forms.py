"""The inbox's one form: the user's own notification-mail setting."""

from __future__ import annotations

import re

from wtforms import BooleanField, EmailField, HiddenField
from wtforms.validators import Length, ValidationError

from council.core.forms import Form
from council.core.i18n import lazy_gettext as _l

#: One @, something before it, a dotted domain after it, no spaces or control characters: enough to catch a
#: typo; whether the address works shows when the first mail arrives.
_ADDRESS = re.compile(r"[^@\s\x00-\x1f\x7f]+@[^@\s\x00-\x1f\x7f]+\.[^@\s\x00-\x1f\x7f]+")


class MailSettingForm(Form):
    address = EmailField(_l("E-mail address for notices"), validators=[Length(max=254)])
    enabled = BooleanField(_l("E-mail me when new items wait (only their number, never what they are)"))
    version = HiddenField()

    def validate_address(self, field) -> None:
        if field.data and not _ADDRESS.fullmatch(field.data.strip()):
            raise ValidationError(_l("Enter an e-mail address such as name@city.example.lg.jp."))

    def validate_enabled(self, field) -> None:
        if field.data and not (self.address.data or "").strip():
            raise ValidationError(_l("Give an address to receive notices at."))
