"""The material window: participants read a meeting's briefs from N days before it to N hours after it, by grants
the meeting makes, moves and ends with it. Both databases."""

from __future__ import annotations

import datetime as dt

from council.access.scopes import Action
from council.audit.events import AuditTag
from council.core import clock
from council.core.clock import utcnow
from council.meetings.models import Meeting, MeetingKind
from tests.conftest import fresh
from tests.functional.meetings.meetings_world import (  # noqa: F401  (world_fixture: the fixture ``world``)
    PERSONAL,
    SITUATION,
    brief_url,
    client_of,
    events,
    meeting_grants,
    prepare,
    schedule,
    world_fixture,
)

SECOND = dt.timedelta(seconds=1)


def _window(app, meeting_id):
    meeting = fresh(app, Meeting, meeting_id)
    return meeting.starts_at - dt.timedelta(days=3), meeting.ends_at + dt.timedelta(hours=24)


def _prepared(app, world, **kwargs) -> int:
    meeting_id = schedule(app, world, **kwargs)
    response = prepare(client_of(app, world.users["lead"]), meeting_id, world.case.id)
    assert response.status_code == 302, response.get_data(as_text=True)
    return meeting_id


def _read_at(app, world, who, instant, meeting_id):
    with clock.moved_to(instant):
        return client_of(app, world.users[who]).get(brief_url(meeting_id, world.case.id))


def test_scheduling_gives_each_participant_a_brief_grant_for_the_window(app, world):
    meeting_id = schedule(app, world)
    opens, closes = _window(app, meeting_id)
    grants = meeting_grants(app, meeting_id)
    assert sorted((g.user_id or 0, g.institution_id or 0) for g in grants) == sorted(
        [(world.users["member"].id, 0), (world.users["unpledged"].id, 0), (0, world.institutions["shakyo"])])
    assert {(g.scope, g.legal_basis, g.starts_at, g.expires_at) for g in grants} == {
        ("brief", "council_sharing", opens, closes)}
    (scheduled,) = events(app, AuditTag.MEETING_SCHEDULED)
    assert scheduled.target_id == str(meeting_id)


def _pair_at(app, world, who, instant, meeting_id):
    """Two reads by one sign-in: one second before ``instant`` and one second after it."""
    with clock.moved_to(instant - SECOND):
        client = client_of(app, world.users[who])
        before = client.get(brief_url(meeting_id, world.case.id))
        with clock.moved_to(instant + SECOND):
            return before, client.get(brief_url(meeting_id, world.case.id))


def test_the_window_opens_and_closes_to_the_second(app, world):
    meeting_id = _prepared(app, world)
    opens, closes = _window(app, meeting_id)
    before, inside = _pair_at(app, world, "member", opens, meeting_id)
    assert before.status_code == 404
    assert inside.status_code == 200 and SITUATION in inside.get_data(as_text=True)
    assert PERSONAL not in inside.get_data(as_text=True)
    last, after = _pair_at(app, world, "member", closes, meeting_id)
    assert last.status_code == 200 and SITUATION in last.get_data(as_text=True)
    assert after.status_code == 404 and SITUATION not in after.get_data(as_text=True)
    denied = events(app, AuditTag.CASE_ACCESS_DENIED, actor_user_id=world.users["member"].id)
    assert [(e.case_id, e.reason) for e in denied] == [(world.case.id, str(Action.READ_BRIEF))] * 2
    read = events(app, AuditTag.BRIEF_READ, actor_user_id=world.users["member"].id)
    assert len(read) == 2 and {e.basis for e in read} == {f"meeting:{meeting_id}"}


def test_an_institution_participant_reads_through_its_institution(app, world):
    meeting_id = _prepared(app, world)
    opens, _closes = _window(app, meeting_id)
    page = _read_at(app, world, "partner", opens + SECOND, meeting_id)
    assert page.status_code == 200 and SITUATION in page.get_data(as_text=True)


def test_a_non_participant_gets_404_and_the_attempt_is_recorded(app, world):
    meeting_id = _prepared(app, world)
    opens, _closes = _window(app, meeting_id)
    for who in ("unrelated", "other council"):
        response = _read_at(app, world, who, opens + SECOND, meeting_id)
        assert response.status_code == 404 and SITUATION not in response.get_data(as_text=True)
        (denied,) = events(app, AuditTag.CASE_ACCESS_DENIED, actor_user_id=world.users[who].id)
        assert denied.case_id == world.case.id and denied.reason == str(Action.READ_BRIEF)


def test_a_participant_without_a_valid_pledge_is_stopped(app, world):
    meeting_id = _prepared(app, world)
    opens, _closes = _window(app, meeting_id)
    response = _read_at(app, world, "unpledged", opens + SECOND, meeting_id)
    assert response.status_code == 302 and response.headers["Location"].endswith("/pledge")
    assert events(app, AuditTag.BRIEF_READ, actor_user_id=world.users["unpledged"].id) == []


def test_the_personal_details_open_only_on_a_reveal_which_is_its_own_event(app, world):
    meeting_id = _prepared(app, world)
    opens, _closes = _window(app, meeting_id)
    with clock.moved_to(opens + dt.timedelta(hours=1)):
        member = client_of(app, world.users["member"])
        assert PERSONAL not in member.get(brief_url(meeting_id, world.case.id)).get_data(as_text=True)
        assert events(app, AuditTag.BRIEF_REVEALED) == []
        posted = member.post(brief_url(meeting_id, world.case.id, "/reveal"))
        # Post/Redirect/Get: the details open on the brief's own URL (nothing personal in it), once.
        assert posted.status_code == 302 and posted.headers["Location"].endswith(brief_url(meeting_id, world.case.id))
        revealed = member.get(posted.headers["Location"])
        again = member.get(posted.headers["Location"])
    assert revealed.status_code == 200 and PERSONAL in revealed.get_data(as_text=True)
    assert PERSONAL not in again.get_data(as_text=True)
    (event,) = events(app, AuditTag.BRIEF_REVEALED)
    assert (event.actor_user_id, event.case_id, event.basis) == (world.users["member"].id, world.case.id,
                                                                 f"meeting:{meeting_id}")


def test_rescheduling_moves_the_window(app, world):
    meeting_id = _prepared(app, world)
    old_opens, _old_closes = _window(app, meeting_id)
    before = {g.id for g in meeting_grants(app, meeting_id)}
    later = utcnow() + dt.timedelta(days=30)
    coordinator = client_of(app, world.users["coordinator"])
    day = clock.in_japan(later)
    response = coordinator.post(f"/meetings/{meeting_id}/edit", data={
        "kind": "case_review", "title": "第1回個別ケース検討会議（延期）", "day": day.date().isoformat(),
        "starts": day.strftime("%H:%M"), "ends": (day + dt.timedelta(hours=2)).strftime("%H:%M"),
        "place": "市役所 3階会議室", "users": [world.users["member"].id, world.users["unpledged"].id],
        "institutions": [world.institutions["shakyo"]], "cases": [world.case.id],
        "version": str(fresh(app, Meeting, meeting_id).version)})
    assert response.status_code == 302, response.get_data(as_text=True)
    new_opens, new_closes = _window(app, meeting_id)
    assert new_opens > old_opens + dt.timedelta(days=15)
    grants = meeting_grants(app, meeting_id)
    assert {g.id for g in grants} == before and {(g.starts_at, g.expires_at) for g in grants} == {
        (new_opens, new_closes)}
    assert len(events(app, AuditTag.GRANT_MOVED)) == 3 and len(events(app, AuditTag.MEETING_RESCHEDULED)) == 1
    assert _read_at(app, world, "member", old_opens + SECOND, meeting_id).status_code == 404
    assert _read_at(app, world, "member", new_opens + SECOND, meeting_id).status_code == 200


def test_removing_a_participant_ends_their_grant(app, world):
    meeting_id = schedule(app, world)
    from council.auth.models import User
    from council.meetings.services import MeetingInput, change_meeting
    from tests.conftest import db_get

    meeting = fresh(app, Meeting, meeting_id)
    with app.test_request_context():
        change_meeting(actor=db_get(app, User, world.users["coordinator"].id), meeting=db_get(app, Meeting, meeting_id),
                       data=MeetingInput(kind=MeetingKind.CASE_REVIEW, title=meeting.title,
                                         starts_at=meeting.starts_at, ends_at=meeting.ends_at,
                                         user_ids=[world.users["member"].id], case_ids=[world.case.id]),
                       version=meeting.version)
    (kept,) = meeting_grants(app, meeting_id, ended=False)
    assert kept.user_id == world.users["member"].id
    assert len(meeting_grants(app, meeting_id, ended=True)) == 2
    assert len(events(app, AuditTag.MEETING_CHANGED)) == 1


def test_cancelling_ends_the_grants(app, world):
    meeting_id = _prepared(app, world)
    opens, _closes = _window(app, meeting_id)
    coordinator = client_of(app, world.users["coordinator"])
    response = coordinator.post(f"/meetings/{meeting_id}/cancel",
                                data={"version": str(fresh(app, Meeting, meeting_id).version)})
    assert response.status_code == 302
    assert fresh(app, Meeting, meeting_id).state == "cancelled"
    assert meeting_grants(app, meeting_id, ended=False) == []
    assert {g.end_reason for g in meeting_grants(app, meeting_id)} == {"meeting_cancelled"}
    assert _read_at(app, world, "member", opens + SECOND, meeting_id).status_code == 404


def test_a_representatives_meeting_gives_no_grants(app, world):
    meeting_id = schedule(app, world, kind=MeetingKind.REPRESENTATIVES, cases=[], topics=["年間方針", "連携体制"])
    assert meeting_grants(app, meeting_id) == []
    page = client_of(app, world.users["coordinator"]).get(f"/meetings/{meeting_id}").get_data(as_text=True)
    assert "年間方針" in page and "連携体制" in page


def test_a_brief_of_one_meeting_is_not_readable_through_another_meetings_grant(app, world):
    first = _prepared(app, world, users=(), institutions=("shakyo",))
    second = _prepared(app, world, users=("member",), institutions=())
    opens, _closes = _window(app, second)
    with clock.moved_to(opens + dt.timedelta(hours=1)):
        member = client_of(app, world.users["member"])
        assert member.get(brief_url(second, world.case.id)).status_code == 200
        refused = member.get(brief_url(first, world.case.id))
        assert refused.status_code == 404 and SITUATION not in refused.get_data(as_text=True)
        assert member.post(brief_url(first, world.case.id, "/reveal")).status_code == 404
    denied = events(app, AuditTag.CASE_ACCESS_DENIED, actor_user_id=world.users["member"].id)
    assert [e.reason for e in denied] == [str(Action.READ_BRIEF), str(Action.REVEAL_BRIEF)]
