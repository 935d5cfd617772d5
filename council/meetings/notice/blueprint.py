"""Routes of the 公示: the council and its member institutions, for the municipality's public announcement."""

from flask import Blueprint

from council.access.permissions import Permission
from council.core.permissions import route
from council.meetings.notice import views

bp = Blueprint("notice", __name__, template_folder="templates")


@bp.context_processor
def _labels():
    from council.auth.models import JAPANESE_TYPE_NAMES, InstitutionType

    return {"type_name": lambda kind: JAPANESE_TYPE_NAMES[InstitutionType(kind)]}


route(bp, "/council/notice", views.page, permission=Permission.COUNCIL_NOTICE, endpoint="page")
route(bp, "/council/notice.csv", views.csv_file, permission=Permission.COUNCIL_NOTICE, endpoint="csv")
