"""Routes of account administration: platform administrators only."""

from flask import Blueprint

from council.core.permissions import route
from council.platform.permissions import PlatformPermission as P
from council.platform.users import views

bp = Blueprint("users", __name__, template_folder="templates", url_prefix="/accounts")

route(bp, "/", views.account_list, permission=P.USERS_MANAGE)
route(bp, "/<int:user_id>", views.account_show, permission=P.USERS_MANAGE)
route(bp, "/<int:user_id>/<any(reset,disable,enable,sessions):action>", views.account_action,
      permission=P.USERS_MANAGE, methods=("POST",))
