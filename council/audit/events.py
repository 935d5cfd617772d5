"""The council's entry points to its audit chain: ``record`` for every event, ``record_denial`` for refusals.

Tags are in ``council.audit.tags`` (re-exported here, so ``from council.audit.events import AuditTag, record``
keeps working).
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from flask import current_app, g, has_request_context

from council.audit.marks import marks
from council.audit.models import AuditEvent
from council.audit.tags import AuditTag
from council.database import db
from council.security.auditchain import AuditRecorder, Outcome

__all__ = ["AuditTag", "record", "record_denial", "record_page_denial"]

#: The one recorder (council.security.auditchain), on the council's table and session.
recorder = AuditRecorder(AuditEvent, session=lambda: db.session)

#: Ids beyond this do not fit the case_id column (a URL may hold any number of digits).
_LARGEST_ID = 2**63 - 1


def record(*, tag: StrEnum, actor=None, target=None, case=None, cases: Iterable = (),
           target_type: str | None = None, target_id: str | int | None = None, outcome: Outcome = Outcome.ALLOWED,
           basis: str | None = None, reason: str | None = None, council_id: int | None = None) -> AuditEvent:
    """Append an event inside the current transaction; the caller commits (fail closed).

    ``target`` may be a model instance (its table name and id are recorded) instead of
    ``target_type``/``target_id``. The event's case columns (id and number) are filled from ``case``, or from
    ``target`` when it is a case or a row that belongs to one (its ``case_id``: a record, person, consent …).
    ``cases`` (cases or case ids) are the cases a list, search or batch showed or touched: one side-table row
    each, found by the same per-case lookup. The council is taken from the actor, the target, the case or
    ``council_id``.
    """
    case = case if case is not None else _case_of(target)
    if council_id is None:
        council_id = _council_of(actor) or _council_of(target) or (case.council_id if case is not None else None)
    return recorder.record(
        tag=tag, actor=actor, target=target, target_type=target_type, target_id=target_id, outcome=outcome,
        basis=basis, reason=reason, linked_ids=[getattr(c, "id", c) for c in cases], council_id=council_id,
        actor_institution_id=getattr(actor, "institution_id", None),
        case_id=case.id if case is not None else None, case_number=case.number if case is not None else None,
        **marks(tag=tag, outcome=outcome, reason=reason, basis=basis))


def record_denial(*, actor, case_id: int | None, action: str, tag: StrEnum = AuditTag.CASE_ACCESS_DENIED,
                  target_type: str | None = None, target_id: int | None = None) -> None:
    """Record that ``actor`` was refused ``action`` on the case with id ``case_id`` (the user is answered 404).

    Runs in its own transaction (``_alone``). The case's number is recorded only when the case is
    of the actor's council; a case of another council (or no case at all) is recorded by the requested id
    alone, in the actor's council, so this council's log never learns anything about another council's case.
    The target is the case unless ``target_type``/``target_id`` name the row the request was for (a meeting, a
    task); ``case_id`` None is a refusal that involves no case (a meeting page), recorded under ``tag``.
    """
    from council.cases.models import Case  # the audit package sits below cases

    def write() -> None:
        nonlocal case_id, target_type, target_id
        council_id, case_id = actor.council_id, _fitting(case_id)
        case = db.session.get(Case, case_id) if case_id is not None else None
        number = case.number if case is not None and case.council_id == council_id else None
        if target_type is None:
            target_type, target_id = "case_file", case_id
        recorder.record(tag=tag, actor=actor, outcome=Outcome.DENIED, target_type=target_type,
                        target_id=_fitting(target_id), reason=str(action), council_id=council_id,
                        actor_institution_id=actor.institution_id, case_id=case_id, case_number=number,
                        **marks(tag=tag, outcome=Outcome.DENIED, reason=str(action), basis=None))

    _alone(write, "a refused case request")


def record_page_denial(*, actor, endpoint: str, permission: str) -> None:
    """Record that ``actor``'s role may not open the page of ``endpoint`` (the Flask endpoint, e.g. ``audit.log``:
    never the URL, whose query string may hold anything), which needs ``permission``; the user is answered 403.
    One event per refused request, in its own transaction (``_alone``). The reason reads
    ``<permission> <endpoint>`` (``audit.reasons.reason_words`` puts it in words); the target is the page."""

    def write() -> None:
        recorder.record(tag=AuditTag.PAGE_ACCESS_DENIED, actor=actor, outcome=Outcome.DENIED, target_type="page",
                        target_id=endpoint[:64], reason=f"{permission} {endpoint}", council_id=actor.council_id,
                        actor_institution_id=actor.institution_id,
                        **marks(tag=AuditTag.PAGE_ACCESS_DENIED, outcome=Outcome.DENIED,
                                reason=f"{permission} {endpoint}", basis=None))

    _alone(write, "a refused page")


def _alone(write, what: str) -> None:
    """Write a refusal's event in a transaction of its own: whatever the request did so far is rolled back first
    (it is answering 404 or 403 and would not commit), then the event is committed. Fails closed the other way
    round: if the event cannot be written, the error is logged (type and request id only) and the refusal stands."""
    db.session.rollback()
    try:
        write()
        db.session.commit()
    except Exception as error:  # noqa: BLE001  (the refusal must stand whatever went wrong here)
        db.session.rollback()
        request_id = g.get("request_id") if has_request_context() else "cli"
        current_app.logger.error("%s could not be audited: %s (request %s)", what, type(error).__name__,
                                 request_id)


def _fitting(row_id: int | None) -> int | None:
    """``row_id`` when it fits an id column (a URL may hold any number of digits), else None."""
    return row_id if row_id is not None and 0 < row_id <= _LARGEST_ID else None


def _case_of(target):
    """The case ``target`` is, or the case a row of a case's table belongs to (its ``case_id``), if any."""
    if target is None:
        return None
    if target.__tablename__ == "case_file":
        return target
    case_id = getattr(target, "case_id", None)
    if not isinstance(case_id, int):
        return None
    from council.cases.models import Case  # the audit package sits below cases

    db.session.flush()
    return db.session.get(Case, case_id)


def _council_of(thing) -> int | None:
    if thing is None:
        return None
    if thing.__tablename__ == "council":
        return thing.id
    if thing.__tablename__ == "institution":
        return thing.council_id
    institution = getattr(thing, "institution", None)
    return institution.council_id if institution is not None else None
