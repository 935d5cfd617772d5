"""The inbox page, the header's badge and what is new: what a caseworker sees of the things waiting for them.

Items come from the cases' own provider (overdue reviews, cases without contact) and from a provider of a test
feature, registered on its own blueprint as handoffs and requests do, that addresses items to the user or to
their institution."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from flask import Blueprint
from sqlalchemy import select

from council.access.permissions import Permission
from council.core import clock
from council.database import db
from council.inbox.models import InboxSeen
from council.inbox.registry import Audience, InboxItem, inbox_provider
from tests.conftest import english, sign_in


def _items(page: str) -> list[dict]:
    """Each item of the inbox page: kind, audience, how many of it are new (0 when not marked) and its text."""
    found = re.findall(r'<li data-testid="inbox-item" data-kind="([^"]+)" data-audience="([^"]+)"'
                       r'(?: data-new="(\d+)")?><a href="[^"]+">([^<]+)</a>', page)
    return [{"kind": kind, "audience": audience, "new": int(new or 0), "text": html.unescape(text)}
            for kind, audience, new, text in found]


def _badge(page: str) -> tuple[str, str] | None:
    """(the number shown, its aria-label), or None when the header has no badge."""
    match = re.search(r'data-testid="inbox-badge" aria-label="([^"]+)">(\d+)</span>', page)
    return (match.group(2), html.unescape(match.group(1))) if match else None


@pytest.fixture
def feature_app(app_config):
    """The council app with a test feature whose provider hands out what ``waiting[user id]`` holds; ``calls``
    says which of its functions each request used."""
    from council import create_app

    waiting: dict[int, list[InboxItem]] = {}
    calls: list[str] = []

    def provide(user):
        calls.append("provide")
        return list(waiting.get(user.id, []))

    def count(user):
        calls.append("count")
        return sum(item.count for item in waiting.get(user.id, []))

    feature = Blueprint("test_handoffs", __name__)
    inbox_provider(feature, name="test.handoffs", order=20, permission=Permission.CASES_WORK, provide=provide,
                   count=count)
    application = create_app(app_config)
    application.register_blueprint(feature)
    application.waiting, application.calls = waiting, calls
    yield application
    db.dispose(application)


@pytest.fixture
def feature_client(feature_app):
    def make(user):
        client = feature_app.test_client()
        assert sign_in(feature_app, client, user).status_code == 302
        return client
    return make


def _overdue(make_case, worker, days: int = 1):
    """A case of ``worker`` whose review is ``days`` overdue, contacted an hour ago (so only the review counts)."""
    return make_case(worker, next_review_date=clock.japan_today() - dt.timedelta(days=days),
                     first_record_at=clock.utcnow() - dt.timedelta(hours=1))


def test_items_are_listed_for_you_and_for_your_institution(feature_app, feature_client, make_user, make_case):
    worker = make_user("caseworker")
    _overdue(make_case, worker)
    feature_app.waiting[worker.id] = [
        InboxItem(kind="test.referral_named", text="つなぎの依頼（あなた宛て）", url="/cases/", key="referral:1"),
        InboxItem(kind="test.referral", text="つなぎの依頼 2 件", url="/cases/", audience=Audience.INSTITUTION,
                  count=2, key="referrals"),
    ]
    client = english(feature_client(worker))
    page = client.get("/inbox").get_data(as_text=True)
    items = _items(page)
    assert [(i["kind"], i["audience"]) for i in items] == [
        ("cases.overdue_review", "user"), ("test.referral_named", "user"), ("test.referral", "institution")]
    mine = page[page.index('data-testid="inbox-user"'):page.index('data-testid="inbox-institution"')]
    assert "1 case has an overdue review" in mine and "つなぎの依頼（あなた宛て）" in mine
    assert "つなぎの依頼 2 件" in page[page.index('data-testid="inbox-institution"'):]
    assert "4 items wait" in page  # 1 overdue case, 1 named referral, 2 for the institution


def test_the_badge_shows_the_count_on_every_page_without_building_the_items(feature_app, feature_client, make_user,
                                                                            make_case):
    worker = make_user("caseworker")
    _overdue(make_case, worker)
    _overdue(make_case, worker, days=10)
    feature_app.waiting[worker.id] = [InboxItem(kind="test.request", text="依頼", url="/cases/", count=3)]
    client = feature_client(worker)
    feature_app.calls.clear()
    assert _badge(client.get("/cases/").get_data(as_text=True)) == ("5", "未対応 5 件")
    assert feature_app.calls == ["count"]  # the provider's COUNT, not its items
    for path in ("/", "/account", "/inbox/mail", "/cases/"):
        assert _badge(client.get(path).get_data(as_text=True)) == ("5", "未対応 5 件"), path
    assert feature_app.calls == ["count", "provide"]  # the home page listed the items; no page counted again


def test_the_count_is_fresh_after_the_user_acts_after_the_inbox_page_and_after_a_minute(
        feature_app, feature_client, make_user):
    worker = make_user("caseworker")
    feature_app.waiting[worker.id] = [InboxItem(kind="test.request", text="依頼", url="/cases/", count=3)]
    client = feature_client(worker)
    assert _badge(client.get("/cases/").get_data(as_text=True))[0] == "3"
    feature_app.waiting[worker.id] = [InboxItem(kind="test.request", text="依頼", url="/cases/", count=1)]
    assert _badge(client.get("/cases/").get_data(as_text=True))[0] == "3"  # others' changes: within a minute
    client.post("/language", data={"lang": "ja", "next": "/cases/"})  # anything the user does
    assert _badge(client.get("/cases/").get_data(as_text=True))[0] == "1"
    feature_app.waiting[worker.id] = []
    assert _badge(client.get("/inbox").get_data(as_text=True))[0] == "0"  # the inbox page counts what it lists
    feature_app.waiting[worker.id] = [InboxItem(kind="test.request", text="依頼", url="/cases/", count=2)]
    assert _badge(client.get("/cases/").get_data(as_text=True))[0] == "0"
    with clock.moved_to(clock.utcnow() + dt.timedelta(seconds=61)):
        assert _badge(client.get("/cases/").get_data(as_text=True))[0] == "2"


def test_roles_without_an_inbox_have_no_badge_and_a_page_that_says_why(app, client, login, make_user):
    administrator = english(app.test_client())
    sign_in(app, administrator, make_user("admin"))
    assert _badge(administrator.get("/").get_data(as_text=True)) is None
    page = administrator.get("/inbox").get_data(as_text=True)
    assert 'data-testid="inbox-none"' in page and _items(page) == []
    assert 'data-testid="mail-notices"' not in administrator.get("/account").get_data(as_text=True)  # nothing to send
    login(make_user("caseworker"))
    page = client.get("/").get_data(as_text=True)
    assert _badge(page) == ("0", "未対応 0 件")  # a caseworker's inbox exists, empty
    assert _items(client.get("/inbox").get_data(as_text=True)) == []


def test_a_user_who_has_not_accepted_the_pledge_sees_no_count(app, client, login, make_user, make_case):
    worker = make_user("caseworker", pledged=False)
    login(worker)
    assert _badge(client.get("/pledge").get_data(as_text=True)) is None


def test_what_was_shown_on_the_inbox_page_is_no_longer_new(feature_app, feature_client, make_user, make_case):
    worker = make_user("caseworker")
    _overdue(make_case, worker)
    feature_app.waiting[worker.id] = [InboxItem(kind="test.referral", text="依頼 A", url="/cases/", key="referral:1")]
    client = english(feature_client(worker))
    first = client.get("/inbox").get_data(as_text=True)
    assert [i["new"] for i in _items(first)] == [1, 1] and "2 new since you last looked" in first
    again = client.get("/inbox").get_data(as_text=True)
    assert [i["new"] for i in _items(again)] == [0, 0] and "new since you last looked" not in again
    # One more overdue case: that item has one new thing; a second referral is new, the first is not.
    _overdue(make_case, worker, days=3)
    feature_app.waiting[worker.id].append(InboxItem(kind="test.referral", text="依頼 B", url="/cases/",
                                                    key="referral:2"))
    later = _items(client.get("/inbox").get_data(as_text=True))
    assert [(i["text"], i["new"]) for i in later] == [("2 cases have an overdue review", 1), ("依頼 A", 0),
                                                       ("依頼 B", 1)]


def test_an_item_that_went_away_and_came_back_is_new_again_and_nothing_stale_is_kept(
        feature_app, feature_client, make_user):
    worker = make_user("caseworker")
    referral = InboxItem(kind="test.referral", text="依頼", url="/cases/", key="referral:7")
    feature_app.waiting[worker.id] = [referral]
    client = feature_client(worker)
    client.get("/inbox")
    feature_app.waiting[worker.id] = []
    client.get("/inbox")
    with feature_app.app_context():
        assert db.session.scalars(select(InboxSeen.key).where(InboxSeen.user_id == worker.id)).all() == []
    feature_app.waiting[worker.id] = [referral]
    assert [i["new"] for i in _items(client.get("/inbox").get_data(as_text=True))] == [1]


def test_seen_is_per_user_even_for_an_item_of_their_institution(feature_app, feature_client, make_user,
                                                                  make_institution):
    institution = make_institution()
    first, second = make_user("caseworker", institution=institution), make_user("supervisor", institution=institution)
    shared = InboxItem(kind="test.request", text="情報提供依頼", url="/cases/", audience=Audience.INSTITUTION,
                       key="request:3")
    feature_app.waiting.update({first.id: [shared], second.id: [shared]})
    feature_client(first).get("/inbox")
    assert [i["new"] for i in _items(feature_client(second).get("/inbox").get_data(as_text=True))] == [1]


def test_the_home_page_keeps_a_short_list_and_links_to_the_inbox(feature_app, feature_client, make_user):
    worker = make_user("caseworker")
    feature_app.waiting[worker.id] = [InboxItem(kind="test.request", text=f"依頼 {n}", url="/cases/",
                                                key=f"request:{n}") for n in range(7)]
    client = english(feature_client(worker))
    page = client.get("/").get_data(as_text=True)
    assert page.count('data-testid="inbox-item"') == 5
    # No second number beside the header's count (which counts what the items stand for, not lines).
    assert 'href="/inbox" data-testid="inbox-open">See the whole inbox' in page
    # Listing some on the home page does not make them seen: only the inbox page, which lists them all, does.
    items = _items(client.get("/inbox").get_data(as_text=True))
    assert len(items) == 7 and all(item["new"] == 1 for item in items)
