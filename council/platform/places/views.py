"""Place and activity pages and the calendar feed: load, check, call a service, render."""

from __future__ import annotations

import datetime as dt

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from council.core.clock import japan_to_utc
from council.core.db import utcnow
from council.core.editing import StaleEdit, show_stale
from council.core.i18n import gettext as _
from council.platform.guarding import accepted
from council.platform.places import ics, services
from council.platform.places.forms import PlaceFilterForm, PlaceForm, SessionForm
from council.platform.places.models import Place
from council.security.forms import ConfirmForm


def _details(form: PlaceForm) -> services.PlaceDetails:
    return services.PlaceDetails(
        name=form.name.data, kind=form.kind.data, area=form.area.data, fields=tuple(form.fields.data),
        venue=form.venue.data or "", schedule=form.schedule.data, audience=form.audience.data,
        how_to_join=form.how_to_join.data or "", cost=form.cost.data or "", accessibility=form.accessibility.data or "",
        description=form.description.data or "")


def _filter() -> tuple[PlaceFilterForm, services.PlaceFilter]:
    form = PlaceFilterForm(request.args)
    if not form.validate():
        return form, services.PlaceFilter()
    return form, services.PlaceFilter(area=form.area.data or "", field=form.field.data or "", kind=form.kind.data or "")


def place_list():
    form, place_filter = _filter()
    return render_template("places/list.html", form=form, places=services.find(place_filter),
                           feed_url=url_for("places.calendar", area=place_filter.area or None))


def _public(place_id: int) -> Place:
    return services.public_place(place_id) or abort(404)


def _editable(place_id: int) -> Place:
    place = _public(place_id)
    if not services.may_edit(current_user, place):
        abort(404)
    return place


def show(place_id: int):
    place = _public(place_id)
    editable = services.may_edit(current_user, place)
    return render_template("places/show.html", place=place, sessions=services.upcoming(place), editable=editable,
                           session_form=SessionForm() if editable else None, form=ConfirmForm())


def new():
    form = PlaceForm()
    if accepted(form, where="place.new"):
        try:
            place = services.create(actor=current_user, details=_details(form))
        except services.PlaceError as error:
            form.form_errors.append(str(error))
        else:
            flash(_("Published. Add its dates so they appear in the calendar."), "success")
            return redirect(url_for("places.show", place_id=place.id))
    return render_template("places/form.html", form=form, place=None, stored=None)


def edit(place_id: int):
    place = _editable(place_id)
    form = PlaceForm(obj=place) if request.method == "GET" else PlaceForm()
    if request.method == "GET":
        form.fields.data, form.version.data = place.field_codes, place.version
    stored = None
    if accepted(form, where="place.edit"):
        try:
            services.update(actor=current_user, place=place, details=_details(form), version=form.version.data)
        except StaleEdit as error:
            stored = show_stale(form, error)
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("places.show", place_id=place.id))
    return render_template("places/form.html", form=form, place=place, stored=stored)


def delete(place_id: int):
    place = _editable(place_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.delete(actor=current_user, place=place)
    flash(_("Removed."), "success")
    return redirect(url_for("places.place_list"))


def add_session(place_id: int):
    place = _editable(place_id)
    form = SessionForm()
    if accepted(form, where="place.session"):
        try:
            # The day and times are typed in Japan time; the database keeps UTC.
            services.add_session(actor=current_user, place=place,
                                 starts_at=japan_to_utc(form.day.data, form.starts.data),
                                 ends_at=japan_to_utc(form.day.data, form.ends.data), note=form.note.data or "")
        except services.PlaceError as error:
            form.ends.errors = [*form.ends.errors, str(error)]
        else:
            flash(_("The date was added."), "success")
            return redirect(url_for("places.show", place_id=place.id))
    return render_template("places/show.html", place=place, sessions=services.upcoming(place), editable=True,
                           session_form=form, form=ConfirmForm())


def remove_session(place_id: int, session_id: int):
    place = _editable(place_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        services.remove_session(actor=current_user, place=place, session_id=session_id)
    except services.PlaceError:
        abort(404)
    return redirect(url_for("places.show", place_id=place.id))


def calendar():
    area = request.args.get("area", "")
    if area and area not in current_app.config["AREAS"]:
        abort(404)
    now = utcnow()
    sessions = services.calendar_sessions(since=now - dt.timedelta(days=current_app.config["CALENDAR_PAST_DAYS"]),
                                          area=area)
    body = ics.calendar(sessions, name=_("Places and activities") + (f" ({area})" if area else ""),
                        host=request.host.split(":")[0], now=now,
                        url_for_place=lambda place: url_for("places.show", place_id=place.id, _external=True))
    return Response(body, mimetype="text/calendar", headers={
        "Content-Disposition": 'inline; filename="places.ics"'})
