"""Routes of places and activities. Reading and the calendar are public; publishing needs membership."""

from flask import Blueprint

from council.core.permissions import PUBLIC, add_route
from council.platform.permissions import PlatformPermission as P
from council.platform.places import views

bp = Blueprint("places", __name__, template_folder="templates", url_prefix="/places")

add_route(bp, "/", views.place_list, PUBLIC)
add_route(bp, "/calendar.ics", views.calendar, PUBLIC)
add_route(bp, "/<int:place_id>", views.show, PUBLIC)
add_route(bp, "/new", views.new, P.PLACES_PUBLISH, ("GET", "POST"))
add_route(bp, "/<int:place_id>/edit", views.edit, P.PLACES_PUBLISH, ("GET", "POST"))
add_route(bp, "/<int:place_id>/delete", views.delete, P.PLACES_PUBLISH, ("POST",))
add_route(bp, "/<int:place_id>/sessions", views.add_session, P.PLACES_PUBLISH, ("POST",))
add_route(bp, "/<int:place_id>/sessions/<int:session_id>/delete", views.remove_session, P.PLACES_PUBLISH, ("POST",))
