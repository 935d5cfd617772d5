"""Sections of the case page that features contribute (DESIGN §3).

``cases`` never imports the features built on it (handoffs, meetings): each registers a builder with
``case_panel`` on its own blueprint, and the case page renders what the builders return, in order, after the
case's own sections. A builder is called after the page has recorded its read of the case, with the case and
the access the case gate handed the view; it returns None to show nothing (for an access that does not
cover it, or nothing to show).

Most panels are built from their feature's own tables (break-glass, requests, handoffs and shares, meetings, tasks,
files, links: nine queries), and most cases have nothing in most of them: a query each would be a round trip each
for nothing. So a feature may also register ``any_rows``, a SQL condition that the case has a row of what its panel
is built from; the page asks every panel's condition in one statement, and calls each such builder with
``has_rows``: False means the feature's queries would find nothing, and the builder shows its panel (or None)
without running them. The feature keeps its logic; only the question "is there anything?" is asked once for all
(issue 13). That statement is built once per app, with the case's id as a bind parameter: building it (nine
EXISTS clauses) on every page cost more than running it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from flask import Blueprint, current_app
from sqlalchemy import ColumnElement, Integer, Select, bindparam, select

from council.core.db import prepared
from council.database import db

_KEY = "cases.panels"
#: The app's ``SELECT EXISTS (…), …`` of every ``any_rows`` (built at its first case page, dropped when a panel is
#: registered): SQL text with a bind parameter, nothing of any case or user.
_ROWS_STATEMENT = "cases.panels.rows_found"


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


#: ``build(case, access, form=None) -> Panel | None``; ``form`` is the panel's own form when it was refused. A
#: builder registered with ``any_rows`` is also given ``has_rows``.
PanelBuilder = Callable[..., "Panel | None"]
#: ``any_rows(case_id)``: a SQL condition (an EXISTS over the feature's tables) true when the case has any row the
#: panel is built from. It may say True for rows the panel then leaves out; it must never say False when there is one.
#: ``case_id`` is a bind parameter (the statement is built once for every case): compare columns with it, nothing
#: else.
RowsCondition = Callable[[int], ColumnElement[bool]]


@dataclass(frozen=True)
class _Registration:
    name: str
    order: int
    build: PanelBuilder
    any_rows: RowsCondition | None = None


def case_panel(blueprint: Blueprint, *, name: str, order: int, build: PanelBuilder,
               any_rows: RowsCondition | None = None) -> None:
    """Show ``build``'s panel on the case page of every app that registers ``blueprint``, by ``order`` (then
    name). A second panel of the same name replaces the first. With ``any_rows``, ``build`` is called with
    ``has_rows`` too: whether that condition held for the case (asked with every other panel's in one query)."""
    registration = _Registration(name, order, build, any_rows)

    def register(state) -> None:
        state.app.extensions.setdefault(_KEY, {})[name] = registration
        state.app.extensions.pop(_ROWS_STATEMENT, None)

    blueprint.record_once(register)


def panels_for(case, access, *, forms: Mapping[str, object] | None = None) -> list[Panel]:
    """The panels of ``case`` for a reader with ``access``, in order; ``forms`` maps a panel's name to its form
    after a refused submission (shown again with what was typed and its error summary)."""
    forms = forms or {}
    registered = sorted(current_app.extensions.get(_KEY, {}).values(), key=lambda r: (r.order, r.name))
    found = _rows_found(case.id, [r for r in registered if r.any_rows is not None])
    built = (r.build(case, access, form=forms.get(r.name)) if r.any_rows is None
             else r.build(case, access, form=forms.get(r.name), has_rows=found[r.name]) for r in registered)
    return [panel for panel in built if panel is not None]


def _rows_found(case_id: int, registered: list[_Registration]) -> dict[str, bool]:
    """Each panel's ``any_rows`` for the case, in one statement: ``SELECT EXISTS (…), EXISTS (…), …``."""
    if not registered:
        return {}
    statement = current_app.extensions.get(_ROWS_STATEMENT)
    if statement is None:
        statement = current_app.extensions[_ROWS_STATEMENT] = _rows_statement(registered)
    # On the session's connection, not the session: booleans, no object to load, and the ORM's execution of a
    # statement over mapped attributes took longer than the statement. The connection does not autoflush: flush
    # first, so that rows added in this request (none on the case page, which committed its read) are counted.
    db.session.flush()
    answers = db.session.connection().execute(statement, {"case_id": case_id}).one()
    return {r.name: bool(answer) for r, answer in zip(registered, answers, strict=True)}


def _rows_statement(registered: list[_Registration]) -> Select:
    case_id = bindparam("case_id", type_=Integer)
    return prepared(select(*(r.any_rows(case_id) for r in registered)))
