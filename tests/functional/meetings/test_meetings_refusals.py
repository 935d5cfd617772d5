"""Refused requests on meeting routes answer 404 and are audit events (issue 11: "outside the window, or for a
non-participant, the brief is a 404 and the attempt is audited"): the case in its own column where one is involved
(so the auditor's per-case history shows who was refused), the meeting in the target. Both databases."""

from __future__ import annotations

import re

import pytest

from council.access.scopes import Action
from council.audit.events import AuditTag
from council.meetings.refusals import MeetingAction
from tests.functional.meetings.meetings_world import (  # noqa: F401  (world_fixture: the fixture ``world``)
    brief_url,
    client_of,
    events,
    prepare,
    schedule,
    world_fixture,
)


def _auditor_page(app, make_user, make_institution, number: str) -> str:
    auditor = make_user("auditor", institution=make_institution("監査室"))
    return client_of(app, auditor).get(f"/audit/cases/{number}").get_data(as_text=True)


def _refused_line(page: str, username: str) -> str:
    """The per-case history's line of ``username`` (who looked at the case), with its count of refusals."""
    table = page.split('data-testid="who-looked"', 1)[1].split("</table>", 1)[0]
    (line,) = [row for row in table.split("<tr>") if username in row]
    return line


@pytest.mark.parametrize("who", ["unrelated", "member"])  # a non-participant; a participant before the window
def test_a_refused_brief_is_a_404_that_the_auditor_s_case_history_shows(app, world, make_user, make_institution,
                                                                         who):
    meeting_id = schedule(app, world)  # in ten days: the member's window opens three days before it
    assert prepare(client_of(app, world.users["lead"]), meeting_id, world.case.id).status_code == 302
    client = client_of(app, world.users[who])
    for suffix in ("", "/print"):
        response = client.get(brief_url(meeting_id, world.case.id, suffix))
        assert response.status_code == 404 and "S.I." not in response.get_data(as_text=True)
    assert client.post(brief_url(meeting_id, world.case.id, "/reveal")).status_code == 404
    denied = events(app, AuditTag.CASE_ACCESS_DENIED, actor_user_id=world.users[who].id)
    assert [(e.case_id, e.case_number, e.target_type, e.target_id, e.reason) for e in denied] == [
        (world.case.id, world.case.number, "meeting", str(meeting_id), str(action))
        for action in (Action.READ_BRIEF, Action.READ_BRIEF, Action.REVEAL_BRIEF)]
    page = _auditor_page(app, make_user, make_institution, world.case.number)
    line = _refused_line(page, world.users[who].username)
    assert re.search(r'class="status-bad">3<', line)
    for event in denied:
        assert f'data-seq="{event.seq}"' in page


def test_a_brief_of_a_case_not_on_the_meeting_s_agenda_is_refused_and_recorded(app, world, make_case):
    other = make_case(world.users["lead"])
    meeting_id = schedule(app, world)
    lead = client_of(app, world.users["lead"])
    assert lead.get(brief_url(meeting_id, other.id)).status_code == 404
    (denied,) = events(app, AuditTag.CASE_ACCESS_DENIED, actor_user_id=world.users["lead"].id)
    assert (denied.case_id, denied.target_type, denied.target_id) == (other.id, "meeting", str(meeting_id))


@pytest.mark.parametrize(("path", "action"), [
    ("/meetings/{id}", MeetingAction.VIEW),
    ("/meetings/{id}/minutes", MeetingAction.READ_MINUTES),
    ("/meetings/{id}/minutes/print", MeetingAction.READ_MINUTES),
])
def test_a_meeting_a_user_does_not_take_part_in_is_a_404_and_recorded(app, world, path, action):
    meeting_id = schedule(app, world)
    client = client_of(app, world.users["unrelated"])
    assert client.get(path.format(id=meeting_id)).status_code == 404
    assert client.get(path.format(id=meeting_id + 1000)).status_code == 404  # no such meeting: the same answer
    denied = events(app, AuditTag.MEETING_ACCESS_DENIED, actor_user_id=world.users["unrelated"].id)
    assert [(e.target_type, e.target_id, e.reason, e.case_id, e.outcome) for e in denied] == [
        ("meeting", str(meeting_id), str(action), None, "denied"),
        ("meeting", str(meeting_id + 1000), str(action), None, "denied")]


def test_a_user_of_another_council_is_refused_in_their_own_council_s_log(app, world):
    meeting_id = schedule(app, world)
    member = client_of(app, world.users["member"])
    assert member.get(f"/meetings/{meeting_id}/minutes").status_code == 200  # a participant reads the minutes
    other = client_of(app, world.users["other council"])
    assert other.get(f"/meetings/{meeting_id}/minutes").status_code == 404
    (denied,) = events(app, AuditTag.MEETING_ACCESS_DENIED, actor_user_id=world.users["other council"].id)
    assert denied.council_id == world.users["other council"].council_id  # in the refused user's own council's log
    assert denied.target_id == str(meeting_id)


def test_the_auditor_reads_what_a_meeting_refusal_asked_for(app, world, make_user, make_institution):
    meeting_id = schedule(app, world)
    client_of(app, world.users["unrelated"]).get(f"/meetings/{meeting_id}/minutes")
    auditor = make_user("auditor", institution=make_institution("監査室"))
    page = client_of(app, auditor).get(f"/audit/users/{world.users['unrelated'].id}").get_data(as_text=True)
    assert "Access to a meeting refused" in page and "read a meeting&#39;s minutes" in page


# -- lists name the cases they show -----------------------------------------------------------------------------


def _listed(app, tag, actor_id) -> list[list[int]]:
    from sqlalchemy import select

    from council.audit.models import AuditEvent, AuditEventCase
    from council.database import db

    with app.app_context():
        seqs = db.session.scalars(select(AuditEvent.seq).where(AuditEvent.tag == str(tag),
                                                               AuditEvent.actor_user_id == actor_id)).all()
        return [sorted(db.session.scalars(select(AuditEventCase.case_id).where(AuditEventCase.event_seq == seq)))
                for seq in seqs]


def test_the_record_page_records_the_agenda_cases_it_shows(app, world):
    meeting_id = schedule(app, world, starts_at=None)
    page = client_of(app, world.users["coordinator"]).get(f"/meetings/{meeting_id}/record")
    assert page.status_code == 200 and world.case.number in page.get_data(as_text=True)
    assert [world.case.id] in _listed(app, AuditTag.CASE_LISTED, world.users["coordinator"].id)
