"""Statistics routes. Each declares its permission."""

from flask import Blueprint

from council.core.permissions import requires
from council.platform.permissions import PlatformPermission
from council.platform.statistics import views

bp = Blueprint("statistics", __name__, template_folder="templates")

bp.add_url_rule("/statistics", "dashboard",
                requires(PlatformPermission.STATISTICS_VIEW)(views.dashboard))
bp.add_url_rule("/statistics/<int:snapshot_id>", "snapshot",
                requires(PlatformPermission.STATISTICS_VIEW)(views.dashboard))
