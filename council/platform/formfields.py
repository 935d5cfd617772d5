"""Choices and widgets several platform forms share."""

from __future__ import annotations

from flask import current_app
from wtforms import SelectMultipleField
from wtforms.validators import DataRequired, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from council.core.forms import SelectField
from council.core.i18n import lazy_gettext as _l
from council.platform.organisations.models import ActivityField

#: Several choices as checkboxes: easier than a Ctrl-click multiple select.
CHECKBOXES = ListWidget(prefix_label=False)


def area_choices() -> list[tuple[str, str]]:
    """The deployment's areas (AREAS), read at request time."""
    return [(area, area) for area in current_app.config["AREAS"]]


def field_choices() -> list[tuple[str, str]]:
    return [(f.value, f.label) for f in ActivityField]


def fields_of_activity(label=None, required: bool = True) -> SelectMultipleField:
    return SelectMultipleField(label or _l("Fields of activity"), choices=field_choices, widget=CHECKBOXES,
                               option_widget=CheckboxInput(),
                               validators=[DataRequired(_l("Choose at least one field."))] if required else [])


def area_filter() -> SelectField:
    return SelectField(_l("Area"), choices=lambda: [("", _l("All areas")), *area_choices()], validators=[Optional()])


def field_filter() -> SelectField:
    return SelectField(_l("Field"), choices=lambda: [("", _l("All fields")), *field_choices()],
                       validators=[Optional()])
