"""Forms: how a field renders, and the one convention for a form that fails (issue 8: a refusal far down a long page
looked like nothing happened).

Every form that shows its own errors:
  <form id="NAME-form" method="post" action="…#NAME-form-errors" novalidate>
    {{ form.hidden_tag() }}
    {{ error_summary(form, "NAME-form") }}
    {{ field(form.x) }} …
- ``field()`` and ``error_summary()`` are Jinja globals of both apps (``core.web``): templates call them without an
  import. They are Python, not macros: a page renders a dozen of them, and a macro call costs a new Jinja context.
- error_summary() is the first thing inside the form. When the form has errors (field errors, the form's own
  errors in form.form_errors, or ``problems`` / ``linked`` messages of checks that are not WTForms validators) it
  shows "There is a problem" with one item per problem; a field's problem links to the field (href="#<field id>").
- The action ends in "#<form id>-errors", so the re-rendered page opens at the summary even without script;
  forms.js (loaded by the summary itself: pages without a refused form carry no script) then moves the focus
  to it (role="alert", tabindex="-1") and makes its links focus the field (opening a <details> around it).
- A service that refuses the whole form (a stale edit, a rule the validators cannot see) puts its message in
  form.form_errors and the view renders the same form again; it does not flash() and redirect, which would
  lose what was typed and land somewhere else. The view keeps what was typed by rendering the submitted form.
- tests/unit/core/test_error_summary.py fails when a template renders a WTForms form without error_summary().
- A select is a ``SelectField`` of this module (one pass over its options: WTForms' own widget builds each
  option's attributes through ``Markup.format`` and translates each lazy label twice; issue 13). Inputs and
  textareas keep WTForms' fields and widgets; ``Form.Meta.render_field`` writes their HTML (the same HTML;
  tests/unit/core/test_forms.py compares every such field of every form with WTForms' own).

What is marked safe here is what a template would have treated so: WTForms labels and messages that are lazy
translations (their ``__html__`` is the translation), ``gettext`` of our own catalogue; everything else is escaped.
"""

from __future__ import annotations

import functools

from babel.support import Translations
from flask import g, url_for
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import SelectField as WTFormsSelectField
from wtforms import widgets
from wtforms.i18n import messages_path
from wtforms.widgets.core import clean_key

from council.core.i18n import gettext, language


class Form(FlaskForm):
    """Every form of both apps: Flask-WTF's, with WTForms' own messages read once per language."""

    class Meta:
        def get_translations(self, form):
            return WTFORMS_MESSAGES

        def render_field(self, field, render_kw):
            """WTForms' hook for rendering a field (``field()``, ``str(field)``): as WTForms' own, through the widgets
            of this module where it has one for the field's widget."""
            render_kw = {clean_key(name): value for name, value in render_kw.items()}
            if field.render_kw:
                render_kw = {**{clean_key(name): value for name, value in field.render_kw.items()}, **render_kw}
            render = _WIDGETS.get(type(field.widget))
            if render is None or getattr(field, "_datalist", None) is not None:
                return field.widget(field, **render_kw)
            return render(field.widget, field, **render_kw)


class _WTFormsMessages:
    """WTForms' own messages ("This field is required." …) in the language of the moment (``force_locale`` too).
    Flask-WTF reads WTForms' catalogue from disk again in every request that builds a form (issue 13); it is the
    same for everyone, so it is kept per language for the life of the process."""

    def gettext(self, string):
        return _wtforms_catalogue(language() or "en").ugettext(string)

    def ngettext(self, singular, plural, n):
        return _wtforms_catalogue(language() or "en").ungettext(singular, plural, n)


WTFORMS_MESSAGES = _WTFormsMessages()


@functools.cache
def _wtforms_catalogue(code: str) -> Translations:
    return Translations.load(messages_path(), [code], domain="wtforms")


def _html(text: str) -> Markup:
    """HTML built in this module, in which every value that came from elsewhere went through escape() (or is a
    lazy translation, which WTForms and Jinja treat as markup through its ``__html__``)."""
    return Markup(text)  # noqa: S704


def attributes(**values) -> Markup:
    """HTML attributes as WTForms' ``html_params`` writes them (sorted by name, ``True`` bare, ``False`` left out,
    values escaped), without its ``Markup.format`` per attribute."""
    rendered = []
    for name, value in sorted(values.items()):
        if value is False:
            continue
        names = _attribute_name(name)
        if value is True:
            rendered.append(names[0])
            continue
        text = escape(value)
        if type(value) is not str and '"' in text:  # escape() leaves no '"' in text; markup may hold one
            text = str(text).replace('"', "&quot;")  # (Markup's own replace would escape "&quot;")
        rendered.append(f'{names[1]}="{text}"')
    return _html(" ".join(rendered))


@functools.lru_cache(maxsize=512)
def _attribute_name(keyword: str) -> tuple[str, str]:
    """An attribute's keyword → its name bare (``True``) and escaped (before a value), as html_params writes them: a
    page renders a few hundred attributes of a dozen names (issue 13). Names are the code's; bounded all the same."""
    name = clean_key(keyword)
    return name, str(escape(name))


def _validation_attributes(widget, field, kwargs: dict, *, call: bool = False) -> dict:
    """The widget's ``validation_attrs`` the field's validators set (``required``, ``maxlength`` …), unless given
    (a callable one called, with ``call``, as WTForms' inputs do)."""
    flags = vars(field.flags)
    for name in widget.validation_attrs:
        if name in flags and name not in kwargs:
            value = flags[name]
            kwargs[name] = value() if call and callable(value) else value
    return kwargs


# WTForms' own widgets, rendered as they render (same HTML) without their ``html_params``, which formats each
# attribute through ``Markup.format``, a string formatter in Python (issue 13). Each takes WTForms' widget, whose
# settings (input_type, validation_attrs, hide_value, multiple) it reads.


def _input(widget, field, **kwargs) -> Markup:
    kwargs.setdefault("id", field.id)
    kwargs.setdefault("type", widget.input_type)
    if "value" not in kwargs:
        kwargs["value"] = field._value()
    return _html(f"<input {attributes(name=field.name, **_validation_attributes(widget, field, kwargs, call=True))}>")


def _password(widget, field, **kwargs) -> Markup:
    if widget.hide_value:
        kwargs["value"] = ""
    return _input(widget, field, **kwargs)


def _file(widget, field, **kwargs) -> Markup:
    kwargs["value"] = False  # browsers ignore a file input's value
    if widget.multiple:
        kwargs["multiple"] = True
    return _input(widget, field, **kwargs)


def _date_input(widget, field, **kwargs) -> Markup:
    # WTForms writes a date or time ``min``/``max`` flag in the field's format: no field of ours has one.
    if "min" in vars(field.flags) or "max" in vars(field.flags):
        return widget(field, **kwargs)
    return _input(widget, field, **kwargs)


def _textarea(widget, field, **kwargs) -> Markup:
    kwargs.setdefault("id", field.id)
    text = escape(field._value())
    return _html(f"<textarea {attributes(name=field.name, **_validation_attributes(widget, field, kwargs))}>\r\n"
                 f"{text}</textarea>")


#: The widgets rendered by this module (Form.Meta.render_field), by WTForms' class: exactly these classes, not
#: subclasses of them, which may render otherwise.
_WIDGETS = {widgets.TextInput: _input, widgets.HiddenInput: _input, widgets.PasswordInput: _password,
            widgets.FileInput: _file, widgets.TextArea: _textarea, widgets.DateTimeLocalInput: _date_input,
            widgets.DateInput: _date_input, widgets.TimeInput: _date_input}


class Select(widgets.Select):
    """WTForms' select widget (no option groups: no form of ours has them), the options rendered in one pass."""

    def __call__(self, field, **kwargs):
        kwargs.setdefault("id", field.id)
        if self.multiple:
            kwargs["multiple"] = True
        _validation_attributes(self, field, kwargs)
        options = "".join([self.render_option(choice) for choice in field.iter_choices()])
        return _html(f"<select {attributes(name=field.name, **kwargs)}>{options}</select>")

    @classmethod
    def render_option(cls, choice, **kwargs):
        value = str(choice.value) if isinstance(choice.value, bool) else choice.value
        # A lazy label is translated once, by escape() (WTForms' widget translated it twice).
        label = escape(choice.label) if choice.label is not None else ""
        label = label or escape(value)
        if not (choice.render_kw or kwargs):  # every option of ours: its two attributes, in html_params' order
            selected = "selected " if choice.selected else ""
            return _html(f'<option {selected}value="{str(escape(value)).replace(chr(34), "&quot;")}">{label}</option>')
        options = {"value": value, **(choice.render_kw or {}), **kwargs}
        if choice.selected:
            options["selected"] = True
        return _html(f"<option {attributes(**options)}>{label}</option>")


class SelectField(WTFormsSelectField):
    """The select of every form of ours (WTForms' field with the widget above)."""

    widget = Select()


def field(f, hint=None) -> Markup:
    """A form field with its label, ``hint``, errors (``aria-invalid``, ``aria-describedby``) and, for a text the
    PII guard refused, the refused text with its findings highlighted (shown only to the writer, never stored)."""
    found = getattr(f, "pii_segments", None)
    described = ((f"{f.id}-hint " if hint else "") + (f"{f.id}-error" if f.errors else "")
                 + (f" {f.id}-found" if found else "")).strip()
    described = {"aria-describedby": described} if described else {}
    control = f(**described, **{"aria-invalid": "true"}) if f.errors else f(**described)
    label = attributes(for_=f.label.field_id)
    label = f'<label{" " if label else ""}{label}>{escape(f.label.text)}</label>'
    hint = f'<p class="hint" id="{escape(f.id)}-hint">{escape(hint)}</p>' if hint else ""
    errors = "".join(f'<p class="error" id="{escape(f.id)}-error">{escape(error)}</p>' for error in f.errors)
    return _html(f'\n<div class="field{" has-error" if f.errors else ""}">\n  {label}\n  {hint}\n  \n  {control}\n'
                  f'  {errors}\n  {_found(f, found) if found else ""}\n</div>\n')


def _found(f, segments) -> str:
    """The refused text, its findings marked (the kind of each, and brackets for screen readers)."""
    text = "".join(f'<mark data-kind="{escape(finding.kind)}"><span class="visually-hidden">[</span>{escape(piece)}'
                   f'<span class="visually-hidden">]</span></mark>' if finding else escape(piece)
                   for piece, finding in segments)
    title = escape(gettext("Where (highlighted). Nothing was saved; remove or rewrite these parts:"))
    return (f'\n  \n  <div class="found" id="{escape(f.id)}-found" data-testid="pii-found">\n'
            f'    <p class="found-title">{title}</p>\n    <p class="found-text">{text}</p>\n  </div>\n  ')


def error_summary(form, form_id: str, problems=(), linked=()) -> Markup:
    """"There is a problem" and one item per problem, or nothing when there is none. ``form``: a WTForms form or
    None; ``form_id``: the form element's id; ``problems``: further messages; ``linked``: further (message, element id)
    pairs, linked to that element. A summary loads forms.js, which focuses it: other pages carry no script."""
    if not ((form is not None and form.errors) or problems or linked):
        return _html("\n\n")
    items = ""
    if form is not None:
        messages = "".join(f"<li>{escape(message)}</li>" for message in form.form_errors)
        items = f"\n    {messages}\n    " + "".join(
            f"\n    {_problem(f, error)}\n    " for f in form if f.errors for error in f.errors) + "\n  "
    problems = "".join(f"<li>{escape(problem)}</li>" for problem in problems)
    linked = "".join(f'<li><a href="#{escape(target)}">{escape(message)}</a></li>' for message, target in linked)
    title = f"{escape(form_id)}-errors-title"
    script = url_for("static", filename="forms.js")
    return _html(
        f'\n\n<div class="error-summary" id="{escape(form_id)}-errors" role="alert" tabindex="-1"'
        f' aria-labelledby="{title}"\n     data-error-summary data-testid="error-summary">\n'
        f'  <h2 class="error-summary-title" id="{title}">{escape(gettext("There is a problem"))}</h2>\n'
        f'  <ul>\n  {items}\n  {problems}\n  {linked}\n  </ul>\n</div>'
        f'<script src="{escape(script)}" nonce="{escape(g.get("csp_nonce", ""))}" defer></script>\n\n')


def _problem(f, error) -> str:
    """One field's problem in the summary: a link to the field, unless the field is not shown (a hidden field)."""
    if f.type in ("HiddenField", "CSRFTokenField"):
        return f"<li>{escape(error)}</li>\n    "
    return f'<li><a href="#{escape(f.id)}">{escape(f.label.text)}: {escape(error)}</a></li>'
