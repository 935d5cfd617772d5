"""Routes of 相談につなぐ: the public list, and its administration."""

from flask import Blueprint

from council.core.permissions import PUBLIC, route
from council.platform.consult import views
from council.platform.permissions import PlatformPermission as P

bp = Blueprint("consult", __name__, template_folder="templates", url_prefix="/consult")

route(bp, "/", views.index, permission=PUBLIC)
route(bp, "/manage", views.manage, permission=P.CONSULT_MANAGE)
route(bp, "/manage/new", views.new, permission=P.CONSULT_MANAGE, methods=("GET", "POST"))
route(bp, "/manage/<int:window_id>", views.edit, permission=P.CONSULT_MANAGE, methods=("GET", "POST"))
route(bp, "/manage/<int:window_id>/remove", views.remove, permission=P.CONSULT_MANAGE, methods=("POST",))
