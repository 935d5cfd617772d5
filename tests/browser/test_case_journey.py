"""A caseworker's day in a real browser: open a case, add a record, find it again by kana."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_journeys import (
    enrol_and_sign_in,
    new_account,
    submit,
)

pytestmark = pytest.mark.browser


def test_caseworker_opens_a_case_records_and_finds_it(page, live_server, shoot):
    username, token = new_account(live_server, role="caseworker")
    enrol_and_sign_in(page, username, token)

    page.goto("/cases/new")
    page.fill("[name=name]", "試験 太郎")
    page.fill("[name=kana]", "シケン タロウ")
    page.fill("[name=birth_date]", "昭和55年5月5日")
    page.fill("[name=phone]", "090-0000-1111")
    page.check('input[name=categories][value="ひきこもり"]')
    page.check('input[name=categories][value="8050世帯"]')
    page.select_option("[name=referral_source]", "family")
    page.fill("[name=contact_person]", "母 試験花子")
    page.fill("[name=summary]", "母親から電話で相談。")
    submit(page)
    expect(page.locator("[data-testid=person-name]")).to_have_text("試験 太郎")
    expect(page.locator("[data-testid=contact-person]")).to_have_text("母 試験花子")
    expect(page.locator("[data-testid=person-born]")).to_contain_text("歳")
    # The summary is a record of the kind chosen (a phone call by default) at the time shown in the form.
    expect(page.locator("[data-testid=record]", has_text="母親から電話で相談")).to_contain_text("電話")
    expect(page.locator("[data-testid=basis]")).to_be_visible()
    shoot(page, "case-opened")

    page.fill("[name=body]", "自宅を訪問し、本人と玄関先で話せた。")
    page.select_option("[name=kind]", "visit")
    page.locator("#record-form button[type=submit]").click()
    expect(page.locator("[data-testid=record]", has_text="玄関先で話せた")).to_be_visible()

    page.goto("/cases/search")
    page.fill("[name=kana]", "しけん たろう")  # hiragana finds the katakana record
    submit(page)
    expect(page.locator("[data-testid=results] a")).to_have_count(1)
    page.locator("[data-testid=results] a").click()
    expect(page.locator("[data-testid=person-name]")).to_have_text("試験 太郎")
    shoot(page, "case-found")
