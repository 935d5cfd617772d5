"""Routes of the auditor's workspace."""

from flask import Blueprint

from council.access.permissions import Permission
from council.audit import views
from council.audit.reviews import sealing as review_sealing
from council.audit.reviews import views as review_views
from council.cases.keys import KeyHolder, key_holder
from council.core.permissions import route

bp = Blueprint("audit", __name__, template_folder="templates", url_prefix="/audit")
route(bp, "/", views.log, permission=Permission.AUDIT_LOG_VIEW, endpoint="log")
route(bp, "/export.csv", views.export, permission=Permission.AUDIT_LOG_VIEW)
route(bp, "/user-suggestions", views.user_suggestions, permission=Permission.AUDIT_LOG_VIEW)
route(bp, "/cases/<string(maxlength=20):number>", views.case_history, permission=Permission.AUDIT_LOG_VIEW)
route(bp, "/users/<int:user_id>", views.user_history, permission=Permission.AUDIT_LOG_VIEW)
route(bp, "/checkpoints", views.checkpoints, permission=Permission.AUDIT_LOG_VIEW)
route(bp, "/verify", views.verify, permission=Permission.AUDIT_LOG_VIEW, methods=("POST",))
route(bp, "/verifications/<int:run_id>", views.verification_result, permission=Permission.AUDIT_LOG_VIEW)

# Reviews, anomalies and sampling (council.audit.reviews): auditors only, like the rest of the workspace.
route(bp, "/reviews", review_views.review_lists, permission=Permission.AUDIT_LOG_VIEW)
route(bp, "/anomalies", review_views.anomaly_list, permission=Permission.AUDIT_LOG_VIEW)
route(bp, "/sample", review_views.sample, permission=Permission.AUDIT_LOG_VIEW)
route(bp, "/events/<int:seq>", review_views.event_review, permission=Permission.AUDIT_LOG_VIEW,
      methods=("GET", "POST"))
route(bp, "/events/<int:seq>/comment", review_views.edit_comment, permission=Permission.AUDIT_LOG_VIEW,
      methods=("POST",))

# Review comments are sealed under keys of their own: rotation re-wraps them, retiring a KEK version counts them.
key_holder(bp, KeyHolder(name="review", usage=review_sealing.usage, rewrap=review_sealing.rewrap))
