"""Statistics routes. Each declares its permission."""

from flask import Blueprint

from council.core.permissions import route
from council.platform.permissions import PlatformPermission
from council.platform.statistics import views

bp = Blueprint("statistics", __name__, template_folder="templates")

route(bp, "/statistics", views.dashboard, permission=PlatformPermission.STATISTICS_VIEW)
route(bp, "/statistics/<int:snapshot_id>", views.dashboard, permission=PlatformPermission.STATISTICS_VIEW,
      endpoint="snapshot")
