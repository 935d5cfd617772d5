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


def route(blueprint, rule: str, view, *, permission: str, methods=("GET",), endpoint: str | None = None) -> None:
    """Route ``rule`` to ``view`` and declare the permission it needs: the one way routes are declared, on both
    sides (a test fails on any other ``add_url_rule`` or ``.route``).

    ``permission`` is required and has no default, so every route says what it needs where it is declared —
    a ``Permission``, ``PUBLIC`` or ``SIGNED_IN``. The endpoint is named after the function unless
    ``endpoint`` is given. The app's gate checks the permission before the view runs.
    """
    if not permission:
        raise ValueError(f"route {rule!r} declares no permission")
    # The gate reads the declaration from the function: one function cannot need two permissions.
    if declared_permission(view) not in (None, str(permission)):
        raise ValueError(f"{view.__name__} is routed with {declared_permission(view)!r} already, not {permission!r}")
    setattr(view, _ATTRIBUTE, str(permission))
    blueprint.add_url_rule(rule, endpoint or view.__name__, view, methods=list(methods))


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
