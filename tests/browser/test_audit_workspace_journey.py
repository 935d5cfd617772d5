"""The auditor's question in a real browser: "who looked at this case, and why?" — answered in Japanese, refusals
included, without a word of the case's content; the same events downloaded as CSV."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_journeys import enrol_and_sign_in, new_account

pytestmark = pytest.mark.browser

SUBJECT = "見守り 一郎"


def _case_of(server, username: str) -> tuple[int, str]:
    """A case opened by ``username`` (through the real service): its id and number."""
    from sqlalchemy import select

    from council.auth.models import User
    from council.cases.services import PersonInput, open_case
    from council.database import db

    with server.council_app.app_context():
        owner = db.session.scalar(select(User).where(User.username == username))
        case = open_case(actor=owner, lead_institution=owner.institution, intake_date=dt.date(2026, 4, 1),
                         categories=["単身高齢"], risk="medium", assigned=[owner], first_record="初回相談。",
                         subject=PersonInput(name=SUBJECT, kana="ミマモリ イチロウ", birth_date=dt.date(1950, 1, 2)))
        return case.id, case.number


def _signed_in(open_page, server, role: str) -> tuple[object, str]:
    page = open_page(server)
    username, token = new_account(server, role=role)
    enrol_and_sign_in(page, username, token)
    return page, username


def test_an_auditor_finds_who_looked_at_a_case_and_who_was_refused(open_page, live_server, shoot):
    worker, owner = _signed_in(open_page, live_server, "caseworker")
    case_id, number = _case_of(live_server, owner)
    worker.goto(f"/cases/{case_id}")
    expect(worker.locator("[data-testid=person-name]")).to_have_text(SUBJECT)
    stranger, refused = _signed_in(open_page, live_server, "caseworker")
    assert stranger.goto(f"/cases/{case_id}").status == 404

    auditor, _username = _signed_in(open_page, live_server, "auditor")
    auditor.get_by_role("link", name="監査ログ").first.click()
    auditor.fill("[name=case]", number)
    with auditor.expect_navigation():
        auditor.get_by_role("button", name="絞り込み").click()
    events = auditor.locator("[data-testid=events]")
    expect(events).to_contain_text("ケースを閲覧")
    expect(events).to_contain_text("ケースへのアクセスを拒否")
    expect(events).to_contain_text("担当者として")
    shoot(auditor, "audit-log-filtered-by-case")
    auditor.get_by_role("link", name=f"ケース {number} を見た人（1人1行）").click()
    expect(auditor.locator("h1")).to_have_text(f"ケース {number} を見た人")
    who = auditor.locator("[data-testid=who-looked]")
    expect(who.locator("tr", has_text=owner)).to_contain_text("担当者として")
    expect(who.locator("tr", has_text=refused).locator(".status-bad")).to_have_text("1")
    expect(auditor.locator("main")).not_to_contain_text(SUBJECT)  # the auditor never reads the case
    shoot(auditor, "audit-who-looked-at-case")

    auditor.goto("/audit/?user=no-such-person")
    expect(auditor.locator("[data-testid=unknown-user]")).to_contain_text("「no-such-person」")
    # The user field's list holds nobody until something is typed, then the few users who match, from the server.
    auditor.goto("/audit/")
    suggestions = auditor.locator("#council-users option")
    expect(suggestions).to_have_count(0)
    auditor.fill("#user", refused)
    expect(auditor.locator(f'#council-users option[value="{refused}"]')).to_have_count(1)
    with auditor.expect_navigation():
        auditor.get_by_role("button", name="絞り込み").click()
    expect(auditor.locator("[data-testid=matched-users]")).to_contain_text(refused)
    auditor.goto(f"/audit/?case={number}")
    with auditor.expect_download() as download:
        auditor.locator("[data-testid=export]").click()
    content = download.value.path().read_bytes().decode("utf-8-sig")
    assert number in content and refused in content and SUBJECT not in content

    # Verification and checkpoints: never verified yet, then one click verifies the chain (axe checks both pages).
    auditor.locator("[data-testid=checkpoints-link]").click()
    expect(auditor.locator("[data-testid=last-verification]")).to_contain_text("一度も検証されていません")
    with auditor.expect_navigation():
        auditor.locator("[data-testid=verify-held] button").click()
    expect(auditor.locator("[data-testid=verify-result]")).to_have_class("status-ok")
    expect(auditor).to_have_url(re.compile(r"/audit/verifications/\d+$"))  # a GET: reloading verifies nothing again
    auditor.goto("/audit/checkpoints")
    expect(auditor.locator("[data-testid=last-result]")).to_have_text("改ざんなし")
    # A pasted text that holds no checkpoint: only the error, where the form is, and the text still there.
    auditor.locator("#checkpoints").fill("チェックポイントではない行")
    with auditor.expect_navigation():
        auditor.locator("[data-testid=verify-checkpoints]").click()
    expect(auditor.locator("[data-testid=error-summary]")).to_be_focused()
    expect(auditor.locator("[data-testid=error-summary]")).to_contain_text("1行目はチェックポイントではありません")
    expect(auditor.locator("#checkpoints")).to_have_value("チェックポイントではない行")
    expect(auditor.locator("[data-testid=verify-result]")).to_have_count(0)
    shoot(auditor, "audit-verification-and-checkpoints")

def test_an_auditor_reviews_a_flagged_access_and_draws_a_sample(open_page, live_server, shoot):
    worker, owner = _signed_in(open_page, live_server, "caseworker")
    case_id, number = _case_of(live_server, owner)
    worker.goto(f"/cases/{case_id}")
    stranger, refused = _signed_in(open_page, live_server, "caseworker")
    assert stranger.goto(f"/cases/{case_id}").status == 404

    auditor, _username = _signed_in(open_page, live_server, "auditor")
    auditor.get_by_role("link", name="監査ログ").first.click()
    auditor.get_by_role("link", name="要確認").click()
    expect(auditor.locator("h1")).to_have_text("要確認")
    refusals = auditor.locator("[data-testid=list-refusals]")
    row = refusals.locator("tr", has_text=refused)
    expect(row).to_contain_text("ケースへのアクセスを拒否")
    shoot(auditor, "audit-reviews")
    row.locator("[data-testid=review-link]").click()
    expect(auditor.locator("[data-testid=event]")).to_contain_text(number)
    auditor.get_by_role("button", name="確認済みにする").click()  # no comment: the error is shown at the form
    expect(auditor.locator("[data-testid=error-summary]")).to_contain_text("確認した内容を書いてください")
    auditor.get_by_label("コメント").fill("番号の打ち間違い。本人の上司に確認済み")
    auditor.get_by_role("button", name="確認済みにする").click()
    expect(auditor.locator("[data-testid=review-comment]")).to_have_text("番号の打ち間違い。本人の上司に確認済み")
    shoot(auditor, "audit-event-reviewed")
    auditor.get_by_text("コメントを訂正する").click()  # the reviewer (or another auditor) corrects it
    auditor.locator("#edit-form textarea").fill("番号の打ち間違い。上司と本人に確認済み")
    auditor.get_by_role("button", name="訂正したコメントを保存").click()
    expect(auditor.locator("[data-testid=review-comment]")).to_have_text("番号の打ち間違い。上司と本人に確認済み")
    expect(auditor.locator("[data-testid=review-edited]")).to_be_visible()
    auditor.get_by_role("link", name="要確認").click()
    expect(auditor.locator("[data-testid=list-refusals]").locator("tr", has_text=refused)
           .locator("[data-testid=reviewed]")).to_be_visible()

    auditor.get_by_role("link", name="異常検知").click()
    expect(auditor.locator("[data-testid=explanation]")).to_have_count(5)
    expect(auditor.locator("[data-testid=rule-refusals]")).to_contain_text("拒否の繰り返し")
    shoot(auditor, "audit-anomalies")

    auditor.get_by_role("link", name="サンプリング").click()
    auditor.fill("[name=case]", number)
    auditor.get_by_role("button", name="抽出する").click()
    summary = auditor.locator("[data-testid=sample-summary]")
    expect(summary).to_contain_text("シード")
    seed = auditor.locator("#seed").input_value()
    drawn = auditor.locator("[data-testid=sample] tbody tr")
    expect(drawn.first).to_contain_text(number)
    first = drawn.all_inner_texts()
    auditor.reload()
    assert auditor.locator("#seed").input_value() == seed and drawn.all_inner_texts() == first
    expect(auditor.locator("main")).not_to_contain_text(SUBJECT)
    shoot(auditor, "audit-sample")
