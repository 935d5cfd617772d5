"""Routes of the board (members only; moderation for administrators)."""

from flask import Blueprint

from council.core.permissions import add_route
from council.platform.board import views
from council.platform.permissions import PlatformPermission as P

bp = Blueprint("board", __name__, template_folder="templates", url_prefix="/board")

add_route(bp, "/", views.index, P.BOARD_USE)
add_route(bp, "/topics", views.new_topic, P.BOARD_MODERATE, ("POST",))
add_route(bp, "/topics/<int:topic_id>", views.topic, P.BOARD_USE)
add_route(bp, "/topics/<int:topic_id>/new", views.new_thread, P.BOARD_USE, ("GET", "POST"))
add_route(bp, "/threads/<int:thread_id>", views.thread, P.BOARD_USE)
add_route(bp, "/threads/<int:thread_id>/reply", views.reply, P.BOARD_USE, ("POST",))
add_route(bp, "/threads/<int:thread_id>/lock", views.lock, P.BOARD_MODERATE, ("POST",))
add_route(bp, "/threads/<int:thread_id>/unlock", views.unlock, P.BOARD_MODERATE, ("POST",))
add_route(bp, "/threads/<int:thread_id>/title", views.rename, P.BOARD_MODERATE, ("POST",))
add_route(bp, "/posts/<int:post_id>/report", views.report, P.BOARD_USE, ("POST",))
add_route(bp, "/posts/<int:post_id>/hide", views.hide, P.BOARD_MODERATE, ("POST",))
add_route(bp, "/posts/<int:post_id>/keep", views.keep, P.BOARD_MODERATE, ("POST",))
add_route(bp, "/moderation", views.moderation, P.BOARD_MODERATE)
