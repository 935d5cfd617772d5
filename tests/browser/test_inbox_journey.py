"""The inbox in a real browser: the header's count, the inbox page, new items that stop being new once seen, and
switching e-mail notices on from the account page."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from tests.browser.test_journeys import (
    enrol_and_sign_in,
    new_account,
    submit,
)

pytestmark = pytest.mark.browser


def _overdue_cases(server, username: str, how_many: int) -> None:
    """Cases of the user whose review date has passed (Japan's today), contacted an hour ago."""
    from sqlalchemy import select

    from council.auth.models import User
    from council.cases.services import PersonInput, open_case
    from council.core import clock
    from council.database import db

    with server.council_app.test_request_context():
        user = db.session.scalar(select(User).where(User.username == username))
        for number in range(how_many):
            open_case(actor=user, lead_institution=user.institution, intake_date=clock.japan_today(),
                      categories=["ひきこもり"], risk="medium", assigned=[user], first_record="電話で相談。",
                      first_record_at=clock.utcnow() - dt.timedelta(hours=1),
                      next_review_date=clock.japan_today() - dt.timedelta(days=number + 1),
                      subject=PersonInput(name=f"受信 太郎{number}", kana="ジュシン タロウ",
                                          birth_date=dt.date(1970, 1, 1), phone="", address="", sex="male"))


def _sign_in(page, server) -> str:
    username, token = new_account(server, role="caseworker")
    enrol_and_sign_in(page, username, token)
    return username


def test_the_badge_counts_the_inbox_lists_and_seen_items_are_no_longer_new(page, live_server, shoot):
    username = _sign_in(page, live_server)
    badge = page.locator("[data-testid=inbox-badge]")
    expect(badge).to_have_text("0")
    _overdue_cases(live_server, username, 2)

    page.goto("/inbox")  # counts afresh (other pages count at most once a minute, or after the user acts)
    expect(badge).to_have_text("2")
    expect(badge).to_have_attribute("aria-label", "未対応 2 件")
    item = page.locator("[data-testid=inbox-user] [data-testid=inbox-item]")
    expect(item).to_have_count(1)
    expect(item).to_have_attribute("data-kind", "cases.overdue_review")
    expect(item.locator("[data-testid=new-mark]")).to_be_visible()
    expect(page.locator("[data-testid=inbox-new]")).to_contain_text("2")
    shoot(page, "inbox-new")

    item.locator("a").click()  # to the list of exactly those cases
    expect(page.locator("main table tbody tr")).to_have_count(2)
    expect(badge).to_have_text("2")  # on every page
    page.locator("[data-testid=inbox-link]").click()
    expect(page.locator("[data-testid=new-mark]")).to_have_count(0)
    expect(page.locator("[data-testid=inbox-new]")).to_have_count(0)
    expect(badge).to_have_text("2")  # still waiting: seen is not done

    _overdue_cases(live_server, username, 1)
    page.reload()
    expect(badge).to_have_text("3")
    expect(page.locator("[data-testid=inbox-new]")).to_contain_text("1")
    shoot(page, "inbox-one-new")


def test_e_mail_notices_are_switched_on_from_the_account_page(page, live_server):
    _sign_in(page, live_server)
    page.goto("/account")
    page.locator("[data-testid=mail-notices] a").click()
    page.check("[name=enabled]")
    submit(page)
    expect(page.locator("[data-testid=error-summary]")).to_be_visible()  # no address yet
    expect(page.locator("[name=enabled]")).to_be_checked()  # what was chosen is kept
    page.fill("[name=address]", "worker@city.example.lg.jp")
    submit(page)
    expect(page.locator("[data-testid=mail-notices]")).to_contain_text("worker@city.example.lg.jp")
