"""Resource pages: load, check, call a service, render."""

from __future__ import annotations

import io

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from council.core.files import MAX_UPLOAD_BYTES, extension_of
from council.core.i18n import gettext as _
from council.platform.database import db
from council.platform.guarding import accepted
from council.platform.resources import services
from council.platform.resources.forms import ResourceForm
from council.platform.resources.models import Resource, ResourceKind
from council.security.forms import ConfirmForm


def resource_list():
    kind = request.args.get("kind", "")
    kind = kind if kind in set(ResourceKind) else ""
    return render_template("resources/list.html", resources=services.listing(kind), kind=kind, form=ConfirmForm(),
                           may_remove=lambda r: services.may_remove(current_user, r))


def new():
    form = ResourceForm()
    if accepted(form, where="resource.new"):
        file = form.file.data
        upload = services.Upload(file.filename, file.read(MAX_UPLOAD_BYTES + 1)) if file and file.filename else None
        try:
            services.share(actor=current_user, kind=form.kind.data, title=form.title.data,
                           description=form.description.data or "", held_on=form.held_on.data,
                           link=form.link.data or "", upload=upload)
        except services.ResourceError as error:
            form.file.errors = [*form.file.errors, str(error)]
        else:
            flash(_("Shared."), "success")
            return redirect(url_for("resources.resource_list"))
    return render_template("resources/form.html", form=form)


def download(resource_id: int):
    resource = db.session.get(Resource, resource_id)
    if resource is None or not resource.file_type:
        abort(404)
    return send_file(io.BytesIO(resource.file_content), mimetype=resource.file_type, as_attachment=True,
                     download_name=f"resource-{resource.id}.{extension_of(resource.file_type)}")


def remove(resource_id: int):
    resource = db.session.get(Resource, resource_id)
    if resource is None or not services.may_remove(current_user, resource):
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.remove(actor=current_user, resource=resource)
    flash(_("Removed."), "success")
    return redirect(url_for("resources.resource_list"))
