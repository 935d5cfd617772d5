"""The tasks' provider for the inbox: the open tasks of the user's institution past their due date (a Japan date).

Each item names the case by its number and the due date — never the task's wording — and links to the tasks page.
"""

from __future__ import annotations

from flask import url_for

from council.core.i18n import gettext as _
from council.inbox.registry import Audience, InboxItem
from council.meetings.tasks.services import overdue_count, overdue_tasks


def overdue(user) -> list[InboxItem]:
    """One item per overdue task of the user's institution."""
    return [InboxItem(kind="tasks.overdue", audience=Audience.INSTITUTION, key=f"tasks.overdue:{task.id}",
                      case_ids=(case.id,), url=url_for("tasks.task_list", _anchor=f"task-{task.id}"),
                      text=_("Case %(number)s: a task from a meeting was due on %(day)s", number=case.number,
                             day=task.due_date.isoformat()))
            for task, case in overdue_tasks(user)]


def count(user) -> int:
    """The badge's share: one COUNT of the same tasks."""
    return overdue_count(user)
