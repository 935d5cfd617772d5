"""A refused form shows its error summary where the user is, in a real browser (issue 8).

On the long case page a status change without a reason reloaded at the top while the only error sat 3,500 px
below: it looked as if nothing had happened. Now the page opens at the form's summary ("There is a problem"),
the focus is on it, each item links to its field, and what was typed stays.
"""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from council.access.policy import Action, authorize
from tests.browser.test_journeys import (
    enrol_and_sign_in,
    new_account,
    submit,
)

pytestmark = pytest.mark.browser

#: A page this much taller than the window puts the status form far below the fold, as on a real case.
LONG_PAGE_PX = 3500


def _signed_in_caseworker(page, server) -> str:
    username, token = new_account(server, role="caseworker")
    enrol_and_sign_in(page, username, token)
    return username


def _long_case(server, username: str) -> int:
    """A case with enough support records that its status form sits thousands of pixels down."""
    from sqlalchemy import select

    from council.auth.models import User
    from council.cases import records
    from council.cases.services import PersonInput, open_case
    from council.database import db

    with server.council_app.app_context():
        worker = db.session.scalar(select(User).where(User.username == username))
        case = open_case(actor=worker, lead_institution=worker.institution, intake_date=dt.date(2026, 4, 1),
                         categories=["ひきこもり"], risk="medium", assigned=[worker],
                         subject=PersonInput(name="長井 頁子", kana="ナガイ ページコ", sex="female"))
        now = dt.datetime.now(dt.UTC)
        for day in range(1, 31):
            records.add_record(actor=worker, case=case, access=authorize(worker, Action.WRITE_RECORD, case),
                               occurred_at=now - dt.timedelta(days=day),
                               kind="phone", body=f"{day}日前の電話。本人は元気そうだった。次回も電話で様子を聞く。")
        return case.id


def _in_viewport(page, selector: str) -> bool:
    return page.evaluate("""(selector) => {
        const box = document.querySelector(selector).getBoundingClientRect();
        return box.top >= -1 && box.top < window.innerHeight;  // -1: the scroll lands on a fraction of a pixel
    }""", selector)


def _focused_id(page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


def test_status_change_without_a_reason_opens_at_the_summary(page, live_server, shoot):
    username = _signed_in_caseworker(page, live_server)
    case_id = _long_case(live_server, username)
    page.goto(f"/cases/{case_id}")
    assert page.evaluate("document.documentElement.scrollHeight") > LONG_PAGE_PX

    page.select_option("#status-form [name=status]", "closed")
    with page.expect_navigation():
        page.locator("#status-form button[type=submit]").click()

    summary = page.locator("#status-form-errors")
    expect(summary).to_be_visible()
    assert page.url.endswith("#status-form-errors")
    assert page.evaluate("window.scrollY") > 1000  # not back at the top of the page
    assert _in_viewport(page, "#status-form-errors")
    assert _focused_id(page) == "status-form-errors"
    assert summary.get_attribute("role") == "alert"
    expect(page.locator("#status-form-errors-title")).to_have_text("問題があります")  # Japanese by default
    expect(page.locator("#status-form [name=status]")).to_have_value("closed")  # the choice is kept
    shoot(page, "error-summary-status")

    link = summary.locator('a[href="#reason"]')
    expect(link).to_have_count(1)
    link.click()
    assert _focused_id(page) == "reason"
    assert _in_viewport(page, "#reason")
    page.keyboard.type("転居のため終結")
    with page.expect_navigation():
        page.locator("#status-form button[type=submit]").click()
    expect(page.locator("[data-error-summary]")).to_have_count(0)
    expect(page.locator("[data-testid=status-change]")).to_have_count(1)


def test_intake_with_missing_fields_lists_them_and_keeps_what_was_typed(page, live_server, shoot):
    _signed_in_caseworker(page, live_server)
    page.goto("/cases/new")
    page.fill("[name=address]", "みどり市緑町4-5-6")
    page.fill("[name=phone]", "090-0000-2222")
    page.check('input[name=categories][value="ひきこもり"]')
    page.fill("[name=summary]", "民生委員から、最近姿を見ないとの連絡。")
    response = submit(page)
    assert response.status == 400

    summary = page.locator("#intake-form-errors")
    expect(summary).to_be_visible()
    assert _focused_id(page) == "intake-form-errors"
    assert _in_viewport(page, "#intake-form-errors")
    expect(summary.locator('a[href="#name"]')).to_have_count(1)
    expect(summary.locator('a[href="#kana"]')).to_have_count(1)
    expect(summary.locator('a[href="#referral_source"]')).to_have_count(1)
    expect(page.locator("[name=address]")).to_have_value("みどり市緑町4-5-6")
    expect(page.locator("[name=phone]")).to_have_value("090-0000-2222")
    expect(page.locator("[name=summary]")).to_have_value("民生委員から、最近姿を見ないとの連絡。")
    expect(page.locator('input[name=categories][value="ひきこもり"]')).to_be_checked()
    shoot(page, "error-summary-intake")

    summary.locator('a[href="#kana"]').click()
    assert _focused_id(page) == "kana" and _in_viewport(page, "#kana")
    page.keyboard.type("ナガイ ハナコ")
    summary.locator('a[href="#name"]').click()
    assert _focused_id(page) == "name"
    page.keyboard.type("長井 花子")
    summary.locator('a[href="#referral_source"]').click()
    assert _focused_id(page) == "referral_source"
    page.select_option("[name=referral_source]", "welfare_commissioner")
    response = submit(page)
    assert response.status == 200
    expect(page.locator("[data-testid=person-name]")).to_have_text("長井 花子")


def test_the_summary_speaks_english_when_english_is_chosen(page, live_server):
    _signed_in_caseworker(page, live_server)
    page.goto("/cases/new")
    page.select_option("#lang-select", "en")
    with page.expect_navigation():
        page.locator("header form.lang button[type=submit]").click()
    submit(page)
    expect(page.locator("#intake-form-errors-title")).to_have_text("There is a problem")
