"""開示請求 in a real browser: a supervisor of the case's lead institution opens the case, follows
「開示報告書を作成する」, reads the person's data and the access history (institutions and roles, no staff
names) and prints it with the watermark. axe-core checks every page state (tests/browser/conftest.py). Elements
are found by data-testid."""

from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest
from playwright.sync_api import expect

from tests.browser.test_journeys import enrol_and_sign_in

pytestmark = pytest.mark.browser

SUBJECT, WORKER = "開示 太郎", "担当 花子"


def supervisor_and_case(server) -> dict:
    """A council with a caseworker's case (opened through the intake service) and a supervisor of the same
    institution with a setup link."""
    from council.auth import admin, services
    from council.cases.services import PersonInput, open_case
    from council.core import clock

    suffix = uuid.uuid4().hex[:8]
    with server.council_app.test_request_context():
        council = services.create_council(f"開示試験市協議会-{suffix}")
        office = admin.create_institution(actor=None, council=council, name=f"福祉課-{suffix}",
                                          kind="government", is_coordinator=False)
        worker, _ = admin.create_user(actor=None, institution=office, username=f"worker-{suffix}",
                                      display_name=WORKER, role="caseworker")
        supervisor, token = admin.create_user(actor=None, institution=office, username=f"boss-{suffix}",
                                              display_name="主任 一郎", role="supervisor")
        subject = PersonInput(name=SUBJECT, kana="カイジ タロウ", birth_date=dt.date(1980, 5, 5))
        case = open_case(actor=worker, lead_institution=office, intake_date=clock.japan_today(),
                         categories=["ひきこもり"], risk="medium", subject=subject, assigned=[worker],
                         first_record="本人から電話。")
        return {"case_id": case.id, "number": case.number, "login": (supervisor.username, token),
                "institution": office.name}


def test_a_supervisor_prints_the_disclosure_report_of_a_case(open_page, live_server, shoot):
    world = supervisor_and_case(live_server)
    page = open_page(live_server)
    enrol_and_sign_in(page, *world["login"])
    page.goto(f"{live_server.url}/cases/{world['case_id']}")
    with page.expect_navigation():
        page.locator("[data-testid=disclosure-link]").click()
    expect(page).to_have_url(re.compile(rf"/cases/{world['case_id']}/disclosure$"))  # the confirmation: nothing yet
    expect(page.locator("[data-testid=generate]")).to_be_visible()
    with page.expect_navigation():
        page.locator("[data-testid=generate]").click()
    # the report's own address (the browser keeps the form's fragment across the redirect)
    expect(page).to_have_url(re.compile(rf"/cases/{world['case_id']}/disclosure/\d+(#[\w-]*)?$"))
    expect(page.locator("[data-testid=persons]")).to_contain_text(SUBJECT)
    history = page.locator("[data-testid=access-history] tbody tr")
    expect(history).not_to_have_count(0)
    expect(page.locator("[data-testid=access-history]")).to_contain_text(world["institution"])
    expect(page.locator("[data-testid=access-history]")).not_to_contain_text(WORKER)  # roles, not staff names
    expect(history.nth(-2)).to_contain_text("開示報告書を作成")  # then this showing of it, recorded as a print
    expect(page.locator("[data-testid=watermark]")).to_contain_text("主任 一郎")
    shoot(page, "disclosure-report")
    page.emulate_media(media="print")
    expect(page.locator("[data-testid=review-note]")).to_be_hidden()  # a note for the supervisor, not the person
    expect(page.locator("[data-testid=watermark]")).to_be_attached()
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
