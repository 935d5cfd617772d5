"""Routes of the council-side account pages. Each declares the permission it needs."""

from flask import Blueprint

from council.access.permissions import Permission
from council.auth import admin_views, views
from council.core.permissions import PUBLIC, SIGNED_IN, route

bp = Blueprint("auth", __name__, template_folder="templates")
BOTH = ("GET", "POST")

route(bp, "/", views.home, permission=Permission.HOME_VIEW, endpoint="home")
route(bp, "/pledge", views.pledge, permission=SIGNED_IN, methods=BOTH)
route(bp, "/setup/first/<token>", views.first_admin, permission=PUBLIC, methods=BOTH)

route(bp, "/admin/institutions", admin_views.institutions, permission=Permission.INSTITUTIONS_MANAGE)
route(bp, "/admin/institutions/new", admin_views.institution_new, permission=Permission.INSTITUTIONS_MANAGE,
      methods=BOTH)
route(bp, "/admin/institutions/<int:institution_id>", admin_views.institution_edit,
      permission=Permission.INSTITUTIONS_MANAGE, methods=BOTH)
route(bp, "/admin/users", admin_views.users, permission=Permission.USERS_MANAGE)
route(bp, "/admin/users/new", admin_views.user_new, permission=Permission.USERS_MANAGE, methods=BOTH)
route(bp, "/admin/users/<int:user_id>", admin_views.user_edit, permission=Permission.USERS_MANAGE, methods=BOTH)
route(bp, "/admin/users/<int:user_id>/<any(disable,enable,revoke,reset):action>", admin_views.user_action,
      permission=Permission.USERS_MANAGE, methods=("POST",))
