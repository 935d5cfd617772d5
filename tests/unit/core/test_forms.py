"""How a field renders (``council.core.forms``): what a user and a screen reader get from ``field()`` and the select
of our forms, in both languages, and that it is the one way to render them."""

from __future__ import annotations

import importlib
import re
from pathlib import Path
from types import SimpleNamespace

from flask import session
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict
from wtforms import StringField
from wtforms.meta import DefaultMeta
from wtforms.validators import DataRequired

from council.core.forms import _WIDGETS, Form, SelectField, field

PACKAGE = Path(__file__).resolve().parents[3] / "council"


class NameForm(Form):
    name = StringField(_l("Full name"), validators=[DataRequired()])
    kind = SelectField(_l("Kind of contact"), choices=[("phone", _l("Phone call")), ("a&b", "A <&> B")])


def test_a_field_names_its_hint_error_and_refused_text(app):
    with app.test_request_context("/"):
        session["lang"] = "en"
        form = NameForm(formdata=None)
        plain = field(form.name)
        form.name.errors = ["Say <who>."]
        form.name.pii_segments = [("call ", None), ("090-1234-5678", SimpleNamespace(kind="phone"))]
        refused = field(form.name, hint="Your <own> name")
    assert '<label for="name">Full name</label>' in plain and "aria-" not in plain and "has-error" not in plain
    assert '<div class="field has-error">' in refused
    assert '<p class="hint" id="name-hint">Your &lt;own&gt; name</p>' in refused
    assert 'aria-describedby="name-hint name-error name-found" aria-invalid="true"' in refused
    assert '<p class="error" id="name-error">Say &lt;who&gt;.</p>' in refused
    assert '<div class="found" id="name-found" data-testid="pii-found">' in refused
    assert ('call <mark data-kind="phone"><span class="visually-hidden">[</span>090-1234-5678'
            '<span class="visually-hidden">]</span></mark>') in refused


def test_a_select_keeps_the_choice_and_speaks_the_language_of_the_page(app):
    with app.test_request_context("/"):
        session["lang"] = "en"
        form = NameForm(formdata=None)
        form.kind.data = "a&b"
        english = field(form.kind)
        with force_locale("ja"):  # minutes and mail render Japanese inside an English request
            japanese = str(form.kind())
    assert ('<select id="kind" name="kind"><option value="phone">Phone call</option>'
            '<option selected value="a&amp;b">A &lt;&amp;&gt; B</option></select>') in english
    assert '<option value="phone">電話</option>' in japanese


def test_wtforms_own_messages_speak_the_language_of_the_moment(app):
    with app.test_request_context("/"):
        session["lang"] = "en"
        english = NameForm(formdata=MultiDict())
        english.validate()
        with force_locale("ja"):
            japanese = NameForm(formdata=MultiDict())
            japanese.validate()
    assert english.name.errors == ["This field is required."]
    assert japanese.name.errors and japanese.name.errors != english.name.errors


def test_templates_and_forms_use_the_one_way():
    """field() and error_summary() are globals (no macro of that name is left); every form is a core.forms.Form and
    every select its SelectField."""
    for template in PACKAGE.rglob("templates/**/*.html"):
        text = template.read_text(encoding="utf-8")
        assert not re.search(r"\{% *from [^%]*import[^%]*\b(field|error_summary)\b", text), template
        assert not re.search(r"macro (field|error_summary)\b", text), template
    for module in set(PACKAGE.rglob("*.py")) - {PACKAGE / "core" / "forms.py"}:
        text = module.read_text(encoding="utf-8")
        assert not re.search(r"from wtforms import [^\n]*\bSelectField\b|^    SelectField,$", text, re.M), module
        assert "FlaskForm" not in text, module


def _forms():
    """Every form class of both apps (their modules imported)."""
    for module in PACKAGE.rglob("*.py"):
        if "forms" in module.name or "guarding" in module.name:
            importlib.import_module(".".join(module.relative_to(PACKAGE.parent).with_suffix("").parts))
    found, todo = set(), [Form]
    while todo:
        for subclass in todo.pop().__subclasses__():
            found.add(subclass)
            todo.append(subclass)
    return found


def test_our_widgets_render_what_wtforms_own_render(app):
    """Form.Meta renders inputs and textareas itself: every such field of every form, with what a page passes (an
    error's attributes, a value to escape), comes out as WTForms' own widget writes it."""
    compared = 0
    with app.test_request_context("/"):
        for form_class in _forms():
            try:
                form = form_class(formdata=None)
            except TypeError:  # a form built with arguments of its own
                continue
            for f in form:
                if type(f.widget) not in _WIDGETS:
                    continue
                if isinstance(f, StringField):
                    f.data = 'a "quoted" <b>&amp;</b>'
                for given in ({}, {"aria-describedby": "x-error", "aria-invalid": "true"}, {"class_": "wide"}):
                    assert f(**given) == DefaultMeta().render_field(f, given), (form_class, f.name)
                    compared += 1
    assert compared > 100


def test_attributes_are_written_as_wtforms_writes_them():
    from markupsafe import Markup
    from wtforms.widgets.core import html_params

    from council.core.forms import _attribute_name, attributes

    values = {"id": 'a"b&c<d>', "class_": "x y", "for_": "f", "data_row_id": 7, "aria_describedby": "h e",
              "required": True, "readonly": False, "title": Markup('<b class="k">&amp;</b>'), "maxlength": 500,
              "value": "", "placeholder": "名前 'と' 番号"}
    for _ in range(2):  # the names' second look is from what the first kept
        assert attributes(**values) == html_params(**values)
    for number in range(600):  # however many names a page used, the kept ones stay bounded
        assert attributes(**{f"data_n{number}": number}) == html_params(**{f"data_n{number}": number})
    assert _attribute_name.cache_info().currsize <= 512
