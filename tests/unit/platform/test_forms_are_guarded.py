"""Every platform form passes its free text through the PII guard: this is enforced by the form base class,
and this test makes sure no platform form escapes it."""

import importlib
import pkgutil

import pytest
from flask_wtf import FlaskForm

import council.platform
from council.platform.guarding import GuardedForm


def _platform_forms() -> list[type]:
    for module in pkgutil.walk_packages(council.platform.__path__, "council.platform."):
        importlib.import_module(module.name)
    found, pending = [], [FlaskForm]
    while pending:
        for sub in pending.pop().__subclasses__():
            pending.append(sub)
            if sub.__module__.startswith("council.platform."):
                found.append(sub)
    return found


FORMS = _platform_forms()


def test_the_platform_has_forms_to_check():
    assert len(FORMS) >= 12


@pytest.mark.parametrize("form", FORMS, ids=lambda form: f"{form.__module__}.{form.__name__}")
def test_every_platform_form_is_guarded(form):
    assert issubclass(form, GuardedForm)


@pytest.mark.parametrize("form", FORMS, ids=lambda form: f"{form.__module__}.{form.__name__}")
def test_only_login_names_skip_the_guard_and_only_staff_names_may_hold_names(form):
    assert set(form.unguarded_fields) <= {"username"}
    assert set(form.name_fields) <= {"display_name"}
    assert set(form.contact_fields) <= {"public_contact", "contact"}
