"""Routes of the auditor's workspace."""

from flask import Blueprint

from council.access.permissions import Permission
from council.audit import views
from council.audit.reviews import views as review_views
from council.core.permissions import route

bp = Blueprint("audit", __name__, template_folder="templates", url_prefix="/audit")
route(bp, "/", views.log, permission=Permission.AUDIT_LOG_VIEW, endpoint="log")
route(bp, "/export.csv", views.export, permission=Permission.AUDIT_LOG_VIEW)
route(bp, "/user-suggestions", views.user_suggestions, permission=Permission.AUDIT_LOG_VIEW)
route(bp, "/cases/<string(maxlength=20):number>", views.case_history, permission=Permission.AUDIT_LOG_VIEW)
route(bp, "/users/<int:user_id>", views.user_history, permission=Permission.AUDIT_LOG_VIEW)
route(bp, "/checkpoints", views.checkpoints, permission=Permission.AUDIT_LOG_VIEW)
route(bp, "/verify", views.verify, permission=Permission.AUDIT_LOG_VIEW, methods=("POST",))

# Reviews, anomalies and sampling (council.audit.reviews): auditors only, like the rest of the workspace.
route(bp, "/reviews", review_views.review_lists, permission=Permission.AUDIT_LOG_VIEW)
route(bp, "/anomalies", review_views.anomaly_list, permission=Permission.AUDIT_LOG_VIEW)
route(bp, "/sample", review_views.sample, permission=Permission.AUDIT_LOG_VIEW)
route(bp, "/events/<int:seq>", review_views.event_review, permission=Permission.AUDIT_LOG_VIEW,
      methods=("GET", "POST"))
