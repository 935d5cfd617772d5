"""Routes of co-creation projects (members only)."""

from flask import Blueprint

from council.core.permissions import add_route
from council.platform.permissions import PlatformPermission as P
from council.platform.projects import views

bp = Blueprint("projects", __name__, template_folder="templates", url_prefix="/projects")

add_route(bp, "/", views.project_list, P.PROJECTS_WORK)
add_route(bp, "/new", views.new, P.PROJECTS_WORK, ("GET", "POST"))
add_route(bp, "/<int:project_id>", views.show, P.PROJECTS_WORK)
add_route(bp, "/<int:project_id>/edit", views.edit, P.PROJECTS_WORK, ("GET", "POST"))
add_route(bp, "/<int:project_id>/join", views.join, P.PROJECTS_WORK, ("POST",))
add_route(bp, "/<int:project_id>/updates", views.post_update, P.PROJECTS_WORK, ("POST",))
add_route(bp, "/<int:project_id>/updates/<int:update_id>/remove", views.remove_update, P.PROJECTS_WORK, ("POST",))
