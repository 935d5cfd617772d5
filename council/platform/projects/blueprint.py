"""Routes of co-creation projects (members only)."""

from flask import Blueprint

from council.core.permissions import route
from council.platform.permissions import PlatformPermission as P
from council.platform.projects import views

bp = Blueprint("projects", __name__, template_folder="templates", url_prefix="/projects")

route(bp, "/", views.project_list, permission=P.PROJECTS_WORK)
route(bp, "/new", views.new, permission=P.PROJECTS_WORK, methods=("GET", "POST"))
route(bp, "/<int:project_id>", views.show, permission=P.PROJECTS_WORK)
route(bp, "/<int:project_id>/edit", views.edit, permission=P.PROJECTS_WORK, methods=("GET", "POST"))
route(bp, "/<int:project_id>/join", views.join, permission=P.PROJECTS_WORK, methods=("POST",))
route(bp, "/<int:project_id>/updates", views.post_update, permission=P.PROJECTS_WORK, methods=("POST",))
route(bp, "/<int:project_id>/updates/<int:update_id>/remove", views.remove_update,
       permission=P.PROJECTS_WORK, methods=("POST",))
