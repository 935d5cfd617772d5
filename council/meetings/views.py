"""Meeting pages: the list, scheduling and changing a meeting, cancelling it, and the meeting page. Thin: load,
check, call a service, render. A refused form is shown again with what was typed and its error summary."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from wtforms.validators import ValidationError

from council.access.permissions import Permission
from council.audit.events import record_page_denial
from council.auth.models import Institution, User
from council.cases.errors import CaseError
from council.cases.models import Risk
from council.core.clock import in_japan, japan_to_utc
from council.core.editing import StaleEdit, show_stale
from council.core.i18n import gettext as _
from council.database import db
from council.meetings import agenda, queries, services
from council.meetings.forms import ConfirmForm, MeetingForm
from council.meetings.models import Meeting, MeetingKind
from council.meetings.refusals import MeetingAction
from council.meetings.services import PARTICIPANT_ROLES, MeetingInput, may_manage


def meeting_list():
    upcoming, past = queries.meetings_for(current_user)
    return render_template("meetings/list.html", upcoming=upcoming, past=past, manages=may_manage(current_user))


def meeting_view(meeting_id: int):
    meeting = queries.visible_meeting(current_user, meeting_id)
    page = queries.meeting_page(current_user, meeting)
    return render_template("meetings/view.html", page=page, meeting=meeting, confirm_form=ConfirmForm(
        version=meeting.version))


def new():
    """The scheduling form. ``?case_id=3&case_id=7`` (the ledger's link) ticks those cases on the agenda."""
    _managers_only()
    form = MeetingForm()
    eligible = _fill_choices(form)
    if request.method == "GET":
        ticked = set(request.args.getlist("case_id", type=int))
        form.cases.data = [c.id for c in eligible if c.id in ticked]
        if request.args.get("kind") in set(MeetingKind):
            form.kind.data = request.args["kind"]
    return _save(form, eligible, meeting=None)


def edit(meeting_id: int):
    _managers_only()
    meeting = queries.visible_meeting(current_user, meeting_id, action=MeetingAction.MANAGE)
    form = MeetingForm()
    eligible = _fill_choices(form)
    if request.method == "GET":
        _prefill(form, meeting)
    return _save(form, eligible, meeting=meeting)


def cancel(meeting_id: int):
    _managers_only()
    meeting = queries.visible_meeting(current_user, meeting_id, action=MeetingAction.MANAGE)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.cancel_meeting(actor=current_user, meeting=meeting, version=form.version.data)
    except CaseError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        flash(_("The meeting is cancelled. Its participants no longer read its briefs."), "info")
    return redirect(url_for("meetings.view", meeting_id=meeting.id))


# -- the form ------------------------------------------------------------------------------------------------


def _managers_only() -> None:
    """The scheduling pages are the 調整機関's coordinator's (the role alone is not enough): anyone else is answered
    403, and the refusal is recorded as the permission gate records one (``record_page_denial``)."""
    if not may_manage(current_user):
        record_page_denial(actor=current_user._get_current_object(), endpoint=request.endpoint,
                           permission=Permission.MEETINGS_MANAGE)
        abort(403)


def _fill_choices(form: MeetingForm) -> list:
    council_id = current_user.council_id
    institutions = list(db.session.scalars(select(Institution).where(Institution.council_id == council_id)
                                           .order_by(Institution.name)))
    names = {i.id: i.name for i in institutions}
    users = db.session.scalars(select(User).where(User.institution_id.in_(names), User.disabled_at.is_(None),
                                                  User.role.in_([r.value for r in PARTICIPANT_ROLES]))
                               .order_by(User.institution_id, User.id))
    form.users.choices = [(u.id, f"{u.display_name}（{names[u.institution_id]}）") for u in users]
    form.institutions.choices = [(i.id, i.name) for i in institutions]
    eligible = agenda.eligible(council_id)
    form.cases.choices = [(a.id, _case_label(a)) for a in agenda.describe(eligible)]
    return eligible


def _case_label(case: agenda.AgendaCase) -> str:
    return _("%(number)s · %(institution)s · %(categories)s · risk: %(risk)s · review due %(due)s",
             number=case.number, institution=case.lead_institution, categories="・".join(case.categories) or "—",
             risk=Risk(case.risk).label, due=case.next_review.isoformat())


def _prefill(form: MeetingForm, meeting: Meeting) -> None:
    starts, ends = in_japan(meeting.starts_at), in_japan(meeting.ends_at)
    form.kind.data, form.title.data, form.place.data, form.online.data = (meeting.kind, meeting.title, meeting.place,
                                                                          meeting.online)
    form.day.data, form.starts.data, form.ends.data = starts.date().isoformat(), starts.time(), ends.time()
    form.users.data = [p.user_id for p in meeting.participants if p.user_id]
    form.institutions.data = [p.institution_id for p in meeting.participants if p.institution_id]
    form.cases.data = [i.case_id for i in meeting.items if i.case_id]
    form.topics.data = "\n".join(i.topic for i in meeting.items if i.topic)
    form.version.data = meeting.version


def _input(form: MeetingForm) -> MeetingInput:
    kind = MeetingKind(form.kind.data)
    return MeetingInput(kind=kind, title=form.title.data or "", starts_at=japan_to_utc(form.day.date, form.starts.data),
                        ends_at=japan_to_utc(form.day.date, form.ends.data), place=form.place.data or "",
                        online=form.online.data, user_ids=list(form.users.data or []),
                        institution_ids=list(form.institutions.data or []),
                        case_ids=_agenda_ids(kind, list(form.cases.data or [])),
                        topics=(form.topics.data or "").splitlines() if not kind.has_cases else ())


def _agenda_ids(kind: MeetingKind, ticked: list[int]) -> list[int] | None:
    """The ticked cases; a practitioners' meeting with none ticked takes the cases due (None); a representatives'
    meeting none (whatever was ticked before its kind was chosen)."""
    if not kind.has_cases:
        return []
    return None if kind == MeetingKind.PRACTITIONERS and not ticked else ticked


def _save(form: MeetingForm, eligible: list, *, meeting: Meeting | None):
    if request.method == "POST" and "generate" in request.form:
        _tick_due(form)
    elif form.validate_on_submit():
        try:
            if meeting is None:
                meeting = services.schedule_meeting(actor=current_user, **vars(_input(form)))
                flash(_("The meeting is scheduled. Its participants read the briefs in the material window."),
                      "info")
            else:
                services.change_meeting(actor=current_user, meeting=meeting, data=_input(form),
                                        version=form.version.data)
                flash(_("The meeting is saved. Its participants' material window follows it."), "info")
        except StaleEdit as error:
            show_stale(form, error)
        except CaseError as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        else:
            return redirect(url_for("meetings.view", meeting_id=meeting.id))
    agenda.record_shown(current_user, eligible, reason="meeting agenda choices")
    return render_template("meetings/form.html", form=form, meeting=meeting), \
        (400 if form.errors or form.form_errors else 200)


def _tick_due(form: MeetingForm) -> None:
    """実務者会議: tick the council cases due for review by the typed date (the coordinator edits the list after)."""
    try:
        form.day.pre_validate(form)
    except ValidationError:
        form.day.date = None
    if form.day.date is None:
        form.form_errors.append(_("Type the meeting's date first: the cases due for review by that date are ticked."))
        return
    form.cases.data = [c.id for c in agenda.due_for_review(current_user.council_id, form.day.date)]
