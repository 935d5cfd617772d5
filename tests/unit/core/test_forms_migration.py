# ruff: noqa: E501  (the macros before they moved, verbatim)
"""While field() and error_summary() move from _forms.html's macros to council.core.forms: every field of every
form of both apps renders byte for byte as the macros rendered it, in both languages, with and without errors, a
hint and refused personal data. (Removed once the macros are gone.)"""

from __future__ import annotations

import importlib
import pkgutil
import re
from types import SimpleNamespace

import pytest
from flask import g, session
from flask_babel import lazy_gettext
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import SelectField as WTFormsSelectField
from wtforms import SelectMultipleField
from wtforms.widgets import Select as WTFormsSelect

import council
from council.core.forms import Select, error_summary, field

#: The macros of _forms.html before they moved (main at c31562d).
OLD = """{% macro field(f, hint=None) %}
<div class="field{% if f.errors %} has-error{% endif %}">
  {{ f.label() }}
  {% if hint %}<p class="hint" id="{{ f.id }}-hint">{{ hint }}</p>{% endif %}
  {% set described = (f.id ~ '-hint ' if hint else '') ~ (f.id ~ '-error' if f.errors else '') ~ (' ' ~ f.id ~ '-found' if f.pii_segments else '') %}
  {{ f(**({'aria-describedby': described.strip(), 'aria-invalid': 'true'} if f.errors else ({'aria-describedby': described.strip()} if described.strip() else {}))) }}
  {% for error in f.errors %}<p class="error" id="{{ f.id }}-error">{{ error }}</p>{% endfor %}
  {% if f.pii_segments %}
  {# Shown only to the writer, in this response; the text was not stored. #}
  <div class="found" id="{{ f.id }}-found" data-testid="pii-found">
    <p class="found-title">{{ _("Where (highlighted). Nothing was saved; remove or rewrite these parts:") }}</p>
    <p class="found-text">{% for piece, finding in f.pii_segments %}{% if finding %}<mark data-kind="{{ finding.kind }}"><span class="visually-hidden">[</span>{{ piece }}<span class="visually-hidden">]</span></mark>{% else %}{{ piece }}{% endif %}{% endfor %}</p>
  </div>
  {% endif %}
</div>
{% endmacro %}
{% macro error_summary(form, id, problems=(), linked=()) %}
{#- ``form``: a WTForms form or none; ``id``: the form element's id; ``problems``: further messages;
    ``linked``: further (message, element id) pairs, linked to that element. Renders nothing without a problem. -#}
{% set failed = (form is not none and form.errors) or problems or linked %}
{% if failed %}
<div class="error-summary" id="{{ id }}-errors" role="alert" tabindex="-1" aria-labelledby="{{ id }}-errors-title"
     data-error-summary data-testid="error-summary">
  <h2 class="error-summary-title" id="{{ id }}-errors-title">{{ _("There is a problem") }}</h2>
  <ul>
  {% if form is not none %}
    {% for message in form.form_errors %}<li>{{ message }}</li>{% endfor %}
    {% for f in form if f.errors %}{% for error in f.errors %}
    {% if f.type in ("HiddenField", "CSRFTokenField") %}<li>{{ error }}</li>
    {% else %}<li><a href="#{{ f.id }}">{{ f.label.text }}: {{ error }}</a></li>{% endif %}
    {% endfor %}{% endfor %}
  {% endif %}
  {% for problem in problems %}<li>{{ problem }}</li>{% endfor %}
  {% for message, target in linked %}<li><a href="#{{ target }}">{{ message }}</a></li>{% endfor %}
  </ul>
</div>
{#- Only pages with a refused form load a script: the others stay script-free. -#}
<script src="{{ url_for('static', filename='forms.js') }}" nonce="{{ g.csp_nonce }}" defer></script>
{% endif %}
{% endmacro %}
"""


def _forms():
    for module in pkgutil.walk_packages(council.__path__, "council."):
        if module.name.rsplit(".", 1)[-1] in ("forms", "formfields", "guarding"):
            importlib.import_module(module.name)
    found, todo = [], [FlaskForm]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            if sub.__module__.startswith("council."):
                found.append(sub)
    return found


def _instances(cls):
    for data in (None, MultiDict({"x": "1"})):
        try:
            yield cls(formdata=data)
        except Exception:  # noqa: BLE001, S112  (a form that needs arguments of its own)
            continue


def _normalise(html: str) -> str:
    return re.sub(r'(name="csrf_token" type="hidden" value=")[^"]*"', r'\1"', html)


@pytest.mark.parametrize("language", ["ja", "en"])
@pytest.mark.parametrize("side", ["council", "platform"])
def test_every_field_renders_as_the_macro_did(app, platform_app, side, language):
    target = app if side == "council" else platform_app
    rendered = selects = 0
    with target.test_request_context("/"):
        session["lang"] = language
        g.csp_nonce = "nonce-1"
        macros = target.jinja_env.from_string(OLD).make_module({"g": g})
        for cls in _forms():
            if cls.__module__.startswith("council.platform.") != (side == "platform"):
                continue
            for form in _instances(cls):
                for f in form:
                    if isinstance(f, WTFormsSelectField) and not isinstance(f, SelectMultipleField):
                        for choice in [None, *list(f.iter_choices())[:2]]:
                            if choice is not None:
                                f.data = choice.value
                            invalid = {"aria-invalid": "true"}
                            assert Select()(f, **invalid) == WTFormsSelect()(f, **invalid)
                            assert Select()(f) == WTFormsSelect()(f)
                            selects += 1
                for variant in range(4):
                    for f in form:
                        if variant >= 1:
                            f.errors = ["A <b>problem</b> & more", lazy_gettext("There is a problem")]
                        if variant == 3:
                            f.pii_segments = [("call <me> ", None),
                                              ("090-1234-5678", SimpleNamespace(kind="phone")), (" now", None)]
                        hint = ("a <hint>" if variant == 1 else lazy_gettext("There is a problem")) if variant else None
                        assert _normalise(field(f, hint)) == _normalise(macros.field(f, hint)), (cls, f.name)
                        rendered += 1
                    for problems, linked in (((), ()), (["p<1>"], [("m&", "t\"1")])):
                        assert _normalise(error_summary(form, "x-form", problems, linked)) == _normalise(
                            macros.error_summary(form, "x-form", problems, linked)), cls
                assert _normalise(error_summary(None, "x-form", ["p"])) == _normalise(
                    macros.error_summary(None, "x-form", ["p"]))
    assert rendered > 400 and selects > 20, (rendered, selects)
