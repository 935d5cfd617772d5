"""The inbox's providers: each returns what needs one user's attention (DESIGN §3)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Blueprint, current_app

from council.access.permissions import has_permission

_KEY = "inbox.providers"


@dataclass(frozen=True)
class InboxItem:
    """One thing to act on, shown on the home page as a link."""

    #: Which provider made it (``feature.kind``), for tests and the page's data attributes.
    kind: str
    #: What needs attention, in the user's language ("3 cases have an overdue review").
    text: str
    #: Where the user acts on it; never with personal data in it.
    url: str


@dataclass(frozen=True)
class _Provider:
    name: str
    order: int
    permission: str
    provide: Callable[[object], list[InboxItem]]


def inbox_provider(blueprint: Blueprint, *, name: str, order: int, permission: str,
                   provide: Callable[[object], list[InboxItem]]) -> None:
    """Ask ``provide(user)`` for items on the home page of every app that registers ``blueprint``, for users who
    hold ``permission``; items are shown by ``order``, then by name. A second provider of the same name replaces
    the first."""
    provider = _Provider(name, order, str(permission), provide)
    blueprint.record_once(lambda state: _register(state.app.extensions.setdefault(_KEY, {}), provider))


def _register(providers: dict, provider: _Provider) -> None:
    providers[provider.name] = provider


def items_for(user) -> list[InboxItem] | None:
    """The items for ``user`` from every provider that applies to them, in order; None when none applies (the
    home page then has no inbox, rather than an inbox that could never fill)."""
    providers = [p for p in current_app.extensions.get(_KEY, {}).values() if has_permission(user, p.permission)]
    if not providers:
        return None
    return [item for provider in sorted(providers, key=lambda p: (p.order, p.name)) for item in provider.provide(user)]
