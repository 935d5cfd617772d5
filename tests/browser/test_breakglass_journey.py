"""緊急アクセス in a real browser: a caseworker of another institution breaks into a case with a reason and sees the
banner; the council's auditor finds it in the review list and marks it reviewed."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_journeys import (
    enrol_and_sign_in,
    new_account,
    submit,
)

pytestmark = pytest.mark.browser

REASON = "民生委員から、本人が三日前から応答しないと連絡。安否確認のため緊急連絡先を確認する。"


def _case_of(server, username: str) -> str:
    """A case opened by ``username`` (through the real service); returns its number."""
    from sqlalchemy import select

    from council.auth.models import User
    from council.cases.services import PersonInput, open_case
    from council.database import db

    with server.council_app.app_context():
        owner = db.session.scalar(select(User).where(User.username == username))
        case = open_case(actor=owner, lead_institution=owner.institution, intake_date=dt.date(2026, 4, 1),
                         categories=["単身高齢"], risk="high", assigned=[owner], first_record="初回相談。",
                         subject=PersonInput(name="応答 なし男", kana="オウトウ ナシオ",
                                             birth_date=dt.date(1948, 2, 3)))
        return case.number


def _signed_in(page, role: str) -> None:
    username, token = new_account(page.live_server, role=role)
    enrol_and_sign_in(page, username, token)


def test_a_caseworker_breaks_glass_and_the_auditor_reviews_it(open_page, live_server, shoot):
    owner, _token = new_account(live_server, role="caseworker")
    number = _case_of(live_server, owner)

    worker = open_page(live_server)
    worker.live_server = live_server
    _signed_in(worker, "caseworker")
    worker.get_by_role("link", name="緊急アクセス").click()
    worker.fill("[name=case_number]", number)
    worker.select_option("[name=risk]", "life")
    worker.fill("[name=reason]", REASON)
    response = submit(worker)  # the confirmation is not ticked: refused, with everything kept
    assert response.status == 400
    expect(worker.locator("[data-testid=error-summary]")).to_be_visible()
    expect(worker.locator("[name=reason]")).to_have_value(REASON)
    expect(worker.locator("[name=case_number]")).to_have_value(number)
    worker.check("[name=confirm]")
    submit(worker)
    banner = worker.locator("[data-testid=break-glass-banner]")
    expect(banner).to_contain_text(re.compile(r"緊急アクセス中 — \d{2}:\d{2} まで（日本時間）"))
    expect(worker.locator("[data-testid=break-glass-reason]")).to_have_text(REASON)
    expect(worker.locator("[data-testid=person-name]")).to_have_text("応答 なし男")
    expect(worker.locator("[data-testid=basis]")).to_contain_text("緊急アクセス")
    shoot(worker, "break-glass-banner")

    auditor = open_page(live_server)
    auditor.live_server = live_server
    _signed_in(auditor, "auditor")
    expect(auditor.locator("[data-testid=inbox-item][data-kind='breakglass.review']")).to_contain_text(number)
    auditor.get_by_role("link", name="緊急アクセスの確認").click()
    row = auditor.locator("[data-testid=break-glass-row]", has_text=number)
    expect(row).to_contain_text("生命の危険")
    expect(auditor.locator("main")).not_to_contain_text(REASON)
    row.locator("[data-testid=review-link]").click()
    auditor.check("input[name=outcome][value=appropriate]")
    submit(auditor)
    expect(auditor.locator("[data-testid=break-glass-row]", has_text=number).locator("[data-testid=outcome]")
           ).to_have_text("適切")
    shoot(auditor, "break-glass-reviewed")
