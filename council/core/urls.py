"""``url_for`` in templates: Flask's, with what it learns about a route kept for the next URL of the same shape.

A case page builds about fifty URLs, most of them the same route with other ids (``/cases/12/records/345/edit``).
Flask's url_for costs about 13 µs each (werkzeug's ``MapAdapter.build`` looks up the endpoint's rules, asks each
whether it suits the values, and runs the rule's builder; issue 13). For a *shape* — an endpoint and the names of its
values, every value an ``int`` — the first call asks Flask twice, with two sets of probe ids of different lengths,
and keeps the URL's text around the ids when both answers agree with it; later URLs of that shape are that text with
``str(id)`` between. Anything else goes to Flask's url_for, as before: a value that is not an int (a static file's
name, a None), ``_external``, ``_scheme`` or ``_method``, a relative endpoint (``.view``), an endpoint with more than
one rule or with defaults (whose URL depends on the value), an app with url_defaults functions, a URL with a host,
and any shape whose two answers do not agree. ``_anchor`` is quoted as Flask quotes it.

Templates call it as they call Flask's (``url_for('cases.view', case_id=c.id)``): it replaces the template global
(``core.web.init_web``); Python code keeps ``flask.url_for``.
"""

from __future__ import annotations

from urllib.parse import quote

from flask import Flask
from flask import url_for as flask_url_for
from flask.globals import _cv_request

#: Probe ids: the first long and unlike any text of a route, the second of another length (a converter that pads ids
#: to a fixed number of digits, or writes them otherwise than ``str()``, makes the two answers disagree).
_FIRST_PROBE, _SECOND_PROBE = 7_391_046_285_190_337_000, 3
#: What Flask leaves unquoted in an anchor (flask.App.url_for).
_ANCHOR_SAFE = "%!#$&'()*+,/:;=?@"
#: Shapes kept at most: an app has a few hundred (routes × the orders templates name their values in). The script root
#: is part of the key and comes from the request (a proxy's prefix): past this many, a new shape is learnt for the call
#: and not kept, so that a client sending ever other roots cannot grow the process's memory.
MOST_SHAPES = 2048


class TemplateUrls:
    """The ``url_for`` of one app's templates; its shapes are per script root (the platform is mounted under
    /platform)."""

    def __init__(self, app: Flask):
        self.app = app
        #: (script root, endpoint, the values' names in the call's order) -> the URL as a format string, or None.
        self.shapes: dict[tuple, str | None] = {}

    def __call__(self, endpoint: str, /, _anchor: str | None = None, **values) -> str:
        for value in values.values():
            if type(value) is not int:
                return flask_url_for(endpoint, _anchor=_anchor, **values)
        # The request's context as Flask's own url_for reads it (the ``request`` proxy costs as much as the rest).
        context = _cv_request.get(None)
        if context is None or context.url_adapter is None:  # no request: Flask builds an external URL
            return flask_url_for(endpoint, _anchor=_anchor, **values)
        key = (context.url_adapter.script_name, endpoint, *values)
        try:
            shape = self.shapes[key]
        except KeyError:
            shape = self._learn(endpoint, tuple(values))
            if len(self.shapes) < MOST_SHAPES:
                self.shapes[key] = shape
        if shape is None:
            return flask_url_for(endpoint, _anchor=_anchor, **values)
        url = shape.format(*values.values())
        return url if _anchor is None else f"{url}#{quote(_anchor, safe=_ANCHOR_SAFE)}"

    def _learn(self, endpoint: str, names: tuple[str, ...]) -> str | None:
        """The shape's URL as a format string (``/cases/{0}/records/{1}/edit``), or None (ask Flask each time)."""
        rules = list(self.app.url_map.iter_rules(endpoint)) if not endpoint.startswith(".") else []
        if len(rules) != 1 or rules[0].defaults or any(self.app.url_default_functions.values()):
            return None
        probes = [str(_FIRST_PROBE + 1000 * at) for at in range(len(names))]
        try:
            url = flask_url_for(endpoint, **{name: int(probe) for name, probe in zip(names, probes, strict=True)})
            second = flask_url_for(endpoint, **{name: _SECOND_PROBE + at for at, name in enumerate(names)})
        except Exception:  # noqa: BLE001  (the real call asks Flask again, and fails there as it always did)
            return None
        # A URL with a host (a rule of another host or subdomain) depends on the request's: Flask's each time.
        if not url.startswith("/") or url.startswith("//") or any(url.count(probe) != 1 for probe in probes):
            return None
        shape = url.replace("{", "{{").replace("}", "}}")
        for at, probe in enumerate(probes):
            shape = shape.replace(probe, f"{{{at}}}")
        return shape if shape.format(*(_SECOND_PROBE + at for at in range(len(names)))) == second else None
