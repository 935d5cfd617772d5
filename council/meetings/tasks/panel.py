"""The case page's panel 「役割分担」: the tasks meetings gave on the case, with who completed each and when.

Built after the page recorded its read (``cases.panels``): the tasks' wording opens where the page's reach covers it
(the lead's full reach; a summary share, the task institutions' own among them); a brief reads no case page.
"""

from __future__ import annotations

from sqlalchemy import select

from council.access.policy import Access
from council.access.scopes import Scope
from council.cases.models import Case
from council.cases.panels import Panel
from council.core.i18n import gettext as _
from council.meetings.models import MeetingTask
from council.meetings.tasks.services import tasks_of_case


def any_rows(case_id: int):
    """Whether any meeting gave a task on the case."""
    return select(MeetingTask.id).where(MeetingTask.case_id == case_id).exists()


def build(case: Case, access: Access, *, form=None, has_rows: bool = True) -> Panel | None:
    """The panel, or None when the case has no task (``has_rows`` False: ``any_rows`` found none, so none is looked
    for) or the reach shows no case page."""
    if not has_rows or access.scope not in (Scope.FULL, Scope.READ, Scope.SUMMARY, Scope.REQUEST):
        return None
    tasks = tasks_of_case(case=case)
    if not tasks:
        return None
    return Panel(name="tasks", title=_("Roles (役割分担)"), template="tasks/panel.html", context={"tasks": tasks})
