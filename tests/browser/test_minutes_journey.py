"""A meeting's record as the coordinator clicks it, in Chromium: attendance, the decisions and a task on an agenda
case (written to the case), the minutes edited, approved and printed with their checkpoint — whose QR code, as
Chromium draws it, decodes to the line printed beside it; then the 社協 finds its task and completes it."""

from __future__ import annotations

import datetime as dt
import io
import uuid

import pyotp
import pytest
from playwright.sync_api import expect

from tests.browser.test_journeys import PASSPHRASE

pytestmark = pytest.mark.browser

PLAN, TASK = "社協が週1回訪問し、本人の様子を確認する", "週1回の訪問"


def _world(server) -> dict:
    """A 福祉事務所 case, registered as a council case, on the agenda of a 個別ケース検討会議 that started an hour
    ago; the 社協 invited, with the material window's brief grant; the coordinator who runs it."""
    from council.access import grants
    from council.auth import admin
    from council.auth.models import PledgeAcceptance
    from council.auth.pledge import CURRENT_VERSION
    from council.auth.services import accounts, create_council
    from council.cases.council_cases import register_council_case
    from council.cases.services import PersonInput, open_case
    from council.core.clock import utcnow
    from council.database import db
    from council.meetings.models import Meeting, MeetingItem, MeetingParticipant

    suffix = uuid.uuid4().hex[:6]
    with server.council_app.test_request_context():
        council = create_council(f"会議試験市-{suffix}")
        office = admin.create_institution(actor=None, council=council, name="福祉事務所", kind="government",
                                          is_coordinator=False)
        shakyo = admin.create_institution(actor=None, council=council, name="社会福祉協議会",
                                          kind="social_welfare_council", is_coordinator=False)
        coordination = admin.create_institution(actor=None, council=council, name="調整機関", kind="government",
                                                is_coordinator=True)
        people, made = {}, {}
        for key, institution, role in (("office", office, "caseworker"), ("shakyo", shakyo, "caseworker"),
                                       ("coordinator", coordination, "coordinator")):
            user, _token = admin.create_user(actor=None, institution=institution, username=f"{key}-{suffix}",
                                             display_name=f"{key} さん", role=role)
            user.password_hash, user.password_changed_at = accounts().hasher.hash(PASSPHRASE), utcnow()
            user.totp_secret = pyotp.random_base32(32)
            db.session.add(PledgeAcceptance(user_id=user.id, version=CURRENT_VERSION, accepted_at=utcnow()))
            people[key], made[key] = (user.username, user.totp_secret), user
        db.session.commit()
        caseworker = made["office"]
        case = open_case(actor=caseworker, lead_institution=office, intake_date=dt.date(2026, 4, 1),
                         categories=["ひきこもり"], risk="medium", assigned=[caseworker],
                         subject=PersonInput(name="試験 一郎", kana="シケン イチロウ", address="みどり市本町1-2-3"))
        register_council_case(actor=made["coordinator"], case=case)
        starts = utcnow() - dt.timedelta(hours=1)
        meeting = Meeting(council_id=council.id, kind="case_review", state="scheduled", title="第1回個別ケース検討会議",
                          starts_at=starts, ends_at=starts + dt.timedelta(hours=2), place="第2会議室",
                          created_by=made["coordinator"].id,
                          participants=[MeetingParticipant(institution_id=shakyo.id)],
                          items=[MeetingItem(position=1, case_id=case.id)])
        db.session.add(meeting)
        db.session.flush()
        grants.grant(actor=made["coordinator"], case=case, scope="brief", basis=f"meeting:{meeting.id}",
                     legal_basis="council_sharing", institution=shakyo, starts_at=starts - dt.timedelta(days=3),
                     expires_at=meeting.ends_at + dt.timedelta(hours=24))
        db.session.commit()
        return {"people": people, "case": case.id, "number": case.number, "meeting": meeting.id}


def _sign_in(open_page, server, who):
    username, secret = who
    page = open_page(server)
    page.goto("/login")
    page.fill("[name=username]", username)
    page.fill("[name=password]", PASSPHRASE)
    page.locator("main form button[type=submit]").click()
    page.fill("[name=code]", pyotp.TOTP(secret).now())
    page.locator("main form button[type=submit]").click()
    expect(page.locator("header.site")).to_be_visible()
    return page


def _decoded(page) -> str:
    import zxingcpp
    from PIL import Image

    code = page.locator(".qr svg")
    code.scroll_into_view_if_needed()
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(code.screenshot())), formats=zxingcpp.BarcodeFormat.QRCode)
    assert len(found) == 1, "the checkpoint's QR code as drawn does not decode"
    return found[0].text


def test_the_coordinator_records_a_case_review_approves_and_prints_the_minutes(open_page, live_server, shoot):
    world = _world(live_server)
    meeting = f"/meetings/{world['meeting']}"
    coordinator = _sign_in(open_page, live_server, world["people"]["coordinator"])

    # At the meeting: attendance, then the decisions and a task on the agenda case.
    coordinator.goto(f"{meeting}/record")
    coordinator.check("input[name^=attended-]")
    coordinator.click("[data-testid=save-attendance]")
    coordinator.click("[data-testid=record-item]")
    coordinator.fill("[name=situation]", "本人は自室にこもりがちだが、母とは話せている")
    coordinator.select_option("[name=risk]", "high")
    coordinator.fill("[name=plan]", PLAN)
    coordinator.select_option("[name=tasks-0-institution]", label="社会福祉協議会")
    coordinator.fill("[name=tasks-0-what]", TASK)
    coordinator.fill("[name=tasks-0-due_date]", "2027-01-10")
    coordinator.select_option("[name=key_person_role]", "family")
    coordinator.fill("[name=key_person]", "試験 花子（母）")
    shoot(coordinator, "minutes-item-form")
    coordinator.locator("#item-form button[type=submit]").click()
    expect(coordinator.locator("[data-testid=decided]")).to_be_visible()

    # The minutes: written from the decisions, a summary added, approved with the checkpoint.
    coordinator.goto(f"{meeting}/minutes")
    expect(coordinator.locator("[data-testid=minutes-part]")).to_contain_text(PLAN)
    coordinator.fill("[name=summary]", "1件のケースを検討した。")
    coordinator.click("[data-testid=save-minutes]")
    coordinator.check("[name=approve-confirm]")
    coordinator.click("[data-testid=approve-minutes]")
    expect(coordinator.locator("[data-testid=minutes-state]")).to_contain_text("会議録承認済")
    line = coordinator.locator("[data-testid=checkpoint-line]").inner_text().strip()
    assert line.startswith('{"format":"council-audit-checkpoint/1"')
    assert _decoded(coordinator) == line
    shoot(coordinator, "minutes-approved")

    # The 社協 (a participant, in its window) prints its copy: the case's part, the watermark, the checkpoint.
    shakyo = _sign_in(open_page, live_server, world["people"]["shakyo"])
    shakyo.goto(f"{meeting}/minutes/print")
    expect(shakyo.locator("main")).to_contain_text(PLAN)
    expect(shakyo.locator("main")).not_to_contain_text("試験 一郎")
    expect(shakyo.locator("[data-testid=watermark]")).to_contain_text("社会福祉協議会")
    assert _decoded(shakyo) == line
    shoot(shakyo, "minutes-print")

    # Its task: listed, completed; the lead sees on the case who did it.
    shakyo.goto("/tasks")
    expect(shakyo.locator("[data-testid=task]")).to_contain_text(TASK)
    shakyo.click("[data-testid=complete-task]")
    expect(shakyo.locator("[data-testid=task-done]")).to_be_visible()
    shoot(shakyo, "tasks-done")
    office = _sign_in(open_page, live_server, world["people"]["office"])
    office.goto(f"/cases/{world['case']}")
    expect(office.locator("[data-testid=case-task-done]")).to_be_visible()
    expect(office.locator("main")).to_contain_text(PLAN)
    shoot(office, "case-tasks-panel")
