"""Routes of resources (members only)."""

from flask import Blueprint

from council.core.permissions import add_route
from council.platform.permissions import PlatformPermission as P
from council.platform.resources import views

bp = Blueprint("resources", __name__, template_folder="templates", url_prefix="/resources")

add_route(bp, "/", views.resource_list, P.RESOURCES_USE)
add_route(bp, "/new", views.new, P.RESOURCES_USE, ("GET", "POST"))
add_route(bp, "/<int:resource_id>/file", views.download, P.RESOURCES_USE)
add_route(bp, "/<int:resource_id>/remove", views.remove, P.RESOURCES_USE, ("POST",))
