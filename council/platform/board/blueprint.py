"""Routes of the board (members only; moderation for administrators)."""

from flask import Blueprint

from council.core.permissions import route
from council.platform.board import views
from council.platform.permissions import PlatformPermission as P

bp = Blueprint("board", __name__, template_folder="templates", url_prefix="/board")

route(bp, "/", views.index, permission=P.BOARD_USE)
route(bp, "/topics", views.new_topic, permission=P.BOARD_MODERATE, methods=("POST",))
route(bp, "/topics/<int:topic_id>", views.topic, permission=P.BOARD_USE)
route(bp, "/topics/<int:topic_id>/new", views.new_thread, permission=P.BOARD_USE, methods=("GET", "POST"))
route(bp, "/threads/<int:thread_id>", views.thread, permission=P.BOARD_USE)
route(bp, "/threads/<int:thread_id>/reply", views.reply, permission=P.BOARD_USE, methods=("POST",))
route(bp, "/threads/<int:thread_id>/lock", views.lock, permission=P.BOARD_MODERATE, methods=("POST",))
route(bp, "/threads/<int:thread_id>/unlock", views.unlock, permission=P.BOARD_MODERATE, methods=("POST",))
route(bp, "/threads/<int:thread_id>/title", views.rename, permission=P.BOARD_MODERATE, methods=("POST",))
route(bp, "/posts/<int:post_id>/report", views.report, permission=P.BOARD_USE, methods=("POST",))
route(bp, "/posts/<int:post_id>/hide", views.hide, permission=P.BOARD_MODERATE, methods=("POST",))
route(bp, "/posts/<int:post_id>/keep", views.keep, permission=P.BOARD_MODERATE, methods=("POST",))
route(bp, "/moderation", views.moderation, permission=P.BOARD_MODERATE)
