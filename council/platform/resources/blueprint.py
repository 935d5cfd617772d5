"""Routes of resources (members only)."""

from flask import Blueprint

from council.core.permissions import route
from council.platform.permissions import PlatformPermission as P
from council.platform.resources import views

bp = Blueprint("resources", __name__, template_folder="templates", url_prefix="/resources")

route(bp, "/", views.resource_list, permission=P.RESOURCES_USE)
route(bp, "/new", views.new, permission=P.RESOURCES_USE, methods=("GET", "POST"))
route(bp, "/<int:resource_id>/file", views.download, permission=P.RESOURCES_USE)
route(bp, "/<int:resource_id>/remove", views.remove, permission=P.RESOURCES_USE, methods=("POST",))
