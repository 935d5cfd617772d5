"""The incident register's pages: thin, each loads the incident of the user's council, calls a service, renders.

The route declared ``INCIDENTS_MANAGE`` (auditors and the coordinator); ``services.get`` answers 404 for another
council's incident. A refused form is shown again with what was typed (council/core/forms.py).
"""

from __future__ import annotations

import datetime as dt

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from council.core.clock import in_japan, utcnow, wall_clock_to_utc
from council.core.editing import show_stale
from council.core.i18n import gettext as _
from council.incidents import deadlines, picker, sealing, services
from council.incidents.forms import IncidentForm, PickForm, RemoveCaseForm
from council.incidents.models import Encryption, Incident, codes

_RANGE_PROBLEMS = {
    "dates": lambda: _("Give both dates of the range to search."),
    "order": lambda: _("The range ends before it starts."),
    "too_long": lambda: _("Without a case number, search at most %(n)d days at a time.", n=picker.LONGEST_RANGE_DAYS),
}


def register():
    """The council's incidents with their deadlines, most urgent first."""
    return render_template("incidents/register.html", views=services.register(current_user))


def new():
    form = IncidentForm()
    if form.validate_on_submit():
        try:
            incident = services.create(actor=current_user, data=_input(form))
        except services.IncidentError as error:
            form.form_errors.append(str(error))
        else:
            flash(_("Incident No. %(id)d registered.", id=incident.id), "success")
            return redirect(url_for("incidents.view", incident_id=incident.id))
    return render_template("incidents/edit.html", form=form, incident=None, stored=None)


def view(incident_id: int):
    """The incident, its deadlines, its affected cases and the log search that picks them."""
    incident = services.get(current_user, incident_id)
    search = _search(incident)
    texts = services.view_incident(actor=current_user, incident=incident)
    return render_template("incidents/view.html", **_page(incident, texts), search=search, remove_form=lambda row:
                           RemoveCaseForm(formdata=None, version=incident.version, case=row.case_id))


def edit(incident_id: int):
    incident = services.get(current_user, incident_id)
    form, stored = IncidentForm() if request.method == "POST" else _filled(incident), None
    if form.validate_on_submit():
        try:
            services.update(actor=current_user, incident=incident, data=_input(form), version=form.version.data)
        except services.StaleIncident as error:
            incident = show_stale(form, error)
            stored = services.view_incident(actor=current_user, incident=incident)
        except services.IncidentError as error:
            form.form_errors.append(str(error))
        else:
            flash(_("Incident No. %(id)d saved.", id=incident.id), "success")
            return redirect(url_for("incidents.view", incident_id=incident.id))
    return render_template("incidents/edit.html", form=form, incident=incident, stored=stored)


def add_cases(incident_id: int):
    """The cases ticked in a log search. Its choices came from that search, not from a form to fill in again: a
    refusal (none ticked, another council's case, a stale version) is said above the cases, to search again."""
    incident = services.get(current_user, incident_id)
    form = PickForm(prefix="pick")
    form.case_ids.choices = [(case_id, str(case_id)) for case_id in request.form.getlist("pick-case_ids", type=int)]
    if form.validate_on_submit():
        try:
            added = services.add_cases(actor=current_user, incident=incident, case_ids=form.case_ids.data,
                                       version=form.version.data)
        except services.IncidentError as error:
            flash(str(error), "error")
        else:
            flash(_("%(n)d cases added to the incident.", n=added), "success")
    else:
        flash(_("Choose at least one case found in the log."), "error")
    return redirect(url_for("incidents.view", incident_id=incident.id, _anchor="cases"))


def remove_case(incident_id: int):
    incident = services.get(current_user, incident_id)
    form = RemoveCaseForm()
    try:
        services.remove_case(actor=current_user, incident=incident, case_id=_int(form.case.data),
                             version=form.version.data)
    except services.IncidentError as error:
        flash(str(error), "error")
    else:
        flash(_("The case was taken off the incident."), "success")
    return redirect(url_for("incidents.view", incident_id=incident.id, _anchor="cases"))


def report(incident_id: int):
    """The printable report, under the PPC form's headings (its reading is audited)."""
    incident = services.get(current_user, incident_id)
    texts = services.view_incident(actor=current_user, incident=incident, printed=True)
    return render_template("incidents/report.html", **_page(incident, texts), now=utcnow())


# -- helpers -------------------------------------------------------------------------------------------------------


def _page(incident: Incident, texts: dict[str, str]) -> dict:
    preliminary, final = deadlines.deadlines(incident)
    return {"incident": incident, "texts": texts, "preliminary": preliminary, "final": final,
            "cases": services.affected_cases(incident), "persons": services.persons_concerned(incident),
            "situations": codes(incident.situations), "data_items": codes(incident.data_items),
            "key_safe": incident.encryption == Encryption.ENCRYPTED_KEY_SAFE,
            "preliminary_days": deadlines.preliminary_days(), "final_days": deadlines.FINAL_DAYS,
            "final_days_malicious": deadlines.FINAL_DAYS_MALICIOUS}


def _search(incident: Incident) -> dict | None:
    """The log search of the page's query (``case``, ``since``, ``until``), or None when none was asked."""
    if "since" not in request.args and "case" not in request.args:
        return None
    case_number = request.args.get("case", "").strip()[:20]
    since, until = _query_date("since"), _query_date("until")
    problem = picker.range_problem(case_number, since, until)
    result = {"case_number": case_number, "since": request.args.get("since", ""),
              "until": request.args.get("until", ""), "problem": _RANGE_PROBLEMS[problem]() if problem else None,
              "finding": None, "form": None}
    if problem is None:
        finding = picker.search(actor=current_user, incident=incident, case_number=case_number, since=since,
                                until=until)
        form = PickForm(prefix="pick", formdata=None, version=incident.version)
        form.case_ids.choices = sorted(((case_id, number) for case_id, number in finding.cases.items()),
                                       key=lambda choice: choice[1])
        form.case_ids.data = list(finding.cases)
        result |= {"finding": finding, "form": form}
    return result


def _int(value) -> int | None:
    """A number a form sent, or None for a missing or tampered one."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _query_date(name: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None


def _input(form: IncidentForm) -> services.IncidentInput:
    return services.IncidentInput(
        discovered_at=wall_clock_to_utc(form.discovered_at.data),
        occurred_at=wall_clock_to_utc(form.occurred_at.data) if form.occurred_at.data else None,
        state=form.state.data, situations=form.situations.data or [], data_items=form.data_items.data or [],
        encryption=form.encryption.data, other_persons=form.other_persons.data or 0,
        secondary_harm_risk=bool(form.secondary_harm_risk.data),
        preliminary_reported_on=form.preliminary_reported_on.date, final_reported_on=form.final_reported_on.date,
        texts={column: getattr(form, column).data or "" for column in sealing.SEALED})


def _filled(incident: Incident) -> IncidentForm:
    """The edit form showing what is stored (its text opened, and that reading audited)."""
    texts = services.view_incident(actor=current_user, incident=incident)
    return IncidentForm(formdata=None, version=incident.version, state=incident.state,
                        situations=codes(incident.situations), data_items=codes(incident.data_items),
                        encryption=incident.encryption, other_persons=incident.other_persons,
                        secondary_harm_risk=incident.secondary_harm_risk,
                        discovered_at=_wall_clock(incident.discovered_at),
                        occurred_at=_wall_clock(incident.occurred_at),
                        preliminary_reported_on=_iso(incident.preliminary_reported_on),
                        final_reported_on=_iso(incident.final_reported_on), **texts)


def _wall_clock(instant: dt.datetime | None) -> dt.datetime | None:
    return in_japan(instant).replace(tzinfo=None) if instant is not None else None


def _iso(day: dt.date | None) -> str:
    return day.isoformat() if day is not None else ""

