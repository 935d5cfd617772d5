"""Routes of the disclosure report (開示請求), and its link on the case page."""

from flask import Blueprint
from flask_login import current_user

from council.access.permissions import Permission, Role
from council.access.scopes import Action, allows
from council.cases.panels import Panel, case_panel
from council.core.i18n import gettext as _
from council.core.permissions import route
from council.disclosure import views

bp = Blueprint("disclosure", __name__, template_folder="templates", url_prefix="/cases")
route(bp, "/<int:case_id>/disclosure", views.generate, permission=Permission.CASES_WORK, methods=("GET", "POST"))
route(bp, "/<int:case_id>/disclosure/<int:event_id>", views.report, permission=Permission.CASES_WORK)


@bp.context_processor
def _labels():
    # The case's own labels (status, risk, record kinds, consent …), as its print uses them.
    from council.cases.blueprint import template_labels

    return template_labels()


def _panel(case, access, form=None) -> Panel | None:
    """The link to the report, for whoever the report's action allows (a supervisor of the lead institution)."""
    role = getattr(current_user, "role", None)  # None: the page is read outside a signed-in request
    if role is None or not allows(scope=access.scope, role=Role(role), action=Action.DISCLOSE,
                                  by_grant=access.by_grant):
        return None
    return Panel(name="disclosure", title=_("Disclosure request (開示請求)"), template="disclosure/_panel.html")


case_panel(bp, name="disclosure", order=90, build=_panel)
