"""Handoffs as their users click them, in Chromium: a referral from the 福祉事務所 to the 社協, accepted and ended
again; then a transfer that a supervisor approves and the 社協 accepts, becoming the lead."""

from __future__ import annotations

import datetime as dt
import uuid

import pyotp
import pytest
from playwright.sync_api import expect

from tests.browser.test_journeys import PASSPHRASE

pytestmark = pytest.mark.browser


def _people(server) -> dict:
    """A council with a 福祉事務所 (caseworker, supervisor) and a 社協 (caseworker), a case of the 福祉事務所 with
    the person's consent to a referral to the 社協 — made as an administrator and an intake would."""
    from council.access.policy import Action, authorize
    from council.auth import admin
    from council.auth.models import PledgeAcceptance
    from council.auth.pledge import CURRENT_VERSION
    from council.auth.services import accounts, create_council
    from council.cases import documents
    from council.cases.services import PersonInput, open_case
    from council.core.clock import utcnow
    from council.database import db

    suffix = uuid.uuid4().hex[:6]
    with server.council_app.test_request_context():
        council = create_council(f"つなぎ試験市-{suffix}")
        office = admin.create_institution(actor=None, council=council, name="福祉事務所", kind="government",
                                          is_coordinator=False)
        shakyo = admin.create_institution(actor=None, council=council, name="社会福祉協議会",
                                          kind="social_welfare_council", is_coordinator=False)
        people, made = {}, {}
        for key, institution, role in (("office", office, "caseworker"), ("boss", office, "supervisor"),
                                       ("shakyo", shakyo, "caseworker")):
            user, _token = admin.create_user(actor=None, institution=institution, username=f"{key}-{suffix}",
                                             display_name=f"{key} さん", role=role)
            user.password_hash, user.password_changed_at = accounts().hasher.hash(PASSPHRASE), utcnow()
            user.totp_secret = pyotp.random_base32(32)
            db.session.add(PledgeAcceptance(user_id=user.id, version=CURRENT_VERSION, accepted_at=utcnow()))
            people[key], made[key] = (user.username, user.totp_secret), user
        db.session.commit()
        caseworker = made["office"]
        case = open_case(actor=caseworker, lead_institution=caseworker.institution, intake_date=dt.date(2026, 4, 1),
                         categories=["ひきこもり"], risk="medium", assigned=[caseworker],
                         subject=PersonInput(name="試験 一郎", kana="シケン イチロウ", address="みどり市本町1-2-3"))
        documents.record_consent(actor=caseworker, case=case, access=authorize(caseworker, Action.EDIT_DETAILS, case),
                                 purpose_code="referral", purpose="社協の見守りにつなぐため", recipients="社協",
                                 scope="概要", obtained_on=dt.date(2026, 4, 1), obtained_how="written",
                                 given_by="person", recipient_institution_ids=[shakyo.id])
        return {"people": people, "case": case.id, "number": case.number}


def _sign_in(open_page, server, who):
    username, secret = who
    page = open_page(server)
    page.goto("/login")
    page.fill("[name=username]", username)
    page.fill("[name=password]", PASSPHRASE)
    page.locator("main form button[type=submit]").click()
    page.fill("[name=code]", pyotp.TOTP(secret).now())
    page.locator("main form button[type=submit]").click()
    expect(page.locator("header.site")).to_be_visible()
    return page


def _handoff(page, kind: str):
    return page.locator(f"[data-testid=handoff][data-kind={kind}]").first


def test_a_referral_to_the_shakyo_and_a_transfer_with_a_supervisors_approval(open_page, live_server, shoot):
    world = _people(live_server)
    case_url = f"/cases/{world['case']}"
    office = _sign_in(open_page, live_server, world["people"]["office"])
    shakyo = _sign_in(open_page, live_server, world["people"]["shakyo"])

    # 福祉事務所 → 社協: a referral of the summary, on the person's consent.
    office.goto(case_url)
    office.click("[data-testid=send-handoff]")
    office.select_option("[name=receiver]", label="社会福祉協議会")
    office.check("input[name=legal_basis][value=consent]")
    office.select_option("[name=consent]", index=1)
    office.fill("[name=message]", "本人へのアウトリーチをお願いします")
    office.locator("#send-form button[type=submit]").click()
    expect(_handoff(office, "referral")).to_have_attribute("data-state", "requested")
    shoot(office, "handoff-referral-sent")

    # The 社協 finds it in its inbox, reads the message beside the summary (no name), and accepts.
    shakyo.goto("/")
    shakyo.locator("[data-testid=inbox-item][data-kind='handoffs.to_decide'] a").click()
    expect(shakyo.locator("[data-testid=handoff-message]")).to_have_text("本人へのアウトリーチをお願いします")
    expect(shakyo.locator("main")).not_to_contain_text("試験 一郎")
    _handoff(shakyo, "referral").locator("[data-testid=accept]").click()
    expect(_handoff(shakyo, "referral")).to_have_attribute("data-state", "accepted")
    shoot(shakyo, "handoff-referral-accepted")

    # ... and back: the 社協 ends the share with a reason; the 福祉事務所 reads why.
    referral = _handoff(shakyo, "referral")
    referral.locator("summary", has_text="共有を終了する").click()
    referral.locator("textarea[name=reason]").fill("アウトリーチが終わったため")
    referral.locator("[data-testid=end]").click()
    office.goto(case_url)
    expect(_handoff(office, "referral")).to_have_attribute("data-state", "ended")
    ended = _handoff(office, "referral").locator("[data-testid=end-reason]")
    expect(ended).to_contain_text("アウトリーチが終わったため")

    # A transfer: the caseworker drafts it, the supervisor approves, the 社協 accepts and becomes the lead.
    office.click("[data-testid=send-handoff]")
    office.check("input[name=kind][value=transfer]")
    office.select_option("[name=receiver]", label="社会福祉協議会")
    office.check("input[name=legal_basis][value=emergency]")
    office.fill("[name=emergency_reason]", "転居に伴い至急引き継ぐ必要がある")
    office.locator("#send-form button[type=submit]").click()
    expect(_handoff(office, "transfer")).to_have_attribute("data-state", "awaiting_approval")
    boss = _sign_in(open_page, live_server, world["people"]["boss"])
    boss.locator("[data-testid=inbox-item][data-kind='handoffs.to_approve'] a").click()
    _handoff(boss, "transfer").locator("[data-testid=approve]").click()
    expect(_handoff(boss, "transfer")).to_have_attribute("data-state", "requested")
    shakyo.goto(case_url)
    _handoff(shakyo, "transfer").locator("[data-testid=accept]").click()
    expect(_handoff(shakyo, "transfer")).to_have_attribute("data-state", "accepted")
    expect(shakyo.locator("[data-testid=person-name]").first).to_have_text("試験 一郎")  # the lead sees it all
    office.goto(case_url)
    expect(office.locator("[data-testid=basis]")).to_contain_text("移管")  # reads it for the close-out
    expect(office.locator("[data-testid=share-expiry]")).to_be_visible()
    shoot(office, "handoff-transfer-close-out")
