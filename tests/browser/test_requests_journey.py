"""An information request (情報提供依頼) as its users click it, in a real browser: a caseworker of the welfare
office (福祉事務所) asks the social welfare council (社協) about a registered council case; 社協's caseworker finds
it in the inbox, reads the question and the case's summary — no name — and answers; the answer shows on the case
as 社協's record. Elements are found by name, id and data-testid, never by visible text."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from playwright.sync_api import expect

from tests.browser.test_journeys import (
    enrol_and_sign_in,
    path_is,
)

pytestmark = pytest.mark.browser

SUBJECT = "依頼 太郎"
QUESTION = "最近の来所の様子を教えてください。"
ANSWER = "先月二回来所し、就労の相談をしていました。"


def two_institutions(server) -> dict:
    """福祉事務所 and 社協 of one council, a caseworker at each (with setup links), and a registered council case
    of 福祉事務所 opened through the intake service."""
    from council.auth import admin, services
    from council.cases.services import PersonInput, open_case
    from council.core import clock
    from council.database import db

    suffix = uuid.uuid4().hex[:8]
    with server.council_app.test_request_context():
        council = services.create_council(f"依頼試験市協議会-{suffix}")
        office = admin.create_institution(actor=None, council=council, name=f"福祉事務所-{suffix}",
                                          kind="government", is_coordinator=False)
        shakyo = admin.create_institution(actor=None, council=council, name=f"社会福祉協議会-{suffix}",
                                          kind="social_welfare_council", is_coordinator=False)
        users = {}
        for key, institution in (("office", office), ("shakyo", shakyo)):
            user, token = admin.create_user(actor=None, institution=institution, username=f"{key}-{suffix}",
                                            display_name=f"{key} 担当", role="caseworker")
            users[key] = (user, token)
        lead = users["office"][0]
        subject = PersonInput(name=SUBJECT, kana="イライ タロウ", birth_date=dt.date(1980, 1, 1))
        case = open_case(actor=lead, lead_institution=office, intake_date=clock.japan_today(),
                         categories=["ひきこもり"], risk="medium", subject=subject, assigned=[lead],
                         first_record="母親から相談。")
        case.council_case_at, case.council_case_by, case.council_case_basis = clock.utcnow(), lead.id, "coordinator"
        db.session.commit()
        return {"case_id": case.id, "number": case.number, "shakyo": shakyo.id,
                "office_login": (users["office"][0].username, users["office"][1]),
                "shakyo_login": (users["shakyo"][0].username, users["shakyo"][1])}


def signed_in(page, username: str, token: str):
    enrol_and_sign_in(page, username, token)
    return page


def test_welfare_office_asks_shakyo_which_answers_on_the_case(open_page, live_server, shoot):
    world = two_institutions(live_server)
    case_url = f"/cases/{world['case_id']}"

    office = signed_in(open_page(live_server), *world["office_login"])
    office.goto(case_url)
    with office.expect_navigation():
        office.locator("[data-testid=new-request]").click()
    office.select_option("[name=request-to_institution]", str(world["shakyo"]))
    office.select_option("[name=request-kind]", "information")
    office.fill("[name=request-question]", QUESTION)
    expect(office.locator("[name=request-due_on]")).not_to_have_value("")  # two weeks ahead by default
    office.select_option("[name=request-legal_basis]", "council_sharing")
    with office.expect_navigation():
        office.locator("#request-form button[type=submit]").click()
    request = office.locator("[data-testid=information-request]")
    expect(request).to_have_attribute("data-state", "sent")
    expect(request.locator("[data-testid=request-question]")).to_have_text(QUESTION)
    shoot(office, "request-sent")

    shakyo = signed_in(open_page(live_server), *world["shakyo_login"])
    shakyo.goto("/")
    item = shakyo.locator("[data-testid=inbox-item][data-kind='requests.to_answer'] a")
    expect(item).to_contain_text(world["number"])
    with shakyo.expect_navigation():
        item.click()
    expect(shakyo).to_have_url(path_is(case_url))
    expect(shakyo.locator("[data-testid=request-question]")).to_have_text(QUESTION)
    expect(shakyo.locator("main")).not_to_contain_text(SUBJECT)  # the summary: no name
    shoot(shakyo, "request-received")
    form = shakyo.locator("form[id^=answer-form-]")
    form.locator("textarea").fill(ANSWER)
    with shakyo.expect_navigation():
        form.locator("button[type=submit]").click()
    expect(shakyo).to_have_url(path_is("/requests/"))
    expect(shakyo.locator("[data-testid=received-request]")).to_have_attribute("data-state", "answered")
    shakyo.goto(case_url)
    expect(shakyo.locator("main")).not_to_contain_text(QUESTION)  # the share ended with the answer

    office.goto(case_url)
    expect(office.locator("[data-testid=information-request]")).to_have_attribute("data-state", "answered")
    record = office.locator("[data-testid=record]", has_text=ANSWER)
    expect(record).to_contain_text("社会福祉協議会")
    shoot(office, "request-answered")
