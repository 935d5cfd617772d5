"""Running the platform in a real browser (issue 14): an application whose wished username is taken looks like
any other; the platform administrator chooses another at approval; statistics explain themselves to members and
show commands only to administrators; the administrator ends a member's sessions, disables and enables the
account and resets it with a new setup link. Every page state on the way is checked by axe-core (conftest)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_platform_journey import _setup, _sign_in, _submit

pytestmark = pytest.mark.browser


def test_the_administrator_chooses_the_username_and_manages_the_account(open_page, live_server, shoot):
    from council.platform.accounts import create_admin
    from council.platform.database import db
    from council.platform.models import PlatformRole, PlatformUser

    with live_server.platform_app.app_context():
        _admin, token = create_admin(username="pf-accounts-admin", display_name="事務局")
        db.session.add(PlatformUser(username="hikari", display_name="先客", role=PlatformRole.MEMBER, failed_logins=0))
        db.session.commit()

    applicant = open_page(live_server)
    applicant.goto("/platform/")  # the public home page: its headings no longer skip a level
    expect(applicant.locator("main h2").first).to_be_visible()
    applicant.goto("/platform/organisations/apply")
    expect(applicant.get_by_test_id("how-the-link-arrives")).to_contain_text("公開連絡先")
    applicant.fill("[name=name]", "NPO法人ひかり")
    applicant.select_option("[name=kind]", "npo")
    applicant.select_option("[name=area]", "南部")
    applicant.check("input[name=fields][value=youth]")
    applicant.fill("[name=description]", "若者の居場所を週1回ひらいています。")
    applicant.fill("[name=public_contact]", "事務局 0436-55-0000")
    applicant.fill("[name=display_name]", "事務局 担当")
    applicant.fill("[name=username]", "hikari")  # taken: the applicant is not told
    _submit(applicant)
    expect(applicant.locator("h1")).to_contain_text("受け付け")
    expect(applicant.get_by_test_id("how-the-link-arrives")).to_contain_text("メールアドレス")

    admin = open_page(live_server)
    _sign_in(admin, "pf-accounts-admin", _setup(admin, f"/platform/setup/{token}"))
    admin.goto("/platform/organisations/review")
    username = admin.locator("main input[name$='-username']")
    expect(username).to_have_value("hikari")
    expect(admin.locator("main")).to_contain_text("既存のアカウント")
    username.fill("hikari-admin")
    _submit(admin, "main form button.primary")
    link = admin.inner_text("[data-testid=setup-link]").strip()
    shoot(admin, "30-platform-username-chosen")

    founder = open_page(live_server)
    _sign_in(founder, "hikari-admin", _setup(founder, link))
    founder.goto("/platform/statistics")
    expect(founder.get_by_test_id("statistics-meaning")).to_contain_text("合計は総数より多く")
    expect(founder.get_by_test_id("statistics-commands")).to_have_count(0)
    admin.goto("/platform/statistics")
    expect(admin.get_by_test_id("statistics-commands")).to_contain_text("council platform import-stats")

    admin.goto("/platform/accounts/")
    admin.get_by_role("link", name="hikari-admin").click()
    expect(admin.locator("h1")).to_contain_text("hikari-admin")
    _submit(admin, "main form[action$='/sessions'] button")
    expect(admin.locator(".flash-success")).to_contain_text("1 件のセッションを終了")
    founder.goto("/platform/organisations/mine")
    expect(founder).to_have_url(live_server.url + "/platform/login")

    _submit(admin, "main form[action$='/disable'] button")
    expect(admin.get_by_test_id("account-state")).to_contain_text("無効")
    _submit(admin, "main form[action$='/enable'] button")
    expect(admin.get_by_test_id("account-state")).to_contain_text("有効")
    _submit(admin, "main form[action$='/reset'] button")
    expect(admin.get_by_test_id("setup-link")).to_contain_text("/platform/setup/")
    shoot(admin, "31-platform-account-reset")
