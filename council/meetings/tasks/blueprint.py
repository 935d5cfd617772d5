"""Routes of the tasks (役割分担) meetings gave institutions, the case page's panel and the inbox's provider."""

from flask import Blueprint

from council.access.permissions import Permission
from council.cases.panels import case_panel
from council.core.permissions import route
from council.inbox.registry import inbox_provider
from council.meetings.tasks import inbox, panel, views

bp = Blueprint("tasks", __name__, template_folder="templates")

route(bp, "/tasks", views.task_list, permission=Permission.TASKS_VIEW, endpoint="task_list")
route(bp, "/tasks/<int:task_id>/complete", views.complete, permission=Permission.TASKS_VIEW, endpoint="complete",
      methods=("POST",))

case_panel(bp, name="tasks", order=50, build=panel.build, any_rows=panel.any_rows)
inbox_provider(bp, name="tasks.overdue", order=30, permission=Permission.TASKS_VIEW, provide=inbox.overdue,
               count=inbox.count)
