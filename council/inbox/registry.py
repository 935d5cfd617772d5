"""The inbox's providers: each returns what needs one user's attention (DESIGN §3)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from flask import Blueprint, current_app

from council.access.permissions import has_permission

_KEY = "inbox.providers"
#: The longest key the inbox can remember (``inbox_seen.key``).
KEY_LENGTH = 200


class Audience(StrEnum):
    """Whom an item is addressed to; the inbox page lists the two apart."""

    #: The user themselves: a referral naming them, a break-glass notice, an approval only they may give.
    USER = "user"
    #: Their institution: any of its staff may act on it (handoffs to decide, requests to answer).
    INSTITUTION = "institution"


@dataclass(frozen=True)
class InboxItem:
    """One thing to act on, shown on the home page and the inbox page as a link."""

    #: Which provider made it (``feature.kind``), for tests and the page's data attributes.
    kind: str
    #: What needs attention, in the user's language ("3 cases have an overdue review").
    text: str
    #: Where the user acts on it; never with personal data in it.
    url: str
    #: Whom it is addressed to: the user, or their institution.
    audience: Audience = Audience.USER
    #: How many things it stands for ("3 cases …" counts 3): what the header's badge adds up.
    count: int = 1
    #: Stable across requests and languages, e.g. ``handoffs.referral:17``; without one, ``kind`` is the key, so a
    #: provider that yields several items of one kind gives each its own. Ids and codes only: it is stored.
    key: str | None = None
    #: The ids of the cases the item names (by number, in its text or link): the inbox page records them as shown,
    #: as every list page does (DESIGN §6). Empty for an item that names no case (a count, "a case held by …").
    case_ids: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        # Caught where the provider is written, not as a database error on one backend only.
        if len(self.stable_key) > KEY_LENGTH or self.count < 0:
            raise ValueError(f"inbox item {self.kind}: key longer than {KEY_LENGTH} or a negative count")

    @property
    def stable_key(self) -> str:
        """What the inbox remembers as seen (``council.inbox.models.InboxSeen``)."""
        return self.key or self.kind


@dataclass(frozen=True)
class _Provider:
    name: str
    order: int
    permission: str
    provide: Callable[[object], list[InboxItem]]
    count: Callable[[object], int] | None

    def total(self, user) -> int:
        """The badge's share of this provider: its cheap ``count`` when it has one, else its items' counts."""
        if self.count is not None:
            return self.count(user)
        return sum(item.count for item in self.provide(user))


def inbox_provider(blueprint: Blueprint, *, name: str, order: int, permission: str,
                   provide: Callable[[object], list[InboxItem]],
                   count: Callable[[object], int] | None = None) -> None:
    """Ask ``provide(user)`` for items on the home page and the inbox page of every app that registers
    ``blueprint``, for users who hold ``permission``; items are shown by ``order``, then by name. A second
    provider of the same name replaces the first.

    ``count(user)``, optional, must equal the sum of the items' ``count``: the header's badge, shown on every
    page, asks it instead of building the items, so a provider whose items are costly to build (a row per
    handoff, texts, links) gives one COUNT query here.
    """
    provider = _Provider(name, order, str(permission), provide, count)
    blueprint.record_once(lambda state: _register(state.app.extensions.setdefault(_KEY, {}), provider))


def _register(providers: dict, provider: _Provider) -> None:
    providers[provider.name] = provider


def _providers_for(user) -> list[_Provider]:
    providers = [p for p in current_app.extensions.get(_KEY, {}).values() if has_permission(user, p.permission)]
    return sorted(providers, key=lambda p: (p.order, p.name))


def items_for(user) -> list[InboxItem] | None:
    """The items for ``user`` from every provider that applies to them, in order; None when none applies (the
    home page then has no inbox, rather than an inbox that could never fill)."""
    providers = _providers_for(user)
    if not providers:
        return None
    return [item for provider in providers for item in provider.provide(user)]


def count_for(user) -> int | None:
    """How many things wait for ``user`` (the header's badge); None when no provider applies to them."""
    providers = _providers_for(user)
    if not providers:
        return None
    return sum(provider.total(user) for provider in providers)
