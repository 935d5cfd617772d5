"""The 相談につなぐ page and its administration: load, check, call a service, render."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from council.core.editing import StaleEdit, show_stale
from council.core.i18n import gettext as _
from council.platform.consult import services
from council.platform.consult.forms import WindowForm
from council.platform.consult.models import ConsultationWindow
from council.platform.database import db
from council.platform.guarding import accepted
from council.security.forms import ConfirmForm


def index():
    return render_template("consult/index.html", windows=services.windows())


def manage():
    return render_template("consult/manage.html", windows=services.windows(), form=ConfirmForm())


def _details(form: WindowForm) -> services.WindowDetails:
    return services.WindowDetails(name=form.name.data, operator=form.operator.data or "",
                                  topics=form.topics.data or "", contact=form.contact.data,
                                  hours=form.hours.data or "", url=form.url.data or "",
                                  position=form.position.data or 0)


def edit(window_id: int | None = None):
    window = None if window_id is None else (db.session.get(ConsultationWindow, window_id) or abort(404))
    form = WindowForm(obj=window) if request.method == "GET" else WindowForm()
    stored = None
    if accepted(form, where="consult.window"):
        try:
            services.save(actor=current_user, window=window, details=_details(form), version=form.version.data)
        except StaleEdit as error:
            stored = show_stale(form, error)
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("consult.manage"))
    return render_template("consult/form.html", form=form, window=window, stored=stored)


def new():
    return edit(None)


def remove(window_id: int):
    window = db.session.get(ConsultationWindow, window_id) or abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.remove(actor=current_user, window=window)
    return redirect(url_for("consult.manage"))
