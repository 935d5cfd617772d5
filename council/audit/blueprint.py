"""Routes of the auditor's workspace."""

from flask import Blueprint

from council.access.permissions import Permission
from council.audit import views
from council.core.permissions import requires

bp = Blueprint("audit", __name__, template_folder="templates", url_prefix="/audit")
bp.add_url_rule("/", "log", requires(Permission.AUDIT_LOG_VIEW)(views.log))
bp.add_url_rule("/verify", "verify", requires(Permission.AUDIT_LOG_VIEW)(views.verify), methods=["POST"])
