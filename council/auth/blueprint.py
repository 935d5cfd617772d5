"""Routes of the council-side account pages. Each declares the permission it needs."""

from flask import Blueprint

from council.access.permissions import Permission
from council.auth import admin_views, views
from council.core.permissions import PUBLIC, SIGNED_IN, requires

bp = Blueprint("auth", __name__, template_folder="templates")


def _route(rule: str, view, permission: str, methods=("GET",), endpoint: str | None = None) -> None:
    bp.add_url_rule(rule, endpoint or view.__name__, requires(permission)(view), methods=list(methods))


_route("/", views.home, Permission.HOME_VIEW, endpoint="home")
_route("/pledge", views.pledge, SIGNED_IN, methods=("GET", "POST"))
_route("/setup/first/<token>", views.first_admin, PUBLIC, methods=("GET", "POST"))

_route("/admin/institutions", admin_views.institutions, Permission.INSTITUTIONS_MANAGE)
_route("/admin/institutions/new", admin_views.institution_new, Permission.INSTITUTIONS_MANAGE, ("GET", "POST"))
_route("/admin/institutions/<int:institution_id>", admin_views.institution_edit,
       Permission.INSTITUTIONS_MANAGE, ("GET", "POST"))
_route("/admin/users", admin_views.users, Permission.USERS_MANAGE)
_route("/admin/users/new", admin_views.user_new, Permission.USERS_MANAGE, ("GET", "POST"))
_route("/admin/users/<int:user_id>", admin_views.user_edit, Permission.USERS_MANAGE, ("GET", "POST"))
_route("/admin/users/<int:user_id>/<any(disable,enable,revoke,reset):action>", admin_views.user_action,
       Permission.USERS_MANAGE, ("POST",))
