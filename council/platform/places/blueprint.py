"""Routes of places and activities. Reading and the calendar are public; publishing needs membership."""

from flask import Blueprint

from council.core.permissions import PUBLIC, route
from council.platform.permissions import PlatformPermission as P
from council.platform.places import views

bp = Blueprint("places", __name__, template_folder="templates", url_prefix="/places")

route(bp, "/", views.place_list, permission=PUBLIC)
route(bp, "/calendar.ics", views.calendar, permission=PUBLIC)
route(bp, "/<int:place_id>", views.show, permission=PUBLIC)
route(bp, "/new", views.new, permission=P.PLACES_PUBLISH, methods=("GET", "POST"))
route(bp, "/<int:place_id>/edit", views.edit, permission=P.PLACES_PUBLISH, methods=("GET", "POST"))
route(bp, "/<int:place_id>/delete", views.delete, permission=P.PLACES_PUBLISH, methods=("POST",))
route(bp, "/<int:place_id>/sessions", views.add_session, permission=P.PLACES_PUBLISH, methods=("POST",))
route(bp, "/<int:place_id>/sessions/<int:session_id>/delete", views.remove_session,
       permission=P.PLACES_PUBLISH, methods=("POST",))
