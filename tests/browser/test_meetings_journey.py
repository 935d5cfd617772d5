"""A 個別ケース検討会議 as its users click it, in a real browser: the coordinator schedules it from a link with the
case ticked (the ledger's), seeing no name; the lead caseworker prepares the brief, its header suggested from the
case; a member reads the brief inside the material window, reveals the personal details and prints it with the
watermark. Elements are found by name, id and data-testid, never by visible text."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from playwright.sync_api import expect

from tests.browser.test_journeys import enrol_and_sign_in, path_is

pytestmark = pytest.mark.browser

SUBJECT, KANA, ADDRESS = "会議 花子", "カイギ ハナコ", "みどり市中央1-1"
SITUATION = "一人暮らしで外出が減っている。"
PERSONAL = "会議 花子、みどり市中央1-1"


def council_with_case(server) -> dict:
    """福祉事務所 (lead), the 調整機関 and 地域包括 of one council; a caseworker, the coordinator and a member (委員)
    with setup links; a registered council case of 福祉事務所."""
    from council.auth import admin, services
    from council.cases.council_cases import register_council_case
    from council.cases.services import PersonInput, open_case
    from council.core import clock

    suffix = uuid.uuid4().hex[:8]
    with server.council_app.test_request_context():
        council = services.create_council(f"会議試験市協議会-{suffix}")
        office = admin.create_institution(actor=None, council=council, name=f"福祉事務所-{suffix}",
                                          kind="government", is_coordinator=False)
        coordination = admin.create_institution(actor=None, council=council, name=f"調整機関-{suffix}",
                                                kind="government", is_coordinator=True)
        houkatsu = admin.create_institution(actor=None, council=council, name=f"地域包括-{suffix}", kind="government",
                                            is_coordinator=False)
        users = {}
        for key, institution, role in (("lead", office, "caseworker"), ("coordinator", coordination, "coordinator"),
                                       ("member", houkatsu, "member")):
            users[key] = admin.create_user(actor=None, institution=institution, username=f"{key}-{suffix}",
                                           display_name=f"{key} 担当", role=role)
        lead = users["lead"][0]
        subject = PersonInput(name=SUBJECT, kana=KANA, birth_date=dt.date(1950, 3, 1), address=ADDRESS)
        case = open_case(actor=lead, lead_institution=office, intake_date=clock.japan_today(),
                         categories=["単身高齢"], risk="high", subject=subject, assigned=[lead],
                         first_record="民生委員から連絡。")
        register_council_case(actor=users["coordinator"][0], case=case)
        return {"case_id": case.id, "number": case.number, "member_id": users["member"][0].id,
                **{f"{key}_login": (user.username, token) for key, (user, token) in users.items()}}


def test_a_case_review_meeting_from_scheduling_to_the_printed_brief(open_page, live_server, shoot):
    from council.core import clock

    world = council_with_case(live_server)
    day = clock.japan_today() + dt.timedelta(days=2)  # inside the 3-day window already

    coordinator = open_page(live_server)
    enrol_and_sign_in(coordinator, *world["coordinator_login"])
    coordinator.goto(f"/meetings/new?case_id={world['case_id']}")
    expect(coordinator.locator(f"[name=cases][value='{world['case_id']}']")).to_be_checked()
    assert SUBJECT not in coordinator.content() and ADDRESS not in coordinator.content()
    coordinator.check("[name=kind][value=case_review]")
    coordinator.fill("[name=title]", "第1回個別ケース検討会議")
    coordinator.fill("[name=day]", day.isoformat())
    coordinator.fill("[name=starts]", "14:00")
    coordinator.fill("[name=ends]", "16:00")
    coordinator.fill("[name=place]", "市役所 3階会議室")
    coordinator.check(f"[name=users][value='{world['member_id']}']")
    shoot(coordinator, "meetings-01-schedule")
    with coordinator.expect_navigation():
        coordinator.locator("#meeting-form button.primary").click()
    expect(coordinator.locator("[data-testid=agenda-item]")).to_contain_text(world["number"])
    expect(coordinator.locator("[data-testid=brief-state]")).to_be_visible()
    meeting_url = coordinator.url.split("#")[0]
    assert SUBJECT not in coordinator.content()
    shoot(coordinator, "meetings-02-meeting-page")

    lead = open_page(live_server)
    enrol_and_sign_in(lead, *world["lead_login"])
    lead.goto(meeting_url)
    with lead.expect_navigation():
        lead.locator("[data-testid=prepare-brief]").click()
    expect(lead.locator("[name=initials]")).to_have_value("K.H.")
    expect(lead.locator("[name=age_band]")).to_have_value("70代")
    lead.fill("[name=situation]", SITUATION)
    lead.fill("[name=proposed_plan]", "週1回の見守り訪問")
    lead.fill("[name=personal]", PERSONAL)
    shoot(lead, "meetings-03-prepare-brief")
    with lead.expect_navigation():
        lead.locator("#brief-form button.primary").click()
    expect(lead).to_have_url(path_is(meeting_url.split(live_server.url)[1]))
    expect(lead.locator("[data-testid=prepare-brief]")).to_be_visible()

    member = open_page(live_server)
    enrol_and_sign_in(member, *world["member_login"])
    member.goto(meeting_url)
    with member.expect_navigation():
        member.locator("[data-testid=read-brief]").click()
    expect(member.locator("[data-testid=brief-situation]")).to_have_text(SITUATION)
    assert PERSONAL not in member.content()
    shoot(member, "meetings-04-member-reads")
    with member.expect_navigation():
        member.locator("form.inline button").click()
    expect(member.locator("[data-testid=brief-personal]")).to_have_text(PERSONAL)
    shoot(member, "meetings-05-member-reveals")
    member.goto(meeting_url.replace("/meetings/", "/meetings/") + f"/cases/{world['case_id']}/brief/print")
    expect(member.locator("[data-testid=watermark]")).to_contain_text("member 担当")
    expect(member.locator("[data-testid=brief-situation]")).to_have_text(SITUATION)
    shoot(member, "meetings-06-printed-brief")
