"""Sections of the case page that features contribute (DESIGN §3).

``cases`` never imports the features built on it (handoffs, meetings): each registers a builder with
``case_panel`` on its own blueprint, and the case page renders what the builders return, in order, after the
case's own sections. A builder is called after the page has recorded its read of the case, with the case and
the access the case gate handed the view; it returns None to show nothing (for an access that does not
cover it, or nothing to show).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from flask import Blueprint, current_app

_KEY = "cases.panels"


@dataclass(frozen=True)
class Panel:
    """One section of the case page."""

    #: The section's id on the page (``#attachments``) and the key of a refused form meant for it.
    name: str
    #: Its heading, in the user's language.
    title: str
    #: The template of its body, included in the case page: it reads ``case`` and ``panel.context``.
    template: str
    #: What the template shows, computed by the builder.
    context: dict = field(default_factory=dict)
    #: Shown at the top of the page, under the case's heading, instead of after its sections: for what the reader
    #: must not miss while working on the case (e.g. that they are in it under emergency access, until when).
    top: bool = False


#: ``build(case, access, form=None) -> Panel | None``; ``form`` is the panel's own form when it was refused.
PanelBuilder = Callable[..., "Panel | None"]


@dataclass(frozen=True)
class _Registration:
    name: str
    order: int
    build: PanelBuilder


def case_panel(blueprint: Blueprint, *, name: str, order: int, build: PanelBuilder) -> None:
    """Show ``build``'s panel on the case page of every app that registers ``blueprint``, by ``order`` (then
    name). A second panel of the same name replaces the first."""
    registration = _Registration(name, order, build)
    blueprint.record_once(lambda state: state.app.extensions.setdefault(_KEY, {}).__setitem__(name, registration))


def panels_for(case, access, *, forms: Mapping[str, object] | None = None) -> list[Panel]:
    """The panels of ``case`` for a reader with ``access``, in order; ``forms`` maps a panel's name to its form
    after a refused submission (shown again with what was typed and its error summary)."""
    forms = forms or {}
    registered = sorted(current_app.extensions.get(_KEY, {}).values(), key=lambda r: (r.order, r.name))
    built = (r.build(case, access, form=forms.get(r.name)) for r in registered)
    return [panel for panel in built if panel is not None]
