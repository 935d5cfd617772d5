"""Templates' url_for (``council.core.urls``): every URL a template can build is the one Flask's url_for builds."""

from __future__ import annotations

import pytest
from flask import Flask, render_template_string
from flask import url_for as flask_url_for
from werkzeug.routing import BuildError

from council.core.urls import MOST_SHAPES, TemplateUrls


def _id_routes(application):
    """(endpoint, names of its int values) of every route built from ints only."""
    for rule in application.url_map.iter_rules():
        if rule.arguments and all(type(rule._converters[name]).__name__.endswith("IntConverter")  # noqa: SLF001
                                  for name in rule.arguments):
            yield rule.endpoint, sorted(rule.arguments)


def test_every_route_of_ids_builds_as_flask_builds_it(app, platform_app):
    for application in (app, platform_app):
        for root in ("", "/platform"):
            _compare(application, root)


def _compare(application, root):
    urls = application.jinja_env.globals["url_for"].__self__
    routes = list(_id_routes(application))
    assert len(routes) > 20
    with application.test_request_context("/", environ_base={"SCRIPT_NAME": root}):
        for endpoint, names in routes:
            for ids in ([1] * len(names), list(range(7, 7 + len(names))), [2**63 - 1] * len(names), [0] * len(names)):
                values = dict(zip(names, ids, strict=True))
                assert urls(endpoint, **values) == flask_url_for(endpoint, **values), endpoint
                assert urls(endpoint, **dict(reversed(values.items())), _anchor=f"form-{ids[0]}-errors") == \
                    flask_url_for(endpoint, _anchor=f"form-{ids[0]}-errors", **values)
        assert any(shape is not None for shape in urls.shapes.values())


def test_what_is_not_ids_goes_to_flask(app):
    with app.test_request_context("/"):
        assert render_template_string("{{ url_for('static', filename='a b.css') }}") == "/static/a%20b.css"
        urls = app.jinja_env.globals["url_for"].__self__
        assert urls("cases.view", case_id=True) == flask_url_for("cases.view", case_id=True)
        assert urls("cases.list", page=None) == flask_url_for("cases.list", page=None)
        assert urls("cases.view", case_id=3, _external=True) == flask_url_for("cases.view", case_id=3, _external=True)
        with pytest.raises(BuildError):
            urls("cases.view", number=3)
    app.config["SERVER_NAME"] = "council.example.jp"
    with app.app_context():  # no request: an external URL, as Flask builds it
        assert urls("cases.view", case_id=3) == flask_url_for("cases.view", case_id=3) == \
            "http://council.example.jp/cases/3"


def test_a_route_whose_url_depends_on_the_value_is_always_built_by_flask():
    application = Flask("urls")
    application.add_url_rule("/list/", "list", defaults={"page": 1})
    application.add_url_rule("/list/<int:page>", "list")
    application.add_url_rule("/padded/<int(fixed_digits=4):number>", "padded")
    urls = TemplateUrls(application)
    with application.test_request_context("/"):
        assert [urls("list", page=1), urls("list", page=2)] == ["/list/", "/list/2"]
        assert [urls("padded", number=7), urls("padded", number=12345)] == ["/padded/0007", "/padded/12345"]
    assert set(urls.shapes.values()) == {None}


def test_a_url_on_another_host_is_always_built_by_flask():
    application = Flask("urls", subdomain_matching=True)
    application.config["SERVER_NAME"] = "example.jp"
    application.add_url_rule("/there/<int:number>", "there", subdomain="api")
    urls = TemplateUrls(application)
    with application.test_request_context("/", base_url="http://example.jp/"):
        assert urls("there", number=5) == "http://api.example.jp/there/5"
    assert set(urls.shapes.values()) == {None}


def test_script_roots_sent_by_clients_do_not_grow_the_shapes_kept(app):
    urls = app.jinja_env.globals["url_for"].__self__
    for number in range(MOST_SHAPES + 50):
        root = f"/prefix{number}"
        with app.test_request_context("/", base_url=f"http://localhost{root}"):
            assert urls("cases.view", case_id=5) == flask_url_for("cases.view", case_id=5) == f"{root}/cases/5"
    assert len(urls.shapes) == MOST_SHAPES
