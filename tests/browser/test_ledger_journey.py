"""The progress ledger in a real browser: the coordinator pages through it, sorts by a column, filters, downloads
the CSV of what is on screen and opens the print layout (screenshots in test-artifacts/ledger-*.png)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid

import pytest
from playwright.sync_api import expect

from council.core.clock import japan_today
from tests.browser.test_journeys import enrol_and_sign_in

pytestmark = pytest.mark.browser


def _council_with_cases(server) -> tuple[str, str]:
    """A council of its own (one 調整機関 per council): the coordinator institution, a member institution with 54
    metadata-only cases and one real case; returns the coordinator's username and setup token."""
    from council.auth import admin, services
    from council.cases.models import Case, CaseCategory
    from council.cases.services import PersonInput, open_case
    from council.core import clock
    from council.database import db

    suffix = uuid.uuid4().hex[:6]
    with server.council_app.test_request_context():
        council = services.create_council(f"台帳試験市孤独・孤立対策地域協議会{suffix}")
        coordinator_institution = admin.create_institution(actor=None, council=council, name="台帳試験市 福祉課",
                                                           kind="government", is_coordinator=True)
        member = admin.create_institution(actor=None, council=council, name="台帳試験市社会福祉協議会",
                                          kind="social_welfare_council", is_coordinator=False)
        worker, _token = admin.create_user(actor=None, institution=member, username=f"ledger-worker-{suffix}",
                                           display_name="試験 次郎", role="caseworker")
        for n in range(1, 55):
            db.session.add(Case(council_id=council.id, number=f"2025-{n:04d}", status="support",
                                lead_institution_id=member.id, risk="high" if n % 3 == 0 else "low",
                                intake_date=dt.date(2025, 1, 1) + dt.timedelta(days=n),
                                category_rows=[CaseCategory(category="就労" if n % 2 else "ひきこもり")]))
        db.session.commit()
        open_case(actor=worker, lead_institution=member, intake_date=clock.japan_today(), categories=["8050世帯"],
                  risk="high", assigned=[worker], key_person="長男 台帳一郎", first_record="電話で相談。",
                  subject=PersonInput(name="台帳 太郎", kana="ダイチョウ タロウ", birth_date=dt.date(1970, 1, 1),
                                      phone="090-0000-1111", address="台帳市本町1-1", sex="male"))
        user, token = admin.create_user(actor=None, institution=coordinator_institution,
                                        username=f"ledger-coordinator-{suffix}", display_name="調整 花子",
                                        role="coordinator")
        return user.username, token


def test_the_coordinator_pages_sorts_filters_exports_and_prints_the_ledger(page, live_server, shoot):
    username, token = _council_with_cases(live_server)
    enrol_and_sign_in(page, username, token)
    page.goto("/")
    page.locator("main a[href='/cases/ledger']").first.click()  # the home page's card
    rows = page.locator("[data-testid=ledger-row]")
    expect(rows).to_have_count(50)
    expect(page.locator("[data-testid=ledger-count]")).to_contain_text("55")
    body = page.content()
    assert "台帳 太郎" not in body and "長男 台帳一郎" not in body and "090-0000-1111" not in body
    shoot(page, "ledger-01-page-1")

    page.click("[data-testid=next-page]")
    expect(rows).to_have_count(5)
    shoot(page, "ledger-02-page-2")

    page.click("thead th[data-col=number] a")  # sorted by number, descending (a first click)
    expect(rows.first).to_have_attribute("data-case", f"{japan_today().year}-0001")  # the real case, this year
    page.click("thead th[data-col=number] a")  # again: ascending
    expect(rows.first).to_have_attribute("data-case", "2025-0001")
    expect(page.locator("thead th[data-col=number]")).to_have_attribute("aria-sort", "ascending")

    page.select_option("#risk", "high")
    page.select_option("#category", "就労")
    page.click("#filter-form button[type=submit]")
    expect(rows).to_have_count(9)  # n divisible by 3 and odd, 1..54
    for number in rows.evaluate_all("rows => rows.map(r => r.dataset.case)"):
        assert int(number.split("-")[1]) % 6 == 3
    shoot(page, "ledger-03-filtered")

    with page.expect_download() as download:
        page.click("[data-testid=export-csv]")
    content = download.value.path().read_text(encoding="utf-8-sig")
    lines = list(csv.reader(io.StringIO(content)))
    assert len(lines) == 10 and [line[0] for line in lines[1:]] == \
        rows.evaluate_all("rows => rows.map(r => r.dataset.case)")
    assert download.value.suggested_filename.startswith("ledger-") and "台帳 太郎" not in content

    href = page.locator("[data-testid=print-link]").get_attribute("href")
    page.goto(href)
    page.emulate_media(media="print")
    expect(page.locator("h1")).to_contain_text("台帳試験市孤独・孤立対策地域協議会")
    expect(page.locator("[data-testid=ledger-row]")).to_have_count(9)
    expect(page.locator("nav")).to_have_count(0)
    shoot(page, "ledger-04-print")
