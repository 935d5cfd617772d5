"""Every endpoint declares what it needs; anything undeclared is refused (deny by default)."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, abort, current_app, request

#: Reachable without signing in.
PUBLIC = "public"
#: Needs a signed-in user but nothing else (sign-out, the pledge page itself).
SIGNED_IN = "signed-in"

_ATTRIBUTE = "_required_permission"


def public(view):
    setattr(view, _ATTRIBUTE, PUBLIC)
    return view


def requires(permission: str):
    """Declare the permission a view needs; the app's gate checks it before the view runs."""

    def decorate(view):
        setattr(view, _ATTRIBUTE, str(permission))
        return view

    return decorate


def add_route(blueprint, rule: str, view, permission: str, methods=("GET",)) -> None:
    """Route ``rule`` to ``view`` (endpoint named after the function), declaring the permission it needs."""
    blueprint.add_url_rule(rule, view.__name__, requires(permission)(view), methods=list(methods))


def declared_permission(view) -> str | None:
    return getattr(view, _ATTRIBUTE, None)


def undeclared_endpoints(app: Flask) -> list[str]:
    return sorted(name for name, view in app.view_functions.items() if declared_permission(view) is None)


def install_gate(app: Flask, check: Callable[[str], object]) -> None:
    """Run ``check(permission)`` before every request; a non-None result is returned instead of the view.

    An endpoint without a declaration is a programming error; it answers 404 rather than leak.
    """
    public(app.view_functions["static"])

    @app.before_request
    def _gate():
        if request.endpoint is None:
            return None  # routing failed; Flask answers 404/405 itself
        permission = declared_permission(current_app.view_functions[request.endpoint])
        if permission is None:
            current_app.logger.error("endpoint %s declares no permission; refused", request.endpoint)
            abort(404)
        if permission == PUBLIC:
            return None
        return check(permission)
