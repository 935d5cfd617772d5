"""The tasks page: the tasks meetings gave the user's institution, and completing one."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from council.cases.errors import CaseError
from council.core.i18n import gettext as _
from council.database import db
from council.meetings.tasks import services
from council.meetings.tasks.forms import CompleteForm


def task_list():
    """My institution's tasks from every meeting: open ones first, by due date; overdue ones highlighted."""
    return _page(CompleteForm(formdata=None))


def _page(form: CompleteForm, status: int = 200):
    tasks = services.tasks_of_institution(actor=current_user)
    return render_template("tasks/list.html", tasks=tasks, form=form), status


def complete(task_id: int):
    """Mark a task done (who and when are recorded)."""
    form = CompleteForm()
    if form.validate_on_submit():
        try:
            services.complete_task(actor=current_user, task_id=task_id, version=form.version.data)
        except CaseError as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        else:
            flash(_("The task is recorded as done."), "info")
            return redirect(url_for("tasks.task_list"))
    return _page(form, 400)
