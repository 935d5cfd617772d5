"""Briefs as the lead prepares them and participants read them: the header suggested from the case, conflicting
saves, the print with its watermark, the inbox's "briefs to prepare" and the case page's panel. Both databases."""

from __future__ import annotations

import datetime as dt
import re

from council.audit.events import AuditTag
from council.core import clock
from council.meetings.models import Meeting, MeetingBrief
from tests.conftest import fresh
from tests.functional.meetings.meetings_world import (  # noqa: F401  (world_fixture: the fixture ``world``)
    PERSONAL,
    SITUATION,
    SUBJECT,
    brief_url,
    client_of,
    events,
    prepare,
    schedule,
    world_fixture,
)


def _brief(app, meeting_id: int) -> MeetingBrief:
    from sqlalchemy import select

    from council.database import db

    with app.app_context():
        row = db.session.scalar(select(MeetingBrief).where(MeetingBrief.meeting_id == meeting_id))
        db.session.expunge(row)
        return row


def test_the_form_suggests_a_pseudonymised_header_from_the_case(app, world):
    meeting_id = schedule(app, world)
    lead = client_of(app, world.users["lead"])
    page = lead.get(brief_url(meeting_id, world.case.id, "/edit"))
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'value="S.I."' in html and 'value="40代"' in html and "本人（40代）" in html
    (read,) = [e for e in events(app, AuditTag.CASE_VIEWED, actor_user_id=world.users["lead"].id)
               if e.reason == f"brief meeting {meeting_id}"]
    assert read.case_id == world.case.id


def test_the_lead_prepares_the_brief_sealed_under_the_case(app, world):
    meeting_id = schedule(app, world)
    lead = client_of(app, world.users["lead"])
    assert prepare(lead, meeting_id, world.case.id).status_code == 302
    stored = _brief(app, meeting_id)
    assert stored.situation_enc is not None and SITUATION.encode() not in stored.situation_enc
    assert stored.personal_enc is not None and PERSONAL.encode() not in stored.personal_enc
    (prepared,) = events(app, AuditTag.BRIEF_PREPARED)
    assert prepared.case_id == world.case.id and prepared.basis in ("own_institution", "assigned")
    page = lead.get(f"/meetings/{meeting_id}").get_data(as_text=True)
    assert "Brief prepared" in page and "Change the brief" in page
    # The lead reads its own brief (the pseudonymised part) at any time.
    assert SITUATION in lead.get(brief_url(meeting_id, world.case.id)).get_data(as_text=True)


def test_a_second_save_from_an_older_form_is_refused_and_keeps_what_was_typed(app, world):
    meeting_id = schedule(app, world)
    lead = client_of(app, world.users["lead"])
    assert prepare(lead, meeting_id, world.case.id).status_code == 302
    stale = prepare(lead, meeting_id, world.case.id, situation="古い画面からの書き換え", version="0")
    html = stale.get_data(as_text=True)
    assert stale.status_code == 400 and "Someone else saved" in html and "古い画面からの書き換え" in html
    assert prepare(lead, meeting_id, world.case.id, situation="新しい状況", version="1").status_code == 302
    assert fresh(app, MeetingBrief, _brief(app, meeting_id).id).version == 2


def test_only_the_lead_institution_prepares(app, world):
    meeting_id = schedule(app, world)
    opens = fresh(app, Meeting, meeting_id).starts_at - dt.timedelta(days=1)
    with clock.moved_to(opens):
        for who in ("member", "partner", "coordinator"):
            client = client_of(app, world.users[who])
            assert client.get(brief_url(meeting_id, world.case.id, "/edit")).status_code == 404, who
            assert prepare(client, meeting_id, world.case.id).status_code == 404, who
    assert events(app, AuditTag.BRIEF_PREPARED) == []


def test_the_print_carries_a_watermark_and_is_recorded(app, world):
    meeting_id = schedule(app, world)
    assert prepare(client_of(app, world.users["lead"]), meeting_id, world.case.id).status_code == 302
    opens = fresh(app, Meeting, meeting_id).starts_at - dt.timedelta(days=1)
    with clock.moved_to(opens):
        printed = client_of(app, world.users["member"]).get(brief_url(meeting_id, world.case.id, "/print"))
    html = printed.get_data(as_text=True)
    assert printed.status_code == 200 and SITUATION in html and PERSONAL not in html
    watermark = re.search(r'data-testid="watermark"><p>(.*?)</p>', html, re.S).group(1)
    assert "テスト 利用者" in watermark and "地域包括" in watermark
    assert clock.in_japan(opens).strftime("%Y-%m-%d %H:") in watermark
    (event,) = events(app, AuditTag.BRIEF_PRINTED)
    assert (event.actor_user_id, event.basis) == (world.users["member"].id, f"meeting:{meeting_id}")


def test_the_inbox_asks_the_lead_for_the_brief_until_it_is_prepared(app, world):
    meeting_id = schedule(app, world)
    lead = client_of(app, world.users["lead"])
    inbox = lead.get("/inbox").get_data(as_text=True)
    assert f"Case {world.case.number}: prepare the brief" in inbox
    assert brief_url(meeting_id, world.case.id, "/edit") in inbox
    assert prepare(lead, meeting_id, world.case.id).status_code == 302
    assert "prepare the brief" not in lead.get("/inbox").get_data(as_text=True)
    partner_inbox = client_of(app, world.users["partner"]).get("/inbox").get_data(as_text=True)
    assert "prepare the brief" not in partner_inbox


def test_the_case_page_lists_the_case_meetings_for_its_lead(app, world):
    meeting_id = schedule(app, world)
    page = client_of(app, world.users["lead"]).get(f"/cases/{world.case.id}").get_data(as_text=True)
    assert 'data-testid="case-meetings"' in page and f"/meetings/{meeting_id}" in page and SUBJECT in page
    assert "Prepare the brief" in page
