"""The incident register as an auditor clicks it, in a real browser: a printout about a case was mailed to the
wrong address; the auditor registers the incident (Japan time typed), finds the case in the audit log by its number
and today's date, adds it (one case, one person counted — nothing of the case shown), sees the deadlines, and prints
the report under the PPC form's headings. Elements are found by name, id and data-testid, never by visible text."""

from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest
from playwright.sync_api import expect

from tests.browser.test_journeys import enrol_and_sign_in

pytestmark = pytest.mark.browser

SUBJECT = "漏洩 太郎"
SUMMARY = "支援記録を印刷した書類を、別の世帯に誤って郵送した。"


def auditor_and_case(server) -> dict:
    """A council with a caseworker's case (opened through the intake service) and an auditor with a setup link."""
    from council.auth import admin, services
    from council.cases.services import PersonInput, open_case
    from council.core import clock

    suffix = uuid.uuid4().hex[:8]
    with server.council_app.test_request_context():
        council = services.create_council(f"事案試験市協議会-{suffix}")
        office = admin.create_institution(actor=None, council=council, name=f"福祉事務所-{suffix}",
                                          kind="government", is_coordinator=False)
        audit = admin.create_institution(actor=None, council=council, name=f"監査室-{suffix}",
                                         kind="government", is_coordinator=False)
        worker, _ = admin.create_user(actor=None, institution=office, username=f"worker-{suffix}",
                                      display_name="担当 花子", role="caseworker")
        auditor, token = admin.create_user(actor=None, institution=audit, username=f"auditor-{suffix}",
                                           display_name="監査 次郎", role="auditor")
        subject = PersonInput(name=SUBJECT, kana="ロウエイ タロウ", birth_date=dt.date(1970, 3, 3))
        case = open_case(actor=worker, lead_institution=office, intake_date=clock.japan_today(),
                         categories=["ひきこもり"], risk="medium", subject=subject, assigned=[worker],
                         first_record="本人から電話。")
        return {"number": case.number, "case_id": case.id, "login": (auditor.username, token),
                "today": clock.japan_today().isoformat()}


def test_an_auditor_registers_an_incident_picks_its_case_and_prints_the_report(open_page, live_server, shoot):
    world = auditor_and_case(live_server)
    page = open_page(live_server)
    enrol_and_sign_in(page, *world["login"])

    with page.expect_navigation():
        page.locator("[data-testid=incidents-link]").click()
    with page.expect_navigation():
        page.locator("a[href='/incidents/new']").click()
    page.fill("[name=discovered_at]", f"{world['today']}T08:15")
    page.fill("[name=summary]", SUMMARY)
    page.check("input[name=situations][value=sensitive]")
    page.check("input[name=data_items][value=name]")
    page.check("input[name=data_items][value=support_record]")
    page.select_option("[name=encryption]", "none")
    with page.expect_navigation():
        page.locator("#incident-form button[type=submit]").click()
    expect(page.locator("[data-testid=incident-summary]")).to_have_text(SUMMARY)
    expect(page.locator("[data-testid=deadline-preliminary]")).to_have_attribute("data-urgency", "open")
    expect(page.locator("[data-testid=deadline-final]")).to_have_attribute("data-urgency", "open")
    expect(page.locator("[data-testid=ppc-rules]")).to_be_visible()

    search = page.locator("[data-testid=log-search]")
    search.locator("[name=case]").fill(world["number"])
    search.locator("[name=since]").fill(world["today"])
    search.locator("[name=until]").fill(world["today"])
    with page.expect_navigation():
        search.locator("button[type=submit]").click()
    expect(page.locator("[data-testid=found-events] tbody tr")).not_to_have_count(0)
    expect(page.locator("[data-testid=found-events]")).to_contain_text(world["number"])
    expect(page.locator("main")).not_to_contain_text(SUBJECT)  # the log's columns only, never the case
    expect(page.locator(f"#pick-form input[name=pick-case_ids][value='{world['case_id']}']")).to_be_checked()
    shoot(page, "incident-log-search")
    with page.expect_navigation():
        page.locator("#pick-form button[type=submit]").click()
    expect(page.locator("[data-testid=affected-case]")).to_have_count(1)
    expect(page.locator("[data-testid=affected-case]")).to_contain_text(world["number"])
    expect(page.locator("[data-testid=persons-count]")).to_contain_text("1")
    shoot(page, "incident-view")

    with page.expect_navigation():
        page.locator("[data-testid=report-link]").click()
    expect(page).to_have_url(re.compile(r"/incidents/\d+/report$"))
    report = page.locator("[data-testid=incident-report]")
    expect(report).to_contain_text(SUMMARY)
    expect(report).to_contain_text(world["number"])
    page.emulate_media(media="print")
    expect(page.locator("header.site")).to_have_count(0)
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
    shoot(page, "incident-report")
