"""Routes of the progress ledger (進行管理台帳): every council case's metadata, for the coordinator.

No route has a case in its URL: the ledger lists cases by the coordinator's reach, and its register button names
the case in the form (the service asks the policy, and a refusal is recorded like the case gate's)."""

from flask import Blueprint

from council.access.permissions import Permission
from council.core.permissions import route
from council.meetings.ledger import views

bp = Blueprint("ledger", __name__, template_folder="templates")


route(bp, "/cases/ledger", views.page, permission=Permission.LEDGER_VIEW, endpoint="page")
route(bp, "/cases/ledger/export.<kind>", views.export_file, permission=Permission.LEDGER_VIEW, endpoint="export")
route(bp, "/cases/ledger/print", views.print_page, permission=Permission.LEDGER_VIEW, endpoint="print")
route(bp, "/cases/ledger/council-case", views.council_case, permission=Permission.LEDGER_VIEW,
      endpoint="council_case", methods=("POST",))
