"""The platform in a real browser: an organisation applies, a platform administrator approves it, its
administrator sets up the account and publishes an event with a date, and a board post with a phone number is
refused with the number highlighted and the text kept for rewriting."""

from __future__ import annotations

import re
import time

import pyotp
from playwright.sync_api import expect

PASSPHRASE = "a sunny hall with tea for everyone"
SUBMIT = "main form button[type=submit]"


def _submit(page, selector: str = SUBMIT):
    with page.expect_navigation() as navigation:
        page.locator(selector).click()
    return navigation.value


def _setup(page, link: str) -> str:
    """Complete a platform setup link; return the TOTP secret."""
    page.goto(link)
    secret = page.inner_text("[data-testid=totp-secret]").strip()
    page.fill("[name=password]", PASSPHRASE)
    page.fill("[name=confirm]", PASSPHRASE)
    page.fill("[name=code]", pyotp.TOTP(secret).now())
    assert _submit(page).status == 200
    expect(page.locator("[data-testid=recovery-codes] li")).to_have_count(10)
    return secret


def _sign_in(page, username: str, secret: str) -> None:
    page.goto("/platform/login")
    page.fill("[name=username]", username)
    page.fill("[name=password]", PASSPHRASE)
    _submit(page)
    page.fill("[name=code]", pyotp.TOTP(secret).at(time.time() + 30))  # setup used the current step
    _submit(page)
    expect(page).to_have_url(re.compile(r"/platform/(#.*)?$"))  # the form's '#…-errors' survives the redirect


def test_an_organisation_joins_publishes_an_event_and_a_post_with_a_phone_number_is_refused(open_page, live_server,
                                                                                           shoot):
    from council.platform.accounts import create_admin

    with live_server.platform_app.app_context():
        _admin, token = create_admin(username="pf-browser-admin", display_name="プラットフォーム事務局")
    admin = open_page(live_server)
    admin_secret = _setup(admin, f"/platform/setup/{token}")
    _sign_in(admin, "pf-browser-admin", admin_secret)
    admin.goto("/platform/board/")
    admin.fill("[name=name]", "居場所づくり分科会")
    _submit(admin, "form[action*='/board/topics'] button[type=submit]")

    applicant = open_page(live_server)
    applicant.goto("/platform/organisations/apply")
    applicant.fill("[name=name]", "NPO法人ブラウザの輪")
    applicant.select_option("[name=kind]", "npo")
    applicant.select_option("[name=area]", "北部")
    applicant.check("input[name=fields][value=places]")
    applicant.fill("[name=description]", "地域の居場所として、月2回のカフェを開いています。")
    applicant.fill("[name=public_contact]", "事務局 電話 0436-99-0000 / cafe@browser.example.jp")
    applicant.fill("[name=display_name]", "事務局 担当")
    applicant.fill("[name=username]", "browser-npo")
    _submit(applicant)
    expect(applicant.locator("h1")).to_contain_text("受け付け")
    shoot(applicant, "20-platform-applied")

    admin.goto("/platform/organisations/review")
    expect(admin.locator("main")).to_contain_text("NPO法人ブラウザの輪")
    _submit(admin, "main form button.primary")
    link = admin.inner_text("[data-testid=setup-link]").strip()
    shoot(admin, "21-platform-approved")

    _sign_in(applicant, "browser-npo", _setup(applicant, link))

    applicant.goto("/platform/places/new")
    applicant.fill("[name=name]", "まちかどカフェ")
    applicant.select_option("[name=kind]", "event")
    applicant.select_option("[name=area]", "北部")
    applicant.check("input[name=fields][value=places]")
    applicant.fill("[name=venue]", "市民会館 1階ロビー")
    applicant.fill("[name=schedule]", "毎月第2・第4土曜 13時〜15時")
    applicant.fill("[name=audience]", "どなたでも。ひとりで来られる方も歓迎します。")
    _submit(applicant)
    expect(applicant.locator("h1")).to_have_text("まちかどカフェ")
    applicant.fill("[name=day]", "2030-06-08")
    applicant.fill("[name=starts]", "13:00")
    applicant.fill("[name=ends]", "15:00")
    _submit(applicant, "form[action*='/sessions'] button[type=submit]")
    expect(applicant.locator("main")).to_contain_text("2030-06-08 13:00")
    shoot(applicant, "22-platform-event")
    calendar = applicant.request.get(f"{live_server.url}/platform/places/calendar.ics")
    assert "SUMMARY:まちかどカフェ" in calendar.text() and "DTSTART:20300608T040000Z" in calendar.text()

    applicant.goto("/platform/board/")
    applicant.get_by_role("link", name="居場所づくり分科会").click()
    applicant.get_by_role("link", name="スレッドを立てる").click()
    applicant.fill("[name=title]", "カフェのボランティア募集")
    draft = "先日来られた方から相談がありました。連絡先は 090-1234-5678 です。"
    applicant.fill("[name=body]", draft)
    response = _submit(applicant)
    assert response.status == 200
    expect(applicant.locator("[data-testid=pii-found] mark")).to_have_text(re.compile(r"090-1234-5678"))
    expect(applicant.locator("[name=body]")).to_have_value(draft)  # nothing typed is lost
    expect(applicant.locator("#body-error")).to_contain_text("電話番号")
    shoot(applicant, "23-platform-phone-refused")

    applicant.fill("[name=body]", "カフェの受付を手伝ってくださる方を募集します。")
    _submit(applicant)
    expect(applicant.locator("h1")).to_have_text("カフェのボランティア募集")

