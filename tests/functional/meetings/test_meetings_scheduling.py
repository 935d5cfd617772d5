"""Scheduling a meeting as the coordinator sees it: the form (prefilled from the ledger's link), agenda rules, the
generated agenda of a practitioners' meeting, who sees which meeting. Both databases."""

from __future__ import annotations

import datetime as dt
import re

from council.audit.events import AuditTag
from council.cases.models import Case
from council.core import clock
from council.core.clock import utcnow
from council.database import db
from council.meetings.models import Meeting, MeetingKind
from tests.conftest import fresh
from tests.functional.meetings.meetings_world import (  # noqa: F401  (world_fixture: the fixture ``world``)
    ADDRESS,
    KANA,
    SUBJECT,
    client_of,
    events,
    meeting_grants,
    schedule,
    world_fixture,
)


def _ticked(html: str) -> set[int]:
    """The agenda cases ticked on the form."""
    return {int(value) for value in re.findall(r'<input checked id="cases-\d+" name="cases" type="checkbox" '
                                               r'value="(\d+)">', html)}


def _agenda(app, meeting_id: int) -> list[int]:
    with app.app_context():
        return [i.case_id for i in db.session.get(Meeting, meeting_id).items]


def _form(world, day: dt.datetime, **fields) -> dict:
    japan = clock.in_japan(day)
    return {"kind": "case_review", "title": "第2回個別ケース検討会議", "day": japan.date().isoformat(),
            "starts": "14:00", "ends": "16:00", "place": "市役所 3階会議室", "users": [world.users["member"].id],
            "institutions": [world.institutions["shakyo"]], "cases": [world.case.id], **fields}


def test_the_ledger_link_ticks_its_cases_and_the_coordinator_sees_no_personal_field(app, world):
    coordinator = client_of(app, world.users["coordinator"])
    page = coordinator.get(f"/meetings/new?case_id={world.case.id}&case_id=999999")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and world.case.number in html and "福祉事務所" in html
    assert _ticked(html) == {world.case.id}
    assert [text for text in (SUBJECT, KANA, ADDRESS) if text in html] == []
    assert "registered council cases" in html
    (shown,) = events(app, AuditTag.CASE_LISTED, actor_user_id=world.users["coordinator"].id)
    assert shown.reason == "meeting agenda choices"


def test_the_coordinator_schedules_through_the_form(app, world):
    coordinator = client_of(app, world.users["coordinator"])
    response = coordinator.post("/meetings/new", data=_form(world, utcnow() + dt.timedelta(days=7)))
    assert response.status_code == 302, response.get_data(as_text=True)
    meeting_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    meeting = fresh(app, Meeting, meeting_id)
    assert clock.in_japan(meeting.starts_at).strftime("%H:%M") == "14:00"
    assert len(meeting_grants(app, meeting_id)) == 2
    html = coordinator.get(f"/meetings/{meeting_id}").get_data(as_text=True)
    assert world.case.number in html and "No brief yet" in html and SUBJECT not in html
    assert "Reschedule or change" in html


def test_the_form_keeps_what_was_typed_and_says_what_is_wrong(app, world):
    coordinator = client_of(app, world.users["coordinator"])
    refused = coordinator.post("/meetings/new", data=_form(world, utcnow() + dt.timedelta(days=7), ends="13:00",
                                                           title="終了時刻の誤り"))
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "The meeting must end after it starts." in html and "終了時刻の誤り" in html


def test_an_unregistered_case_cannot_go_on_the_agenda(app, world, make_case):
    other = make_case(world.users["lead"], name="田中 花子")
    coordinator = client_of(app, world.users["coordinator"])
    page = coordinator.get(f"/meetings/new?case_id={other.id}").get_data(as_text=True)
    assert other.number not in page  # not offered
    refused = coordinator.post("/meetings/new", data=_form(world, utcnow() + dt.timedelta(days=7),
                                                           cases=[other.id]))
    assert refused.status_code == 400 and "is not a valid choice" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(Meeting).count() == 0


def test_a_practitioners_meeting_takes_the_cases_due_for_review(app, world, make_case):
    with app.app_context():
        # Through the ORM, as the cases' services write it: the stored due date follows (cases.reviews).
        db.session.get(Case, world.case.id).next_review_date = clock.japan_today() + dt.timedelta(days=5)
        db.session.commit()
    meeting_id = schedule(app, world, kind=MeetingKind.PRACTITIONERS, cases=None,
                          starts_at=utcnow() + dt.timedelta(days=10))
    assert _agenda(app, meeting_id) == [world.case.id]
    early = schedule(app, world, kind=MeetingKind.PRACTITIONERS, cases=None, starts_at=utcnow() + dt.timedelta(days=1))
    assert _agenda(app, early) == []
    # The form's button ticks them for the typed date, for the coordinator to edit.
    coordinator = client_of(app, world.users["coordinator"])
    ticked = coordinator.post("/meetings/new", data=_form(world, utcnow() + dt.timedelta(days=10),
                                                          kind="practitioners", cases=[], generate="1"))
    html = ticked.get_data(as_text=True)
    assert ticked.status_code == 200 and _ticked(html) == {world.case.id}


def test_who_sees_which_meeting(app, world):
    meeting_id = schedule(app, world, users=("member",), institutions=())
    for who in ("coordinator", "member", "lead"):  # the lead's institution prepares the brief
        client = client_of(app, world.users[who])
        assert f"/meetings/{meeting_id}" in client.get("/meetings").get_data(as_text=True), who
        assert client.get(f"/meetings/{meeting_id}").status_code == 200, who
    for who in ("partner", "unrelated", "other council"):
        client = client_of(app, world.users[who])
        assert f"/meetings/{meeting_id}" not in client.get("/meetings").get_data(as_text=True), who
        assert client.get(f"/meetings/{meeting_id}").status_code == 404, who


def test_only_the_coordinator_schedules(app, world):
    for who in ("member", "lead"):
        client = client_of(app, world.users[who])
        assert client.get("/meetings/new").status_code in (403, 404)
    meeting_id = schedule(app, world)
    lead = client_of(app, world.users["lead"])
    assert lead.post(f"/meetings/{meeting_id}/cancel", data={"version": "1"}).status_code in (403, 404)
    assert fresh(app, Meeting, meeting_id).state == "scheduled"


def test_the_member_is_told_when_the_window_opens(app, world):
    meeting_id = schedule(app, world, users=("member",), institutions=())
    html = client_of(app, world.users["member"]).get(f"/meetings/{meeting_id}").get_data(as_text=True)
    assert "You can read the brief from" in html and "Read the brief" not in html
