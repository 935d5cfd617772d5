"""Real-browser journeys through both apps: first administrator, sign-in, lockout, the split, CSP, keyboard.

Elements are found by name, id, data-testid and URL, never by visible text: the pages are Japanese by
default and the catalogues may or may not be compiled.
"""

from __future__ import annotations

import re
import time
import uuid

import pyotp
import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

#: A passphrase of 16+ characters that the password policy accepts.
PASSPHRASE = "seven wooden spoons hum quietly at dawn"
SUBMIT = "main form button[type=submit]"


def path_is(path: str) -> re.Pattern:
    """Matches a page URL whose path (without query and fragment) is exactly ``path``.

    A form posts to '…#<form id>-errors' so that a refusal opens at its error summary; a redirect after
    success keeps that fragment (browsers carry it over), which is why a fragment may follow.
    """
    return re.compile(rf"^https?://[^/]+{re.escape(path)}(\?[^#]*)?(#.*)?$")


def submit(page):
    """Press the main form's submit button and return the response of the page it leads to."""
    with page.expect_navigation() as navigation:
        page.locator(SUBMIT).click()
    return navigation.value


def later_code(secret: str) -> str:
    """A TOTP code for the next 30-second step.

    Codes are single-use per step and setup has just used the current one; the server accepts ±1 step.
    """
    return pyotp.TOTP(secret).at(time.time() + 30)


def sign_in_first_step(page, username: str, password: str):
    page.goto("/login")
    page.fill("[name=username]", username)
    page.fill("[name=password]", password)
    return submit(page)


def first_admin_token(server) -> str:
    from council.auth.services import issue_first_admin_link

    with server.council_app.app_context():
        return issue_first_admin_link()


def new_account(server, role: str = "caseworker") -> tuple[str, str]:
    """A council user created the way an administrator would; returns (username, setup-link token)."""
    from sqlalchemy import select

    from council.auth import admin, services
    from council.auth.models import Council
    from council.database import db

    with server.council_app.app_context():
        name = "ブラウザ試験市孤独・孤立対策地域協議会"
        council = db.session.scalar(select(Council).where(Council.name == name)) or services.create_council(name)
        suffix = uuid.uuid4().hex[:8]
        institution = admin.create_institution(actor=None, council=council, name=f"試験機関-{suffix}", kind="npo",
                                               is_coordinator=False)
        user, token = admin.create_user(actor=None, institution=institution, username=f"browser-{suffix}",
                                        display_name="試験 花子", role=role)
        return user.username, token


def complete_setup(page, token: str, password: str = PASSPHRASE) -> str:
    """Finish an account's setup link in the browser; return the TOTP secret."""
    page.goto(f"/setup/{token}")
    secret = page.inner_text("[data-testid=totp-secret]").strip()
    page.fill("[name=password]", password)
    page.fill("[name=confirm]", password)
    page.fill("[name=code]", pyotp.TOTP(secret).now())
    response = submit(page)
    assert response.status == 200
    expect(page.locator("[data-testid=recovery-codes] li")).to_have_count(10)
    return secret


def enrol_and_sign_in(page, username: str, token: str) -> str:
    """A new user's first day: finish the setup link, sign in with a fresh code and accept the pledge; return the
    TOTP secret."""
    secret = complete_setup(page, token)
    sign_in_first_step(page, username, PASSPHRASE)
    page.fill("[name=code]", later_code(secret))
    submit(page)
    page.check("[name=accept]")
    submit(page)
    return secret


# -- A: the first administrator, from the one-time link to signing out ---------------------------------


def test_first_admin_journey(open_page, fresh_live_server, shoot):
    server = fresh_live_server
    page = open_page(server)
    token = first_admin_token(server)

    response = page.goto(f"/setup/first/{token}")
    assert response.status == 200
    expect(page.locator(".qr svg")).to_be_visible()
    shoot(page, "01-first-admin-form")
    page.fill("[name=council_name]", "試験市孤独・孤立対策地域協議会")
    page.fill("[name=institution_name]", "試験市福祉部")
    page.select_option("[name=institution_kind]", "government")
    page.fill("[name=username]", "admin")
    page.fill("[name=display_name]", "管理 太郎")
    page.fill("[name=password]", PASSPHRASE)
    page.fill("[name=confirm]", PASSPHRASE)
    secret = page.inner_text("[data-testid=totp-secret]").strip()
    assert re.fullmatch(r"[A-Z2-7]{32}", secret), secret
    page.fill("[name=code]", pyotp.TOTP(secret).now())
    response = submit(page)
    assert response.status == 200
    expect(page.locator("[data-testid=recovery-codes] li")).to_have_count(10)
    codes = page.locator("[data-testid=recovery-codes] li").all_inner_texts()
    assert len(set(codes)) == 10
    shoot(page, "02-recovery-codes")

    # The link is used up: it must not open the form again.
    again = page.context.new_page()
    assert again.goto(f"/setup/first/{token}").status == 404
    shoot(again, "03-first-admin-link-used")
    again.close()

    response = sign_in_first_step(page, "admin", PASSPHRASE)
    expect(page).to_have_url(path_is("/login/code"))
    shoot(page, "04-second-step")
    page.fill("[name=code]", later_code(secret))
    submit(page)
    expect(page).to_have_url(path_is("/pledge"))
    expect(page.locator("[data-testid=pledge-text]")).to_be_visible()
    shoot(page, "05-pledge")

    page.check("[name=accept]")
    submit(page)
    expect(page).to_have_url(path_is("/"))
    expect(page.locator("[data-testid=role]")).to_be_visible()
    expect(page.locator("[data-testid=site-badge]")).to_be_visible()
    shoot(page, "06-admin-home")

    with page.expect_navigation():
        page.locator("header form[action$='/logout'] button[type=submit]").click()
    expect(page).to_have_url(path_is("/login"))
    shoot(page, "07-signed-out")

    # Signed out for real: the home page sends the browser back to the sign-in page.
    page.goto("/")
    expect(page).to_have_url(path_is("/login"))


# -- B: the same refusal for every failure, and the lockout ----------------------------------------------


def test_wrong_passwords_lock_the_account_with_one_message(page, live_server, shoot):
    username, token = new_account(live_server)
    complete_setup(page, token)

    messages = []
    for attempt in range(10):
        response = sign_in_first_step(page, username, f"wrong password number {attempt}")
        assert response.status == 401, attempt
        expect(page).to_have_url(path_is("/login"))
        messages.append(page.inner_text("#login-form-errors li").strip())
    assert messages[0], "the refusal shows no message"
    assert set(messages) == {messages[0]}, messages

    # Locked now: the right password is refused with the very same words.
    response = sign_in_first_step(page, username, PASSPHRASE)
    assert response.status == 401
    expect(page).to_have_url(path_is("/login"))
    assert page.inner_text("#login-form-errors li").strip() == messages[0]
    shoot(page, "08-login-refused")

    # An unknown username gets the same message too: the page does not reveal which accounts exist.
    response = sign_in_first_step(page, f"nobody-{uuid.uuid4().hex[:8]}", PASSPHRASE)
    assert response.status == 401
    assert page.inner_text("#login-form-errors li").strip() == messages[0]

    from sqlalchemy import select

    from council.auth.models import User
    from council.core.db import utcnow
    from council.database import db

    with live_server.council_app.app_context():
        user = db.session.scalar(select(User).where(User.username == username))
        assert user.failed_logins >= 10
        assert user.locked_until is not None and (user.locked_until - utcnow()).total_seconds() > 10 * 60


def test_a_second_factor_code_cannot_be_replayed(page, live_server):
    username, token = new_account(live_server)
    secret = complete_setup(page, token)
    code = later_code(secret)

    sign_in_first_step(page, username, PASSPHRASE)
    expect(page).to_have_url(path_is("/login/code"))
    page.fill("[name=code]", code)
    submit(page)
    expect(page).to_have_url(path_is("/pledge"))  # signed in; a new user accepts the pledge first

    # Someone who saw the code tries it in another browser within the same 30 seconds.
    other = page.context.browser.new_context(base_url=live_server.url)
    try:
        thief = other.new_page()
        sign_in_first_step(thief, username, PASSPHRASE)
        expect(thief).to_have_url(path_is("/login/code"))
        thief.fill("[name=code]", code)
        response = submit(thief)
        assert response.status == 401
        expect(thief).to_have_url(path_is("/login/code"))
        expect(thief.locator("#code-form-errors li")).to_be_visible()
    finally:
        other.close()


# -- C: the platform is visibly a different place ------------------------------------------------------


def test_platform_looks_different_from_the_council(page, shoot):
    page.goto("/login")
    council_badge = page.inner_text("[data-testid=site-badge]").strip()
    council_header = page.evaluate("getComputedStyle(document.querySelector('header.site')).backgroundColor")
    assert "council" in page.get_attribute("body", "class").split()

    response = page.goto("/platform/")
    assert response.status == 200
    platform_badge = page.inner_text("[data-testid=site-badge]").strip()
    platform_header = page.evaluate("getComputedStyle(document.querySelector('header.site')).backgroundColor")
    assert "platform" in page.get_attribute("body", "class").split()
    shoot(page, "09-platform-home")

    assert council_badge and platform_badge and council_badge != platform_badge
    # The stylesheet loaded (CSP allowed it) and gives the two sides different header colours.
    assert council_header not in ("", "rgba(0, 0, 0, 0)")
    assert platform_header != council_header


# -- D: the pages break no Content Security Policy rule and load nothing from elsewhere -------------------


def test_no_csp_violations_and_no_external_requests(page, live_server, shoot):
    console, requests, errors = [], [], []
    page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
    page.on("request", lambda request: requests.append(request.url))
    page.on("pageerror", lambda error: errors.append(str(error)))

    token = first_admin_token(live_server)
    for path in ("/login", f"/setup/first/{token}", "/platform/", "/platform/login"):
        response = page.goto(path)
        assert response.status == 200, path
        page.wait_for_load_state("networkidle")
        if path.startswith("/setup/first/"):
            expect(page.locator(".qr svg")).to_be_visible()
            shoot(page, "10-first-admin-form-csp")

    violations = [line for line in console if "Content Security Policy" in line or "Content-Security-Policy" in line]
    assert not violations, violations
    assert not errors, errors
    outside = [url for url in requests if not url.startswith(live_server.url + "/")]
    assert not outside, outside
    assert any(url.endswith(".css") for url in requests), "the stylesheet was never requested"


# -- E: keyboard users can skip the header -------------------------------------------------------------


@pytest.mark.parametrize("path", [
    "/login",
    "/platform/",
])
def test_skip_link_is_first_and_moves_focus_to_main(page, path):
    page.goto(path)
    # Chromium applies autofocus during a later rendering update, not at load; a user's first key press comes
    # after it. Two animation frames make sure it has happened, so the result does not depend on timing.
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.matches('a.skip')"), \
        page.evaluate("document.activeElement.outerHTML")
    expect(page.locator("a.skip")).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))
    assert page.evaluate("document.activeElement.id") == "main"
