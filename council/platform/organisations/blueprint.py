"""Routes of the organisations feature. Each declares its permission or is explicitly public."""

from flask import Blueprint

from council.core.permissions import PUBLIC, route
from council.platform.organisations import views
from council.platform.permissions import PlatformPermission as P

bp = Blueprint("organisations", __name__, template_folder="templates", url_prefix="/organisations")

route(bp, "/apply", views.apply, permission=PUBLIC, methods=("GET", "POST"))
route(bp, "/applied", views.applied, permission=PUBLIC)
route(bp, "/", views.directory, permission=PUBLIC)
route(bp, "/<int:organisation_id>", views.show, permission=PUBLIC)
route(bp, "/review", views.review_list, permission=P.ORGANISATIONS_REVIEW)
route(bp, "/<int:organisation_id>/approve", views.approve, permission=P.ORGANISATIONS_REVIEW, methods=("POST",))
route(bp, "/<int:organisation_id>/decline", views.decline, permission=P.ORGANISATIONS_REVIEW, methods=("GET", "POST"))
route(bp, "/mine", views.mine, permission=P.ORGANISATION_VIEW)
route(bp, "/mine/edit", views.edit, permission=P.ORGANISATION_MANAGE, methods=("GET", "POST"))
route(bp, "/mine/invite", views.invite, permission=P.ORGANISATION_MANAGE, methods=("POST",))
route(bp, "/mine/staff/<int:user_id>/link", views.staff_link, permission=P.ORGANISATION_MANAGE, methods=("POST",))
route(bp, "/mine/staff/<int:user_id>/disable", views.staff_disable, permission=P.ORGANISATION_MANAGE, methods=("POST",))
route(bp, "/mine/staff/<int:user_id>/enable", views.staff_enable, permission=P.ORGANISATION_MANAGE, methods=("POST",))
