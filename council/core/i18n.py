"""Translations: the functions Python code translates with, and templates compiled once per language.

Python code imports ``gettext as _``, ``lazy_gettext as _l`` and ``ngettext`` from here, never from flask_babel
(tests/unit/core/test_i18n.py holds that). They are flask-babel's, with one difference: flask-babel resolves the
context, the domain and the locale again for every text (three context look-ups through ``g``, about 6 µs), where
these read the catalogue flask-babel already chose for this context (its ``g._flask_babel``: the domain and the
locale, ``force_locale``'s included) from the domain's own cache, and ask flask-babel only while that is not
resolved yet (the first text of a request, outside any context).


Jinja compiles ``{{ _("Status") }}`` into a call that, through flask-babel, resolves the request's context, domain
and locale before it looks the text up: about 12 µs, a hundred times on a case page. The text and the language are
both known when the template is compiled, so the environment compiles each template once per language and puts the
translation in its place: ``_("Status")`` becomes the constant ``Markup("状況")`` (what Jinja's newstyle gettext
returns under autoescape), which Jinja then folds into the template's static text. ``_("… %(name)s", name=x)`` keeps
only the formatting at run time (the translated format string as ``Markup``, so ``x`` is escaped as before);
``ngettext`` stays a call (its text depends on the number).

The language is the one flask-babel resolves for the current context when the template is loaded, so
``flask_babel.force_locale("ja")`` inside an English request loads (and renders) the Japanese template.

For whoever writes templates: ``_()`` and ``gettext()`` are always the translation functions (never a variable's
name), and their first argument is a literal string, as ``pybabel extract`` needs anyway.

The same environment calls a plain function a template calls (``field(…)``, ``url_for(…)``, ``page.users.get(…)``)
without asking in Python, twice, whether it wants Jinja's context (``_Context``); what it is passed is Jinja's. And it
joins a block's output where the block is called (``_TemplateCode``), so that each piece of a page's content is not
passed up through every template it extends, and writes ``{{ value }}`` escaped as text (``escape_output``), not as
a Markup object made for each value only to be joined.
"""

from __future__ import annotations

from types import BuiltinFunctionType, FunctionType, MethodType

from flask import templating
from flask.globals import _cv_app
from flask_babel import get_locale, get_translations
from flask_babel.speaklater import LazyString
from jinja2 import Template, nodes
from jinja2.compiler import CodeGenerator
from jinja2.runtime import Context
from jinja2.utils import internalcode
from jinja2.visitor import NodeTransformer
from markupsafe import escape

try:  # markupsafe's escaping of a str into a str, in C, which its escape() wraps in a Markup object
    from markupsafe import _escape_inner
except ImportError:  # a markupsafe without it: its escape(), as text
    def _escape_inner(text: str) -> str:
        return str(escape(text))

#: The names under which Jinja's i18n extension installs gettext.
GETTEXT_NAMES = frozenset({"_", "gettext"})


def gettext(string: str, **variables) -> str:
    """``string`` in the current language, formatted with ``variables`` (``%(name)s``) if any."""
    text = _translations().ugettext(string)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, num: int, **variables) -> str:
    """The singular or plural form for ``num`` in the current language, formatted with ``num`` and ``variables``."""
    variables.setdefault("num", num)
    return _translations().ungettext(singular, plural, num) % variables


def lazy_gettext(string: str, **variables) -> LazyString:
    """``gettext`` when the text is used: labels and choices defined at import, shown in each request's language."""
    return LazyString(gettext, string, **variables)


def _translations():
    try:
        context = _babel_state()
        domain = context.babel_domain
        return domain.cache[_name(context.babel_locale), domain.domain[0]]
    except (AttributeError, KeyError, LookupError):
        return get_translations()  # resolves and remembers the domain, the locale and the catalogue


def language() -> str | None:
    """The context's language as flask-babel resolved it ("ja", "en"; read where it keeps it, else resolved now),
    None outside any request or app context. flask-babel's ``str(get_locale())`` resolves its state through the
    ``g`` proxy and names the locale anew each time: this is asked for every field a form builds (issue 13)."""
    try:
        locale = _babel_state().babel_locale
    except (AttributeError, LookupError):
        locale = None
    locale = locale or get_locale()
    return _name(locale) if locale else None


def _babel_state():
    """flask-babel's state of the current context (its ``g._flask_babel``), read from the app context as the ``g``
    proxy reads it: the proxy alone costs half a look-up (issue 13). LookupError outside an app context."""
    return _cv_app.get().g._flask_babel


#: The last locale named and its name: ``str()`` of a babel Locale joins its parts anew each time, and the texts of
#: a page are asked in one language (a forced one is another object, named in its turn).
_named: tuple[object, str] = (object(), "")


def _name(locale) -> str:
    global _named
    known, name = _named
    if locale is not known:
        name = str(locale)
        _named = (locale, name)
    return name


class _Template(Template):
    """Jinja's template, importing macros (``{% from "_forms.html" import post_button %}``) without Jinja's question
    asked in Python: whether the importing template has globals the imported one lacks is ``set - ChainMap.keys()``,
    done by ``collections.abc`` one name at a time through the ChainMap (about 40 look-ups per import, three imports
    per case page; issue 13). The same question, in C; the answer and what follows from it are Jinja's."""

    def _get_default_module(self, ctx=None):
        if ctx is not None and not ctx.globals_keys.difference(self.globals):
            ctx = None  # nothing the cached module lacks: Jinja's cached module
        return super()._get_default_module(ctx)


#: Callables that Jinja would call as they are unless they carry ``jinja_pass_arg`` themselves: a function, a bound
#: method (whose attributes are its function's), a built-in. An object with ``__call__`` (a macro, a field) is not one.
_PLAIN_CALLABLES = frozenset({FunctionType, MethodType, BuiltinFunctionType})


class _Context(Context):
    """Jinja's context, calling a plain function the template calls (``{{ field(form.x) }}``, ``page.users.get(…)``)
    without Jinja's questions asked in Python: whether its ``__call__`` wants the context (a function's never does)
    and, through a helper, whether it does. About 7,000 instructions a call less, 120 calls a case page (issue 13).
    What the function gets and what comes back are Jinja's: ``_loop_vars`` and ``_block_vars`` dropped, a
    StopIteration made undefined; anything else, or a function marked ``pass_context`` & co., goes to Jinja."""

    @internalcode
    def call(__self, __obj, *args, **kwargs):  # Jinja's names: a template may pass `self` or `obj`
        if type(__obj) not in _PLAIN_CALLABLES or hasattr(__obj, "jinja_pass_arg"):
            return super().call(__obj, *args, **kwargs)
        if kwargs:
            kwargs.pop("_block_vars", None)
            kwargs.pop("_loop_vars", None)
        try:
            return __obj(*args, **kwargs)
        except StopIteration:
            return __self.environment.undefined("value was undefined because a callable raised a StopIteration "
                                                "exception")


def escape_output(value) -> str:
    """What a template writes for ``{{ value }}`` under autoescape: markupsafe's ``escape(value)``, as text.

    Jinja writes ``escape(value)`` for every value it outputs and joins the pieces into one string, so the Markup
    object that escape() makes of each (a Python ``__new__``, about 360 a case page) is thrown away at once: the same
    text without it is 1.1 M instructions of a case page's 22.5 M (issue 13). Where a template's pieces become
    markup (a macro's result, ``{% set %}…{% endset %}``), Jinja makes the Markup of the joined string itself.
    tests/unit/core/test_i18n.py holds it equal to ``str(escape(value))``."""
    if type(value) is str:
        return _escape_inner(value)
    html = getattr(value, "__html__", None)
    if html is None:
        return _escape_inner(str(value))
    text = html()
    return text if isinstance(text, str) else str(escape(value))


class _TemplateCode(CodeGenerator):
    """Jinja's code generator, with two changes to the Python a template compiles to (the output is the same string):

    - A block's output is joined into one string where the block is called, and a child template's likewise where it
      hands over to the template it extends. Jinja renders a block as a generator, and the template that calls it
      passes each piece on (``yield from``): a piece of a case page's content (about 700 a page) went up through the
      content block, base.html, layout.html and the page's own template, each resumed for it. Joined where it is
      called (``concat``, which every function of a compiled template has), a piece is taken by the join in C from
      the block that made it: 0.5 M instructions of a case page's 23 M (issue 13). Only ``Template.generate()``,
      which no view uses, yields the page in fewer pieces.
    - ``escape`` in the compiled template is :func:`escape_output`. Jinja's compiled code uses that name only for
      the values it outputs (``_output_child_pre``); filters (``|e``) and macros keep markupsafe's."""

    _PASSED_UP = ("yield from context.blocks[", "yield from parent_template.root_render_func(context)")
    _RUNTIME = "from jinja2.runtime import "

    def writeline(self, x: str, node=None, extra: int = 0) -> None:
        if x.startswith(self._PASSED_UP):
            x = f"yield concat({x.removeprefix('yield from ')})"
        super().writeline(x, node, extra)
        if x.startswith(self._RUNTIME) and " escape," in x:
            super().writeline(f"from {__name__} import escape_output as escape")


class TranslatedEnvironment(templating.Environment):
    """Flask's Jinja environment, compiling each template once per language with its constant texts translated."""

    template_class = _Template
    context_class = _Context
    code_generator_class = _TemplateCode

    def __init__(self, app, **options):
        super().__init__(app, **options)
        if self.cache is not None:
            self.cache = _CachePerLanguage(self.cache)

    def _parse(self, source, name, filename):
        # Jinja's one entry point from template source to syntax tree (parse() and compile() both call it).
        return _BakeTranslations(get_translations()).visit(super()._parse(source, name, filename))


class _CachePerLanguage:
    """Jinja's template cache with the language in each key: a template compiled for Japanese has Japanese in it."""

    def __init__(self, cache):
        self.cache = cache

    def get(self, key, default=None):
        return self.cache.get((str(language()), key), default)

    def __setitem__(self, key, template) -> None:
        self.cache[(str(language()), key)] = template

    def clear(self) -> None:
        self.cache.clear()

    def copy(self) -> _CachePerLanguage:
        return _CachePerLanguage(self.cache.copy())


class _BakeTranslations(NodeTransformer):
    """Replace each ``_("literal", **variables)`` by its translation in ``translations``."""

    def __init__(self, translations):
        self.translations = translations

    def visit_Template(self, node: nodes.Template) -> nodes.Template:
        # A template that assigns `_` or `gettext` itself (a loop variable, a macro argument) keeps its calls.
        if any(name.name in GETTEXT_NAMES for name in node.find_all(nodes.Name) if name.ctx != "load"):
            return node
        return self.generic_visit(node)

    def visit_Call(self, node: nodes.Call) -> nodes.Node:
        node = self.generic_visit(node)
        if not (isinstance(node.node, nodes.Name) and node.node.name in GETTEXT_NAMES and len(node.args) == 1
                and isinstance(node.args[0], nodes.Const) and isinstance(node.args[0].value, str)
                and node.dyn_args is None and node.dyn_kwargs is None):
            return node
        text = self.translations.ugettext(node.args[0].value)
        if node.kwargs:
            variables = nodes.Dict([nodes.Pair(nodes.Const(keyword.key), keyword.value) for keyword in node.kwargs])
            return _located(nodes.Mod(nodes.MarkSafeIfAutoescape(nodes.Const(text)), variables), node)
        try:
            # Newstyle gettext always formats (`%%` becomes `%`), with no variables here.
            text = text % {}
        except (KeyError, TypeError, ValueError):
            return node  # fails at run time, as it did before
        return _located(nodes.MarkSafeIfAutoescape(nodes.Const(text)), node)


def _located(new: nodes.Node, old: nodes.Node) -> nodes.Node:
    """``new`` at ``old``'s line in the template, for error messages."""
    return new.set_lineno(old.lineno).set_environment(old.environment)
