"""Pages of a meeting's record. Each loads the meeting (or the case gate loads the case and its agenda item), checks
who may act (``reach``), calls a service and renders; a refused form is shown again with what was typed and its
error summary."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.exceptions import NotFound

from council.access.gate import case_gate
from council.access.policy import Action
from council.auth.models import Institution
from council.cases.errors import CaseError, StaleCase
from council.cases.reviews import default_next_review
from council.core.clock import utcnow
from council.core.editing import show_stale
from council.core.i18n import gettext as _
from council.database import db
from council.meetings.minutes import reach, services
from council.meetings.minutes.forms import TASK_ROWS, ApproveForm, AttendanceForm, ItemForm, MinutesForm
from council.meetings.models import Meeting, MeetingItem, MeetingState
from council.meetings.refusals import refuse
from council.meetings.tasks.services import TaskInput
from council.security.totp import qr_svg


def _refused(form, error: CaseError) -> None:
    db.session.rollback()
    if isinstance(error, StaleCase):
        show_stale(form, error)
    else:
        form.form_errors.append(str(error))


# -- the record: attendance and the agenda ---------------------------------------------------------------------


def record(meeting_id: int):
    """The coordinator's page at the meeting: attendance, and each agenda case with a link to its decisions."""
    meeting = reach.meeting_for(current_user, meeting_id, manage=True)
    form = AttendanceForm()
    if form.validate_on_submit():
        attended = {p.id: request.form.get(f"attended-{p.id}") == "yes" for p in meeting.participants}
        try:
            services.record_attendance(actor=current_user, meeting=meeting, attended=attended,
                                       version=form.version.data)
        except CaseError as error:
            _refused(form, error)
        else:
            flash(_("Attendance recorded."), "info")
            return redirect(url_for("minutes.record", meeting_id=meeting.id))
    if not form.is_submitted():
        form.version.data = meeting.version
    return render_template("minutes/record.html", meeting=meeting, form=form,
                           names=reach.participant_names(meeting),
                           cases=services.agenda_numbers(actor=current_user, meeting=meeting)), \
        (400 if form.errors or form.form_errors else 200)


# -- one agenda case -------------------------------------------------------------------------------------------


@case_gate(Action.RECORD_DECISION, target=("meeting_item", "item_id"), item=MeetingItem)
def record_item(case, access, item):
    """What the meeting decided on one agenda case: read by the reach of the case for this meeting only."""
    meeting = db.session.get(Meeting, item.meeting_id)
    try:
        if meeting.council_id != current_user.council_id:
            raise NotFound()
        access = reach.for_meeting(current_user, case, meeting, Action.RECORD_DECISION)
    except NotFound:
        refuse(actor=current_user._get_current_object(), action=Action.RECORD_DECISION, meeting_id=meeting.id,
               case_id=case.id)
    form = ItemForm()
    _choices(form, meeting)
    if form.validate_on_submit():
        try:
            services.record_item(actor=current_user, meeting=meeting, item=item, case=case, access=access,
                                 data=_input(form), version=form.version.data)
        except CaseError as error:
            _refused(form, error)
        else:
            flash(_("The decisions on case %(number)s are recorded and written to the case.", number=case.number),
                  "info")
            return redirect(url_for("minutes.record", meeting_id=meeting.id)
                            if reach.manages(current_user, meeting) else url_for("minutes.view", meeting_id=meeting.id))
    view = services.read_item(actor=current_user, meeting=meeting, item=item, case=case, access=access)
    if not form.is_submitted():
        _fill(form, view, case, meeting)
    return render_template("minutes/item.html", meeting=meeting, case=case, item=item, form=form, view=view,
                           manages=reach.manages(current_user, meeting)), \
        (400 if form.errors or form.form_errors else 200)


def _choices(form: ItemForm, meeting: Meeting) -> None:
    institutions = list(db.session.execute(select(Institution.id, Institution.name).where(
        Institution.council_id == meeting.council_id).order_by(Institution.name)).all())
    form.lead_institution.choices = [(i, name) for i, name in institutions]
    for row in form.tasks:
        row.institution.choices = [(0, _("—"))] + [(i, name) for i, name in institutions]


def _fill(form: ItemForm, view: services.ItemView, case, meeting: Meeting) -> None:
    """The form as recorded so far; for an item not yet decided, the case's own values and the default review."""
    item = view.item
    risk = item.risk or case.risk
    form.situation.data, form.plan.data, form.key_person.data = view.situation, view.plan, view.key_person
    form.risk.data, form.urgency.data = risk, item.urgency or risk
    form.lead_institution.data = item.lead_institution_id or case.lead_institution_id
    form.key_person_role.data = item.key_person_role or case.key_person_role or ""
    review = item.next_review_date or default_next_review(risk, services.meeting_day(meeting))
    form.next_review_date.data = review.isoformat()
    form.version.data = item.version
    open_tasks = [(task, what) for task, _name, what in view.tasks if task.completed_at is None]
    while len(form.tasks) < max(TASK_ROWS, len(open_tasks) + 1):
        form.tasks.append_entry()
    # the open tasks, as they stand: a save replaces them
    for row, (task, what) in zip(form.tasks, open_tasks, strict=False):
        row.institution.data, row.what.data, row.due_date.data = task.institution_id, what, task.due_date.isoformat()


def _input(form: ItemForm) -> services.ItemInput:
    tasks = [TaskInput(institution_id=row.institution.data, what=row.what.data.strip(), due_date=row.due_date.date)
             for row in form.tasks if row.form.is_filled and row.due_date.date is not None]
    return services.ItemInput(
        situation=form.situation.data or "", risk=form.risk.data, urgency=form.urgency.data, plan=form.plan.data or "",
        lead_institution_id=form.lead_institution.data or None, key_person_role=form.key_person_role.data or None,
        key_person=form.key_person.data or "", next_review_date=form.next_review_date.date, tasks=tasks)


# -- the minutes -------------------------------------------------------------------------------------------------


def view(meeting_id: int):
    """The minutes: the general part for participants and the coordinator, each case's part by its reach."""
    meeting = reach.meeting_for(current_user, meeting_id)
    return _minutes_page(meeting, MinutesForm(), ApproveForm(prefix="approve"))


def _minutes_page(meeting: Meeting, form: MinutesForm, approve: ApproveForm, typed: dict | None = None):
    minutes = services.read_minutes(actor=current_user, meeting=meeting)
    if not form.is_submitted():
        form.summary.data, form.version.data = minutes.summary, meeting.version
    if not approve.is_submitted():
        approve.version.data = meeting.version
    refused = form.errors or form.form_errors or approve.errors or approve.form_errors
    return render_template("minutes/minutes.html", minutes=minutes, meeting=meeting, form=form, approve=approve,
                           typed=typed or {}, qr=qr_svg(minutes.checkpoint) if minutes.checkpoint else ""), \
        (400 if refused else 200)


def edit(meeting_id: int):
    """Save the minutes (the coordinator, until approved); refused, the page shows what was typed."""
    meeting = reach.meeting_for(current_user, meeting_id, manage=True)
    form = MinutesForm()
    typed = {item.id: request.form.get(f"part-{item.id}", "") for item in meeting.items
             if f"part-{item.id}" in request.form}
    if form.validate_on_submit():
        try:
            services.save_minutes(actor=current_user, meeting=meeting, summary=form.summary.data or "", parts=typed,
                                  version=form.version.data)
        except CaseError as error:
            _refused(form, error)
        else:
            flash(_("The minutes are saved."), "info")
            return redirect(url_for("minutes.view", meeting_id=meeting.id))
    return _minutes_page(meeting, form, ApproveForm(formdata=None, prefix="approve"), typed)


def approve(meeting_id: int):
    """Approve the minutes (the coordinator): read-only from then on, with their signed checkpoint."""
    meeting = reach.meeting_for(current_user, meeting_id, manage=True)
    form = ApproveForm(prefix="approve")
    if form.validate_on_submit():
        try:
            services.approve_minutes(actor=current_user, meeting=meeting, version=form.version.data)
        except CaseError as error:
            _refused(form, error)
        else:
            flash(_("The minutes are approved. Each participating institution prints its own copy for its file."),
                  "info")
            return redirect(url_for("minutes.view", meeting_id=meeting.id))
    return _minutes_page(meeting, MinutesForm(formdata=None), form)


def print_minutes(meeting_id: int):
    """The minutes' print layout, watermarked with the viewer, their institution and the Japan time; audited."""
    meeting = reach.meeting_for(current_user, meeting_id)
    minutes = services.read_minutes(actor=current_user, meeting=meeting, printing=True)
    return render_template("minutes/print.html", minutes=minutes, meeting=meeting,
                           institution=current_user.institution.name, now=utcnow(),
                           qr=qr_svg(minutes.checkpoint) if minutes.checkpoint else "")


def state_label(value: str):
    return MeetingState(value).label
