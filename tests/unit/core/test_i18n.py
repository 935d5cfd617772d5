"""Translations in templates and Python (core.i18n): the same texts as flask-babel gives, looked up less often."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask, render_template_string
from flask_babel import Babel, force_locale
from hypothesis import given
from hypothesis import strategies as st
from jinja2 import DictLoader, Undefined, UndefinedError, pass_context, pass_environment
from markupsafe import Markup, escape

from council.core import i18n

TRANSLATIONS = Path(i18n.__file__).resolve().parents[1] / "translations"


@pytest.fixture
def app() -> Flask:
    app = Flask(__name__)
    app.jinja_environment = i18n.TranslatedEnvironment
    app.config.update(BABEL_DEFAULT_LOCALE="ja", BABEL_TRANSLATION_DIRECTORIES=str(TRANSLATIONS))
    Babel(app)
    return app


def test_a_constant_text_is_compiled_into_the_template(app):
    with app.test_request_context(), force_locale("ja"):
        source = app.jinja_env.compile('{{ _("Home") }} {{ gettext("Inbox") }}', raw=True)
    assert "ホーム" in source and "受信箱" in source and "context.call" not in source


def test_a_template_that_names_a_variable_underscore_keeps_it(app):
    with app.test_request_context():
        assert render_template_string('{% for _ in ["a", "b"] %}{{ _ }}{% endfor %}') == "ab"
        assert render_template_string('{% set gettext = "mine" %}{{ gettext }}') == "mine"


@pytest.mark.parametrize("language", ["ja", "en"])
def test_python_texts_are_flask_babels(app, language):
    import flask_babel

    with app.test_request_context(), force_locale(language):
        assert i18n.gettext("Home") == flask_babel.gettext("Home")
        assert i18n.gettext("Page %(page)s of %(pages)s.", page=2, pages=3) == \
            flask_babel.gettext("Page %(page)s of %(pages)s.", page=2, pages=3)
        assert i18n.ngettext("%(num)d case", "%(num)d cases", 2) == flask_babel.ngettext("%(num)d case",
                                                                                      "%(num)d cases", 2)
        assert str(i18n.lazy_gettext("Home")) == flask_babel.gettext("Home")


def test_a_forced_language_then_the_request_s_own(app):
    lazy = i18n.lazy_gettext("Home")
    with app.test_request_context():
        flask_babel_default = str(lazy)  # Japanese: the council's default
        with force_locale("en"):
            assert str(lazy) == "Home"
        assert str(lazy) == flask_babel_default == "ホーム"
    assert i18n.gettext("Home") == "Home"  # outside any request: the text as written


def test_an_imported_macro_sees_the_globals_it_saw_before(app):
    """Imports keep Jinja's meaning (core.i18n._Template): the macros of a template imported where it has all the
    importer's globals come from its one cached module; where the importer has a global of its own, from a module
    built with it."""
    app.jinja_env.loader = DictLoader({"macros.html": "{% macro who() %}{{ name or 'nobody' }}{% endmacro %}",
                                       "page.html": '{% from "macros.html" import who %}{{ who() }}'})
    with app.test_request_context():
        env = app.jinja_env
        assert env.get_template("page.html").render() == "nobody"
        assert env.get_template("macros.html")._get_default_module(env.get_template("page.html").new_context()) \
            is env.get_template("macros.html")._get_default_module()
        env.cache.clear()
        assert env.get_template("page.html", globals={"name": "佐藤"}).render() == "佐藤"


# -- how templates call functions (i18n._Context) -------------------------------------------------------------------


def _render(app, source: str, **context) -> str:
    with app.test_request_context():
        assert type(app.jinja_env.from_string("").new_context()) is i18n._Context
        return render_template_string(source, **context)


def test_a_plain_function_gets_what_the_template_passes_and_nothing_of_jinjas(app):
    seen = []

    def remember(*args, **kwargs):
        seen.append((args, kwargs))
        return "ok"

    # Inside a loop and a block Jinja adds `_loop_vars` and `_block_vars` to every call: they are never passed on.
    page = _render(app, '{% for i in [1] %}{{ f(i, b=2) }}{% endfor %}{% block x %}{{ f(3) }}{{ d.get("k") }}'
                        '{{ m(4, c=5) }}{% endblock %}', f=remember, d={"k": "v"}, m=_Methods().method)
    assert page == "okokv4:[&#39;c&#39;]"
    assert seen == [((1,), {"b": 2}), ((3,), {})]


class _Methods:
    def method(self, *args, **kwargs):
        return f"{args[0]}:{sorted(kwargs)}"

    @pass_context
    def __call__(self, context, name):
        return context[name]


def test_what_asks_for_the_context_still_gets_it(app):
    @pass_context
    def from_context(context, name):
        return context[name]

    @pass_environment
    def from_environment(environment):
        return type(environment).__name__

    page = _render(app, '{% for i in [1] %}{{ f("who") }} {{ e() }} {{ o("who") }}{% endfor %}',
                   f=from_context, e=from_environment, o=_Methods(), who="本人")
    assert page == "本人 TranslatedEnvironment 本人"


def test_a_function_that_raises_stopiteration_gives_undefined_as_jinja_does(app):
    def exhausted():
        raise StopIteration

    assert _render(app, "[{{ f() }}]", f=exhausted) == "[]"
    with pytest.raises(UndefinedError, match="StopIteration"):
        _render(app, "{{ f().x }}", f=exhausted)


# -- blocks joined where they are called (i18n._BlocksJoined) ---------------------------------------------------------

TEMPLATES = {
    "base.html": '<title>{% block title %}site{% endblock %}</title><main>{% block content %}{% endblock %}</main>'
                 '{% block footer required %}{% endblock %}<p>{{ self.title() }}</p>',
    "layout.html": '{% extends "base.html" %}{% block title %}{{ page }} · {{ super() }}{% endblock %}'
                   '{% block footer %}<footer>{% block note %}note{% endblock %}</footer>{% endblock %}',
    "page.html": '{% extends "layout.html" %}{% set shown = 3 %}'
                 '{% block content %}{% for item in items %}{% block item scoped %}<li>{{ item }}</li>{% endblock %}'
                 '{% endfor %}{% if shown %}<b>{{ "<&>" }}</b>{% endif %}{% include "part.html" %}{% endblock %}'
                 '{% block note %}{{ super() }} and more{% endblock %}',
    "maybe.html": '{% if parent %}{% extends parent %}{% endif %}{% block content %}alone{% endblock %}',
    "part.html": '{% block inner %}<i>{{ page }}</i>{% endblock %}',
    "escapes.html": '{{ text }}{{ markup }}{{ number }}{{ nothing }}{{ missing }}{{ text|e }}{{ text ~ markup }}'
                    '{% set kept %}<p>{{ text }}</p>{% endset %}{{ kept }}{% macro m(x) %}<q>{{ x }}</q>{% endmacro %}'
                    '{{ m(text) }}{{ m(markup) }}{% filter upper %}{{ text }}{% endfilter %}'
                    '{% macro box() %}<div>{{ caller() }}</div>{% endmacro %}{% call box() %}{{ text }}{% endcall %}'
                    '{% autoescape false %}{{ text }}{% endautoescape %}',
}


@pytest.mark.parametrize("name, context", [
    ("page.html", {"page": "ケース", "items": ["a", "<b>"]}),
    ("maybe.html", {"parent": "layout.html", "page": "p"}),
    ("maybe.html", {"parent": None}),
    ("base.html", {}),
    ("escapes.html", {"text": "<a href='x'>&\"</a>", "markup": Markup("<b>&amp;</b>"), "number": 7, "nothing": None}),
])
def test_a_template_renders_as_jinja_renders_it(app, name, context):
    """Blocks and extended templates (super(), scoped blocks in a loop, self.block(), an extends under a condition,
    a required block, includes) and escaped values (text, markup, numbers, None, undefined, filters, macros, a set
    block, a call block, autoescape off) give the page Jinja gives, byte for byte (i18n._TemplateCode)."""
    from jinja2 import Environment, TemplateRuntimeError

    jinja = Environment(loader=DictLoader(TEMPLATES), autoescape=True)
    app.jinja_env.loader = DictLoader(TEMPLATES)
    with app.test_request_context():
        ours = app.jinja_env.get_template(name)
        if name == "base.html":  # the required block that nobody fills is refused, as by Jinja
            with pytest.raises(TemplateRuntimeError):
                ours.render(**context)
            return
        assert ours.render(**context) == jinja.get_template(name).render(**context)
        assert "yield from context.blocks" not in app.jinja_env.compile(TEMPLATES[name], raw=True)


class _Html:
    def __init__(self, html):
        self.html = html

    def __html__(self):
        return self.html


@given(st.one_of(st.text(), st.integers(), st.none(), st.booleans(), st.floats(allow_nan=False),
                 st.text().map(Markup), st.text().map(_Html), st.text().map(lambda text: _Html(Markup(text)))))  # noqa: S704
def test_an_output_value_is_escaped_as_markupsafe_escapes_it(value):
    assert i18n.escape_output(value) == str(escape(value))


def test_an_output_value_lazy_or_undefined_is_escaped_as_markupsafe_escapes_it(app):
    with app.test_request_context(), force_locale("ja"):
        assert i18n.escape_output(i18n.lazy_gettext("Home")) == str(escape(i18n.lazy_gettext("Home"))) == "ホーム"
    assert i18n.escape_output(Undefined()) == str(escape(Undefined())) == ""
