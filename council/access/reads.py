"""Scoped reads (DESIGN.md §6): a field of a case opens only after this request recorded reading that case, and
only where the reach it read it by allows; a field is sealed only with an access that allows writing it.

``record_read`` is the one way to record a read of case content — a case page, a print, a record's history, a
list, a search's names, the statistics export. It appends the audit event (one case: the event's case columns
and the access's basis; several: the side table, one row per case), commits it, and only then gives the request
a **read receipt** for each case: the case, the scope of the reach it was read by and the columns the reader
asked for (``only``; a list shows names, nothing else). If the event cannot be written, no receipt exists and
nothing opens (fail closed).

The vault (``cases.vault``) asks ``check_open`` before it decrypts a value and ``check_seal`` before it encrypts
one. A service that forgot to record its read gets ReadNotRecorded; a column the receipt's scope does not cover
(a summary share's reader asking for an address, whatever a template does) gets OutsideScope. Receipts live on
``flask.g``: they end with the request, or with the command that recorded them.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from enum import StrEnum

from flask import g, has_request_context, request

from council.access.policy import Access
from council.access.scopes import SCOPE_COLUMNS, Scope, may_seal, may_touch_row
from council.audit.events import record
from council.core.db import reads_only, writing
from council.database import db

#: The basis of the operator's commands on the server (the statistics export): no user, no grant.
OPERATOR = "operator"
#: The basis of whoever is creating a case (intake, ledger import, the demo) for the values they seal into it.
CREATING = "creating"


class ReadNotRecorded(Exception):
    """A field of a case was to be opened, but this request has not recorded reading that case."""


class OutsideScope(ReadNotRecorded):
    """A field was to be opened that the scope its case was read in does not cover."""


class WriteRefused(Exception):
    """A field was to be sealed with an access that does not allow writing it (another case's, or too narrow)."""


@dataclass(frozen=True)
class Receipt:
    """This request recorded reading one case: in which scope, and which encrypted columns it may open."""

    case_id: int
    scope: Scope
    #: (table, column) pairs the vault may open for this case: the scope's columns, narrowed by ``only``.
    columns: frozenset[tuple[str, str]]
    #: The bases of the reaches it was read by (in that scope): a grant's reach opens only the handoff or request
    #: its basis names (scopes.ROW_BOUND); a page that also read the case by a second grant of the same scope
    #: (a pending referral and an information request to one institution) opens the rows of both.
    bases: frozenset[str] = frozenset()

    def touches(self, table: str, row_id: int | None) -> bool:
        """Whether one of the reaches it was read by may open row ``row_id`` of ``table``."""
        return any(may_touch_row(self.scope, basis, table, row_id) for basis in self.bases or {""})


def record_read(*, tag: StrEnum, actor, case=None, access: Access | None = None, reached: Iterable[Access] = (),
                listed: Iterable[int] = (), only: Collection[tuple[str, str]] | None = None, target=None,
                reason: str | None = None, council_id: int | None = None) -> None:
    """Record that ``actor`` reads one ``case`` by ``access`` (``target``: the row read, e.g. a record, else the
    case), or the cases of ``reached`` (a list, a search, a batch: one event naming each in the side table); commit
    the event, then give the request a receipt per case, for the columns of its access's scope (and of ``only``,
    when given). ``listed`` are ids of cases a list names (their number) without a reach to open anything of
    them: in the side table too, with no receipt. A case reached several ways is named once.

    The event's basis is the access's (one case) or the kinds of basis of the list (``own_institution,referral``:
    a page of fifty shares would not fit every grant's). Raises ValueError for an access to another case than
    ``case``; whatever the audit trail raises (nothing is then opened).
    """
    if case is not None and (access is None or access.case_id != case.id):
        raise ValueError("a read of one case is recorded with the access to that case")
    with writing() as was_reading:
        if was_reading:
            db.session.commit()  # a second read of the page: its reads so far end, the append takes the write lock
        if case is not None:
            accesses = [access]
            record(tag=tag, actor=actor, target=target if target is not None else case, case=case,
                   basis=access.basis, reason=reason, council_id=council_id)
        else:
            accesses = list(reached)
            kinds = sorted({a.basis.split(":", 1)[0] for a in accesses})
            named = list(dict.fromkeys([*(a.case_id for a in accesses), *listed]))
            record(tag=tag, actor=actor, target_type="case_file", cases=named, basis=",".join(kinds) or None,
                   reason=reason, council_id=council_id)
        db.session.commit()
    if has_request_context() and request.method in ("GET", "HEAD"):
        reads_only()  # a page's read is committed: rendering it need not hold SQLite's write lock
    receipts = _receipts()
    for each in accesses:
        columns = SCOPE_COLUMNS[each.scope] if only is None else SCOPE_COLUMNS[each.scope] & frozenset(only)
        bases = frozenset({each.basis})
        before = receipts.get(each.case_id)
        if before is not None and (before.scope, before.columns) == (each.scope, columns):
            bases |= before.bases  # read again by another reach of the same scope: the rows of both open
        receipts[each.case_id] = Receipt(case_id=each.case_id, scope=each.scope, columns=columns, bases=bases)


def receipt_for(case_id: int) -> Receipt | None:
    """The receipt of this request's read of the case, if it recorded one."""
    return _receipts().get(case_id)


def check_open(*, case_id: int, table: str, columns: Iterable[str], row_id: int | None = None) -> None:
    """Raise ReadNotRecorded unless this request recorded reading the case, OutsideScope unless the receipt covers
    ``table.column`` for each of ``columns`` (of row ``row_id``, for a scope that reaches some rows only)."""
    receipt = receipt_for(case_id)
    # Before the columns: asking for none is no way around the receipt.
    if receipt is None:
        raise ReadNotRecorded(f"{table} of case {case_id}: its read was not recorded in this request")
    for column in columns:
        if (table, column) not in receipt.columns:
            raise OutsideScope(f"{table}.{column} of case {case_id}: not in what was read ({receipt.scope})")
    if not receipt.touches(table, row_id):
        raise OutsideScope(f"{table} row {row_id} of case {case_id}: not in what was read ({receipt.scope})")


def check_seal(access: Access, *, case_id: int, table: str, column: str, row_id: int | None = None) -> None:
    """Raise WriteRefused unless ``access`` reaches the case and its scope allows writing ``table.column`` (of row
    ``row_id``, for a scope that reaches some rows only)."""
    if (access.case_id != case_id or not may_seal(access.scope, table, column)
            or not may_touch_row(access.scope, access.basis, table, row_id)):
        raise WriteRefused(f"{table}.{column} of case {case_id}: not writable with this access ({access.scope})")


def forget(case_id: int) -> None:
    """Drop the receipt of a case (a command reading many cases in batches keeps only the current batch's)."""
    _receipts().pop(case_id, None)
    _created().discard(case_id)


def note_created(case_id: int) -> None:
    """The case's data key was made just now, in this request or command: its creator may seal its first values."""
    _created().add(case_id)


def creating(case) -> Access:
    """The access of whoever creates ``case`` (intake, ledger import) to seal its first values: full, basis
    ``creating``. Raises WriteRefused unless the case's data key was made in this request or command."""
    if case.id not in _created():
        raise WriteRefused(f"case {case.id} was not created here")
    return Access(basis=CREATING, scope=Scope.FULL, case_id=case.id)


def asking(case, request_id: int) -> Access:
    """The access of a worker who asks a case's holder about it from a duplicate-check hit (``handoffs.requests``):
    they may seal the question they typed under the case's key, into their own request only (scope ``request``,
    basis ``request:<id>``), and nothing else. It is no reach: no grant rests on it and no read is recorded with
    it, so it opens nothing — whatever the holder answers reaches the asker only through a grant."""
    return Access(basis=f"request:{request_id}", scope=Scope.REQUEST, case_id=case.id)


def operator_access(case_id: int) -> Access:
    """How the operator's commands on the server reach a case (the statistics export): full, basis ``operator``.
    What they may open is narrowed by the ``only`` of their recorded read."""
    return Access(basis=OPERATOR, scope=Scope.FULL, case_id=case_id)


def _receipts() -> dict[int, Receipt]:
    # One look-up of ``g`` (a proxy): the vault asks for every field it opens, about a hundred on a case page.
    return g.setdefault("read_receipts", {})


def _created() -> set[int]:
    return g.setdefault("created_cases", set())
