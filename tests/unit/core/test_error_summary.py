"""Every form that can be refused shows the one error summary (``council.core.forms.error_summary``), on both sides.

A refusal far down a long page used to look as if nothing happened (issue 8). This walks every template
and fails when a form that renders a WTForms form, or a text input of its own, does not call it at
its top, has no id, or (when it posts) does not send the browser back to its summary with its action's
``#<form id>-errors``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[3] / "council"
TEMPLATES = sorted(p for p in PACKAGE.rglob("templates/**/*.html") if p.name != "_forms.html")
FORM = re.compile(r"<form\b(?P<tag>[^>]*)>(?P<body>.*?)</form>", re.S)
#: What makes a form one the user fills in: fields of a WTForms form, or inputs and lists of its own.
FILLED_IN = re.compile(r"field\(|_setup_fields\.html|_profile_fields\.html|\{\{ *\w*form\.\w+\(\)|<textarea|<select"
                       r"|<input(?![^>]*type=\"(?:hidden|submit)\")")
#: Forms that cannot be refused, and why. Nothing else may be left out.
CANNOT_FAIL = {
    "core/templates/base.html": "the language switch: an unknown language is ignored",
    "audit/templates/audit/log.html": "a GET filter of the audit log: the view ignores a value it cannot read",
    "audit/templates/audit/reviews/_review.html": "a GET range of dates: an unreadable date falls back to the default",
}


def _forms() -> list[tuple[str, str, str]]:
    found = []
    for path in TEMPLATES:
        name = str(path.relative_to(PACKAGE))
        for match in FORM.finditer(path.read_text(encoding="utf-8")):
            if name not in CANNOT_FAIL and FILLED_IN.search(match["body"]):
                found.append((name, match["tag"], match["body"]))
    return found


FORMS = _forms()


def _pattern(template_id: str) -> str:
    """An id as the browser sees it: ``delete-form-{{ r.id }}`` and ``"delete-form-" ~ r.id`` are 'delete-form-*'."""
    template_id = re.sub(r"\{\{.*?\}\}", "*", template_id)
    return re.sub(r"[\"'] ~ [\w.]+$", "*", template_id).strip("\"'")


def test_the_walk_finds_the_forms_of_both_sides():
    names = {name for name, _tag, _body in FORMS}
    assert len(FORMS) >= 38
    assert {"cases/templates/cases/view.html", "cases/templates/cases/new.html", "core/templates/auth/setup.html",
            "platform/board/templates/board/thread.html", "platform/places/templates/places/form.html"} <= names


@pytest.mark.parametrize(("name", "tag", "body"), FORMS, ids=[f"{n}:{i}" for i, (n, _t, _b) in enumerate(FORMS)])
def test_every_form_shows_the_error_summary_at_its_top(name, tag, body):
    form_id = re.search(r'\bid="([^"]+)"', tag)
    assert form_id, f"{name}: a form the user fills in needs an id (its summary is '<id>-errors')"
    form_id = _pattern(form_id[1])
    call = re.search(r"error_summary\(\s*[\w.]+\s*,\s*(\"[^\"]*\"(?: ~ [\w.]+)?|'[^']*')", body)
    assert call, f"{name}: form {form_id!r} does not call error_summary()"
    assert _pattern(call[1]) == form_id, f"{name}: error_summary is given {call[1]!r}, the form's id is {form_id!r}"
    first_input = re.search(r"field\(|_fields\.html|<textarea|<select|<input(?![^>]*type=\"hidden\")", body)
    assert first_input is None or call.start() < first_input.start(), f"{name}: the summary must precede the fields"
    if 'method="post"' in tag:
        anchors = re.findall(r"action=\"#([\w-]+)\"|_anchor='([\w%-]+)'", tag)
        anchor = "".join(anchors[0]).replace("%d", "*") if anchors else None
        assert anchor == f"{form_id}-errors", f"{name}: {form_id!r} must post to '…#{form_id}-errors', not {anchor!r}"


def test_the_summary_links_each_problem_to_its_field_and_is_focusable(app):
    from flask import g
    from flask_wtf import FlaskForm
    from wtforms import StringField

    from council.core.forms import error_summary

    class Form(FlaskForm):
        name = StringField("Name")

    with app.test_request_context("/"):
        g.csp_nonce = "nonce-1"
        form = Form(formdata=None)
        assert error_summary(form, "name-form") == "\n\n"  # nothing without a problem
        form.name.errors = ["Say <who>."]
        form.form_errors.append("Changed meanwhile.")
        html = error_summary(form, "name-form", problems=["A problem."], linked=[("See the file.", "file")])
    assert 'id="name-form-errors" role="alert" tabindex="-1" aria-labelledby="name-form-errors-title"' in html
    assert '<li><a href="#name">Name: Say &lt;who&gt;.</a></li>' in html
    assert "<li>Changed meanwhile.</li>" in html and "<li>A problem.</li>" in html
    assert '<li><a href="#file">See the file.</a></li>' in html
    assert 'nonce="nonce-1" defer></script>' in html  # the focusing script passes the CSP
