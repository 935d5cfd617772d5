"""Households across cases in a real browser: the 8050 story. The son's case is at 福祉事務所 with his mother as a
household member; a 社協 caseworker opening the mother's intake is told she appears as a household member of a case
held by 福祉事務所, with the offers to ask it. Once 福祉事務所 marks the son's case 要配慮, the same intake finds
nothing at all.

Elements are found by name, id, data-testid and URL, never by visible text (the pages are Japanese by default).
"""

from __future__ import annotations

import datetime as dt
import uuid

import pyotp
import pytest
from flask import Blueprint
from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.test_journeys import PASSPHRASE, path_is, sign_in_first_step, submit

pytestmark = pytest.mark.browser

MOTHER = {"name": "緑川 タツ子", "kana": "ミドリカワ タツコ", "birth_date": "昭和23年2月11日"}
OFFERS = ("requests.ask_holder", "handoffs.ask_referral", "breakglass.open")


def _worker(server, institution, username: str):
    """A signed-up worker (password, TOTP, pledge), as an administrator and the worker's setup would leave them."""
    from council.auth import admin
    from council.auth.models import PledgeAcceptance
    from council.auth.pledge import CURRENT_VERSION
    from council.auth.services import accounts
    from council.core.db import utcnow
    from council.database import db

    user, _token = admin.create_user(actor=None, institution=institution, username=username,
                                     display_name="試験 職員", role="caseworker")
    user.password_hash, user.password_changed_at = accounts().hasher.hash(PASSPHRASE), utcnow()
    user.totp_secret = pyotp.random_base32(32)
    db.session.add(PledgeAcceptance(user_id=user.id, version=CURRENT_VERSION, accepted_at=utcnow()))
    db.session.commit()
    return user.username, user.totp_secret


def _story(server) -> dict:
    """The 8050 household at 福祉事務所, and a caseworker at 社協; the handoff pages the intake offers (dummies on a
    branch where they are not built yet)."""
    from council.access.policy import Action, authorize
    from council.auth import admin, services
    from council.auth.models import User
    from council.cases import persons
    from council.cases.services import PersonInput, open_case
    from council.core.permissions import route
    from council.database import db

    app = server.council_app
    for endpoint in (e for e in OFFERS if e not in app.view_functions):
        name, view_name = endpoint.split(".")
        blueprint = Blueprint(name, __name__, url_prefix=f"/dummy-{name}")
        route(blueprint, f"/{view_name}", lambda: "dummy", permission="cases.work", endpoint=view_name)
        app.register_blueprint(blueprint)
    suffix = uuid.uuid4().hex[:6]
    with app.test_request_context():
        council = services.create_council(f"households-{suffix}")
        welfare = admin.create_institution(actor=None, council=council, name=f"福祉事務所-{suffix}", kind="government",
                                           is_coordinator=False)
        shakyo = admin.create_institution(actor=None, council=council, name=f"社協-{suffix}",
                                          kind="social_welfare_council", is_coordinator=False)
        lead = _worker(server, welfare, f"welfare-{suffix}")
        worker = _worker(server, shakyo, f"shakyo-{suffix}")
        actor = db.session.scalar(select(User).where(User.username == lead[0]))
        son = open_case(actor=actor, lead_institution=actor.institution, intake_date=dt.date(2026, 4, 1),
                        categories=["ひきこもり", "8050世帯"], risk="medium", assigned=[actor],
                        subject=PersonInput(name="緑川 一郎", kana="ミドリカワ イチロウ",
                                            birth_date=dt.date(1976, 7, 7)))
        persons.add_household_member(actor=actor, case=son, access=authorize(actor, Action.EDIT_DETAILS, son),
                                     data=PersonInput(name=MOTHER["name"], kana=MOTHER["kana"],
                                                      birth_date=dt.date(1948, 2, 11), relationship="母"))
        return {"lead": lead, "worker": worker, "welfare": welfare.name, "son": son.id}


def _sign_in(page, account) -> None:
    username, secret = account
    sign_in_first_step(page, username, PASSPHRASE)
    page.fill("[name=code]", pyotp.TOTP(secret).now())
    submit(page)


def _intake(page) -> None:
    page.goto("/cases/new")
    for name, value in MOTHER.items():
        page.fill(f"[name={name}]", value)
    page.check('input[name=categories][value="単身高齢"]')
    page.select_option("[name=referral_source]", "self")
    page.fill("[name=summary]", "本人が来所し、息子のことで相談。")
    submit(page)


def test_the_mother_is_found_in_her_sons_case_until_it_is_marked_restricted(open_page, fresh_live_server, shoot):
    server = fresh_live_server
    story = _story(server)

    shakyo = open_page(server)
    _sign_in(shakyo, story["worker"])
    _intake(shakyo)
    hit = shakyo.locator("[data-testid=duplicate-hit]")
    expect(hit).to_have_count(1)
    expect(hit).to_contain_text(story["welfare"])
    offers = hit.locator("[data-testid=hit-offer]")
    expect(offers).to_have_count(3)
    for index in range(3):
        assert "hit=" in offers.nth(index).get_attribute("href")
    assert f"/cases/{story['son']}" not in shakyo.content()
    shoot(shakyo, "households-01-household-member-found")

    welfare = open_page(server)
    _sign_in(welfare, story["lead"])
    welfare.goto(f"/cases/{story['son']}")
    welfare.locator("[data-testid=restriction-link]").click()
    expect(welfare).to_have_url(path_is(f"/cases/{story['son']}/restriction"))
    welfare.select_option("[name=reason]", "dv")
    with welfare.expect_navigation():
        welfare.locator("#restriction-form button[type=submit]").click()
    expect(welfare.locator("[data-testid=restricted-banner]")).to_be_visible()
    expect(welfare.locator("[data-testid=restriction-rule]")).to_be_visible()
    shoot(welfare, "households-02-restricted-banner")

    # The same intake again: nothing is found, so the mother's case is opened at once.
    _intake(shakyo)
    expect(shakyo.locator("[data-testid=duplicates]")).to_have_count(0)
    expect(shakyo.locator("[data-testid=person-name]")).to_have_text(MOTHER["name"])
    assert story["welfare"] not in shakyo.content()
    shoot(shakyo, "households-03-nothing-found")
