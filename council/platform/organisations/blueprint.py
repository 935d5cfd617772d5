"""Routes of the organisations feature. Each declares its permission or is explicitly public."""

from flask import Blueprint

from council.core.permissions import PUBLIC, add_route
from council.platform.organisations import views
from council.platform.permissions import PlatformPermission as P

bp = Blueprint("organisations", __name__, template_folder="templates", url_prefix="/organisations")

add_route(bp, "/apply", views.apply, PUBLIC, ("GET", "POST"))
add_route(bp, "/applied", views.applied, PUBLIC)
add_route(bp, "/", views.directory, PUBLIC)
add_route(bp, "/<int:organisation_id>", views.show, PUBLIC)
add_route(bp, "/review", views.review_list, P.ORGANISATIONS_REVIEW)
add_route(bp, "/<int:organisation_id>/approve", views.approve, P.ORGANISATIONS_REVIEW, ("POST",))
add_route(bp, "/<int:organisation_id>/decline", views.decline, P.ORGANISATIONS_REVIEW, ("GET", "POST"))
add_route(bp, "/mine", views.mine, P.ORGANISATION_VIEW)
add_route(bp, "/mine/edit", views.edit, P.ORGANISATION_MANAGE, ("GET", "POST"))
add_route(bp, "/mine/invite", views.invite, P.ORGANISATION_MANAGE, ("POST",))
add_route(bp, "/mine/staff/<int:user_id>/link", views.staff_link, P.ORGANISATION_MANAGE, ("POST",))
add_route(bp, "/mine/staff/<int:user_id>/disable", views.staff_disable, P.ORGANISATION_MANAGE, ("POST",))
add_route(bp, "/mine/staff/<int:user_id>/enable", views.staff_enable, P.ORGANISATION_MANAGE, ("POST",))
