"""The case gate (DESIGN.md §5): every route with a case in it loads the case, authorises the action, records a
refusal and hands the view the case and its Access — in that order, in code, so that no view can forget a step.

    @case_gate(Action.WRITE_RECORD, record=SupportRecord)
    def record_edit(case, access, record): ...

A keyword names a row of the case the route carries (``record`` for ``<record_id>``): it is loaded too, and must
belong to the case and not be removed (``removed=True`` lets a removed row through, e.g. for the history of a
deleted record). Anything that fails — no such case, no reach, a reach whose scope or the user's role does not
allow the action, a row of another case — answers 404, and the refusal is recorded (``record_denial``: who,
which case id, which action; ``target`` names the URL's row the request was for, e.g. ``("meeting", "meeting_id")``,
else the case is the target) in a transaction of its own. A role that never works on cases (an administrator, an
auditor) is refused the same way by the app's permission check, with the action of the route (``refuse_by_role``);
any other page a role may not open is answered 403 and recorded as a refused page.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from flask import current_app, request
from flask_login import current_user
from werkzeug.exceptions import NotFound

from council.access.policy import authorize_case
from council.access.scopes import Action
from council.audit.events import record_denial, record_page_denial
from council.cases.models import Case
from council.database import db

_ACTION = "_case_action"
_TARGET = "_case_refusal_target"


def case_gate(action: Action, *, removed: bool = False, target: tuple[str, str] | None = None,
              **rows: type) -> Callable:
    """Gate a view of a route ``/<case_id>/…``: it is called as ``view(case, access, **rows)``."""
    action = Action(action)

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def gated(case_id: int, **ids: int):
            actor = current_user._get_current_object()
            try:
                case, access = authorize_case(actor, action, case_id)
                loaded = {name: _row_of(case, model, ids[f"{name}_id"], removed=removed)
                          for name, model in rows.items()}
            except NotFound:
                record_denial(actor=actor, case_id=case_id, action=action, **_target_of(target, ids))
                raise
            return view(case, access, **loaded)

        setattr(gated, _ACTION, action)
        setattr(gated, _TARGET, target)
        return gated

    return decorate


def gated_action(view: Callable) -> Action | None:
    """The action the case gate authorises for ``view``, or None for a view it does not guard."""
    return getattr(view, _ACTION, None)


def refuse_by_role(permission: str) -> None:
    """For the app's permission check, when the user's role may not open the current route at all (it needs
    ``permission``): on a case route the refusal is a case refusal like any other (404, recorded with the route's
    action); elsewhere — the auditor's workspace, an administrator's or the coordinator's pages — it is recorded as a
    refused page (its endpoint, never its URL) and the caller answers 403."""
    view = current_app.view_functions[request.endpoint]
    action, args = gated_action(view), request.view_args or {}
    case_id = args.get("case_id")
    actor = current_user._get_current_object()
    if action is not None and case_id is not None:
        record_denial(actor=actor, case_id=case_id, action=action, **_target_of(getattr(view, _TARGET, None), args))
        raise NotFound()
    record_page_denial(actor=actor, endpoint=request.endpoint, permission=permission)


def _target_of(target: tuple[str, str] | None, ids: dict) -> dict:
    """``record_denial``'s target keywords for a gate's ``target`` (table, URL id) and the URL's ids."""
    if target is None:
        return {}
    table, key = target
    return {"target_type": table, "target_id": ids.get(key)}


def _row_of(case: Case, model: type, row_id: int, *, removed: bool):
    """The row of ``case`` with ``row_id``; NotFound for none, another case's, or a removed one (unless allowed)."""
    row = db.session.get(model, row_id)
    if row is None or row.case_id != case.id:
        raise NotFound()
    if not removed and getattr(row, "deleted_at", None) is not None:
        raise NotFound()
    return row
