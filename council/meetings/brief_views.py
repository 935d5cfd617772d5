"""Brief pages (会議資料): prepare, read, reveal, print. The case gate loads the case and authorises the action; the
meeting of the URL must have the case on its agenda, and a participant reads it only by the reach resting on
*that* meeting (``meeting:<id>``) — anything else answers 404 and is recorded, like every case refusal."""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, session, url_for
from flask_login import current_user
from werkzeug.exceptions import NotFound

from council.access.gate import case_gate
from council.access.policy import Action, authorize_row
from council.auth.models import Institution
from council.cases.errors import CaseError
from council.core.clock import utcnow
from council.core.editing import StaleEdit
from council.core.i18n import gettext as _
from council.database import db
from council.meetings import briefs
from council.meetings.forms import BriefForm, ConfirmForm
from council.meetings.models import Meeting, MeetingItem
from council.meetings.queries import BRIEF_TABLE
from council.meetings.refusals import refuse

#: A refused request names the meeting of the URL as its target (the case is in its own column).
MEETING = ("meeting", "meeting_id")

#: The session's note that the viewer asked (POST) to see a brief's personal details: the brief's id, read once by the
#: page the POST redirects to. Only an id, never a detail, so nothing personal is in a URL, the history or the cookie.
_REVEAL = "brief_reveal"


def _agenda_item(case, action: Action) -> tuple[Meeting, MeetingItem]:
    """The meeting of the URL and its item of ``case``; 404 (recorded) when the case is not on its agenda."""
    meeting = db.session.get(Meeting, request.view_args["meeting_id"])
    item = briefs.item_of(meeting, case) if meeting is not None and meeting.council_id == case.council_id else None
    if item is None:
        _refuse(case, action)
    return meeting, item


def _refuse(case, action: Action):
    refuse(actor=current_user._get_current_object(), action=action, meeting_id=request.view_args["meeting_id"],
           case_id=case.id)


def _meeting_access(case, meeting: Meeting, action: Action):
    """The reach by which the viewer does ``action`` on this meeting's brief: the lead's own, or the grant resting on
    this meeting — never another meeting's (``access.scopes.ROW_BOUND``)."""
    try:
        return authorize_row(current_user, action, case, BRIEF_TABLE, meeting.id)
    except NotFound:
        _refuse(case, action)


def _brief_page(case, meeting, item, access, *, body, revealed: bool, status: int = 200):
    return render_template("meetings/brief.html", case=case, meeting=meeting, item=item, body=body,
                           revealed=revealed, access=access, confirm_form=ConfirmForm()), status


@case_gate(Action.READ_BRIEF, target=MEETING)
def brief(case, access):
    meeting, item = _agenda_item(case, Action.READ_BRIEF)
    access = _meeting_access(case, meeting, Action.READ_BRIEF)
    row = briefs.brief_of(item)
    revealing = row is not None and session.pop(_REVEAL, None) == row.id
    if revealing:
        access = _meeting_access(case, meeting, Action.REVEAL_BRIEF)
        body = briefs.reveal_brief(actor=current_user, case=case, access=access, brief=row)
    else:
        body = briefs.read_brief(actor=current_user, case=case, access=access, brief=row) if row else None
    return _brief_page(case, meeting, item, access, body=body, revealed=revealing)


@case_gate(Action.REVEAL_BRIEF, target=MEETING)
def reveal(case, access):
    """Ask for the brief's personal details: a POST (a deliberate act, not a link), then back to the brief's own URL
    (Post/Redirect/Get: a reload or the back button never re-sends the form), which opens them once and records the
    reveal as its own event. A reach of a reveal is checked here and again there."""
    meeting, item = _agenda_item(case, Action.REVEAL_BRIEF)
    _meeting_access(case, meeting, Action.REVEAL_BRIEF)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    row = briefs.brief_of(item)
    if row is None:
        _refuse(case, Action.REVEAL_BRIEF)
    session[_REVEAL] = row.id
    return redirect(url_for("meetings.brief", meeting_id=meeting.id, case_id=case.id))


@case_gate(Action.READ_BRIEF, target=MEETING)
def print_brief(case, access):
    """The print layout: a watermark with the viewer, their institution and the Japan time on every page."""
    meeting, item = _agenda_item(case, Action.READ_BRIEF)
    access = _meeting_access(case, meeting, Action.READ_BRIEF)
    row = briefs.brief_of(item)
    if row is None:
        _refuse(case, Action.READ_BRIEF)
    body = briefs.read_brief(actor=current_user, case=case, access=access, brief=row, printing=True)
    institution = db.session.get(Institution, current_user.institution_id)
    return render_template("meetings/brief_print.html", case=case, meeting=meeting, body=body,
                           institution=institution, now=utcnow(), nonce=g.get("csp_nonce"))


@case_gate(Action.PREPARE_BRIEF, target=MEETING)
def edit(case, access):
    """The lead prepares (or changes) the brief; the header starts from the case."""
    meeting, item = _agenda_item(case, Action.PREPARE_BRIEF)
    row = briefs.brief_of(item)
    form = BriefForm()
    if request.method == "GET":
        data = briefs.open_for_edit(actor=current_user, case=case, access=access, meeting=meeting, brief=row)
        form.process(data=vars(data))
        form.version.data = row.version if row else 0
    elif form.validate_on_submit():
        try:
            briefs.save_brief(actor=current_user, case=case, access=access, meeting=meeting,
                              data=briefs.BriefInput(**{name: form[name].data or "" for name in vars(
                                  briefs.BriefInput())}), version=form.version.data)
        except StaleEdit as error:
            form.form_errors.append(str(error))
            form.version.data = error.current.version if error.current is not None else 0
        except CaseError as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        else:
            flash(_("The brief is saved. Participants read it in the material window."), "info")
            return redirect(url_for("meetings.view", meeting_id=meeting.id))
    return render_template("meetings/brief_form.html", form=form, case=case, meeting=meeting, brief=row), \
        (400 if form.errors or form.form_errors else 200)
