"""Project pages: load, check, call a service, render."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from council.core.editing import StaleEdit, show_stale
from council.core.i18n import gettext as _
from council.platform.database import db
from council.platform.guarding import accepted
from council.platform.projects import services
from council.platform.projects.forms import ProjectForm, UpdateForm
from council.platform.projects.models import Project, ProjectStatus, ProjectUpdate
from council.security.forms import ConfirmForm


def _details(form: ProjectForm) -> services.ProjectDetails:
    return services.ProjectDetails(title=form.title.data, goal=form.goal.data,
                                   description=form.description.data or "", status=form.status.data)


def _load(project_id: int) -> Project:
    return db.session.get(Project, project_id) or abort(404)


def project_list():
    status = request.args.get("status", "")
    if status and status not in set(ProjectStatus):
        status = ""
    return render_template("projects/list.html", projects=services.all_projects(status), status=status)


def _page(project: Project, update_form: UpdateForm | None = None):
    return render_template("projects/show.html", project=project, may_edit=services.may_edit(current_user, project),
                           may_remove=lambda update: services.may_remove_update(current_user, update),
                           is_partner=services.is_partner(current_user, project),
                           update_form=update_form or UpdateForm(), form=ConfirmForm())


def show(project_id: int):
    return _page(_load(project_id))


def new():
    form = ProjectForm()
    if accepted(form, where="project.new"):
        try:
            project = services.start(actor=current_user, details=_details(form))
        except services.ProjectError as error:
            form.form_errors.append(str(error))
        else:
            return redirect(url_for("projects.show", project_id=project.id))
    return render_template("projects/form.html", form=form, project=None, stored=None)


def edit(project_id: int):
    project = _load(project_id)
    if not services.may_edit(current_user, project):
        abort(404)
    form = ProjectForm(obj=project) if request.method == "GET" else ProjectForm()
    stored = None
    if accepted(form, where="project.edit"):
        try:
            services.update(actor=current_user, project=project, details=_details(form), version=form.version.data)
        except StaleEdit as error:
            stored = show_stale(form, error)
        else:
            return redirect(url_for("projects.show", project_id=project.id))
    return render_template("projects/form.html", form=form, project=project, stored=stored)


def join(project_id: int):
    project = _load(project_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        services.join(actor=current_user, project=project)
    except services.ProjectError as error:
        flash(str(error), "error")
    else:
        flash(_("Your organisation now takes part in this project."), "success")
    return redirect(url_for("projects.show", project_id=project.id))


def remove_update(project_id: int, update_id: int):
    project = _load(project_id)
    update = db.session.get(ProjectUpdate, update_id)
    if update is None or update.project_id != project.id or not services.may_remove_update(current_user, update):
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.remove_update(actor=current_user, update=update)
    return redirect(url_for("projects.show", project_id=project.id))


def post_update(project_id: int):
    project = _load(project_id)
    form = UpdateForm()
    if accepted(form, where="project.update"):
        try:
            services.post_update(actor=current_user, project=project, body=form.body.data)
        except services.ProjectError as error:
            form.form_errors.append(str(error))
        else:
            return redirect(url_for("projects.show", project_id=project.id))
    return _page(project, form)
