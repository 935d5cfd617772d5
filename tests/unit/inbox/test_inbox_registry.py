"""The inbox registry: what the badge adds up and which providers apply, without a database."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from flask import Blueprint, Flask

from council.access.permissions import Permission
from council.inbox.registry import Audience, InboxItem, count_for, inbox_provider, items_for

WORKER = SimpleNamespace(role="caseworker")
ADMIN = SimpleNamespace(role="admin")


def _app(**providers) -> Flask:
    app = Flask(__name__)
    feature = Blueprint("feature", __name__)
    for name, (provide, count) in providers.items():
        inbox_provider(feature, name=name, order=len(name), permission=Permission.CASES_WORK, provide=provide,
                       count=count)
    app.register_blueprint(feature)
    return app


def test_an_item_is_for_the_user_counts_one_and_is_known_by_its_kind_unless_told_otherwise():
    item = InboxItem(kind="cases.overdue_review", text="3 cases", url="/cases/")
    assert (item.audience, item.count, item.stable_key) == (Audience.USER, 1, "cases.overdue_review")
    named = InboxItem(kind="handoffs.referral", text="…", url="/", key="handoffs.referral:17")
    assert named.stable_key == "handoffs.referral:17"


def test_the_badge_asks_a_providers_count_and_adds_up_the_items_of_one_without():
    built = []

    def costly(user):
        built.append(user)
        return [InboxItem(kind="a", text="a", url="/", count=4)]

    app = _app(cheap=(costly, lambda user: 4), plain=(lambda user: [InboxItem(kind="b", text="b", url="/", count=2),
                                                                     InboxItem(kind="c", text="c", url="/")], None))
    with app.app_context():
        assert count_for(WORKER) == 7 and built == []
        assert [item.kind for item in items_for(WORKER)] == ["a", "b", "c"]  # by order (here: name length)


def test_a_role_no_provider_applies_to_has_no_inbox_and_no_count():
    app = _app(cheap=(lambda user: [], lambda user: 0))
    with app.app_context():
        assert count_for(ADMIN) is None and items_for(ADMIN) is None
        assert count_for(WORKER) == 0 and items_for(WORKER) == []


def test_a_key_the_inbox_could_not_remember_is_refused_where_the_item_is_made():
    with pytest.raises(ValueError, match="key longer than 200"):
        InboxItem(kind="a", text="a", url="/", key="k" * 201)
    with pytest.raises(ValueError):
        InboxItem(kind="a", text="a", url="/", count=-1)
