"""Routes of 相談につなぐ: the public list, and its administration."""

from flask import Blueprint

from council.core.permissions import PUBLIC, add_route
from council.platform.consult import views
from council.platform.permissions import PlatformPermission as P

bp = Blueprint("consult", __name__, template_folder="templates", url_prefix="/consult")

add_route(bp, "/", views.index, PUBLIC)
add_route(bp, "/manage", views.manage, P.CONSULT_MANAGE)
add_route(bp, "/manage/new", views.new, P.CONSULT_MANAGE, ("GET", "POST"))
add_route(bp, "/manage/<int:window_id>", views.edit, P.CONSULT_MANAGE, ("GET", "POST"))
add_route(bp, "/manage/<int:window_id>/remove", views.remove, P.CONSULT_MANAGE, ("POST",))
