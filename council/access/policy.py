"""The one access policy for cases (DESIGN.md §5). Deny by default.

The rule is written once: ``_reach`` is a selectable of (case_id, basis, scope, grant_id, expires_at), every way a
user reaches a case at a moment —

- their own institution's cases, in ``full`` scope: a supervisor all of them, a caseworker those they are assigned
  to (all of them where the institution lets every caseworker see its cases), a coordinator those their institution
  leads;
- grants in force (``starts_at <= now``, not ended, ``expires_at`` NULL or after ``now`` — in SQL, so a grant ends on
  time with no sweeper) to the user, or to their institution for caseworkers, supervisors and coordinators; members
  only hold grants made to them by name (meetings), auditors and administrators none;
- the coordinator's progress ledger: every case of the council in ``ledger`` scope (metadata only), for the
  coordinator of the council's 調整機関.

Always within the user's council, never a purged case. Each of the three ways is written once (``_own``,
``_grants_held``, ``_ledger``); ``_reach`` yields them as rows, ``visible_parts`` as WHERE clauses for lists.
``visible_cases`` and ``newest_visible`` filter lists by it, ``newest_reached`` finds a search's cases with their
reach in one statement, ``authorize`` asks it about one case and returns an ``Access``. A case the user may not
reach, or not for the action asked, does not exist for them: NotFound (404), never 403.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    Integer,
    Select,
    String,
    and_,
    bindparam,
    cast,
    exists,
    false,
    literal,
    null,
    or_,
    select,
    union,
    union_all,
)
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement
from werkzeug.exceptions import NotFound

from council.access.models import CaseGrant, GrantBasis
from council.access.permissions import Role
from council.access.scopes import CONTENT_SCOPES, SCOPE_ORDER, Action, Scope, allows, may_touch_row
from council.cases.models import Case, CaseAssignment
from council.core.clock import utcnow
from council.core.db import UTCDateTime, prepared
from council.core.i18n import lazy_gettext as _l
from council.database import db

_ID = BigInteger().with_variant(Integer, "sqlite")


class Basis(StrEnum):
    """How a user reaches a case without a grant (a grant's basis is its own, e.g. ``referral:17``)."""

    OWN_INSTITUTION = "own_institution"
    ASSIGNED = "assigned"
    COORDINATOR_LEDGER = "coordinator_ledger"


BASIS_LABELS = {
    Basis.OWN_INSTITUTION: _l("a case of your own institution"),
    Basis.ASSIGNED: _l("you are assigned to this case"),
    Basis.COORDINATOR_LEDGER: _l("the coordinator's progress ledger"),
    GrantBasis.REFERRAL: _l("a referral (つなぎ) shared it with you"),
    GrantBasis.TRANSFER: _l("a transfer (移管) shared it with you"),
    GrantBasis.CONSENT: _l("the person's consent (本人同意) shared it with you"),
    GrantBasis.MEETING: _l("a council meeting shared it with you"),
    GrantBasis.REQUEST: _l("an information request (情報提供依頼) shared it with you"),
    GrantBasis.BREAK_GLASS: _l("emergency access (緊急アクセス)"),
}


def basis_label(basis: str):
    """The words for a basis; a grant's basis (``referral:17``) is named by its kind."""
    return BASIS_LABELS.get(basis.split(":", 1)[0], basis)


@dataclass(frozen=True)
class Access:
    """How a user reaches one case: what the audit event records (basis, grant) and what may be read (scope)."""

    basis: str
    scope: Scope
    #: The grant it rests on; None for the lead institution's own staff and the coordinator's ledger.
    grant_id: int | None = None
    #: When that grant expires (None: until it is ended, or no grant).
    expires_at: dt.datetime | None = None
    #: The case it reaches: the vault seals a value only with an access to the row's own case.
    case_id: int | None = None

    @property
    def by_grant(self) -> bool:
        return self.grant_id is not None


# -- the parts of the rule ----------------------------------------------------------------------------------

_STAFF = (Role.CASEWORKER, Role.SUPERVISOR, Role.COORDINATOR)


@dataclass(frozen=True)
class Reader:
    """What the form of the rule depends on for a user — their role and two facts of their institution — never who
    they are. The statements a request runs again and again (``authorize``, ``accesses``, ``newest_reached``) are
    built once per Reader with the user's ids as bind parameters, and run with each user's values: building the
    rule's SQL took longer than running it (docs/performance.md, issue 13)."""

    role: Role
    #: A caseworker whose institution lets every caseworker see its cases.
    sees_all: bool = False
    #: The coordinator of the council's 調整機関, who reads every case of the council in the progress ledger.
    reads_ledger: bool = False

    @classmethod
    def of(cls, user) -> Reader:
        role = Role(user.role)
        return cls(role=role, sees_all=role == Role.CASEWORKER and user.institution.caseworkers_see_all,
                   reads_ledger=role == Role.COORDINATOR and user.institution.is_coordinator)


@dataclass(frozen=True)
class _Values:
    """What the rule compares with: a user's ids and the moment asked about — values, for a clause a caller puts in
    a statement of its own, or bind parameters (``_BOUND``), for a statement built once per Reader."""

    user_id: object
    institution_id: object
    council_id: object
    now: object

    @classmethod
    def of(cls, user, now: dt.datetime | None) -> _Values:
        return cls(user_id=user.id, institution_id=user.institution_id, council_id=user.council_id,
                   now=now or utcnow())


# Required bind parameters (no value): a statement run without a user's values fails, it never reads someone else's.
_BOUND = _Values(user_id=bindparam("reach_user_id", type_=_ID),
                 institution_id=bindparam("reach_institution_id", type_=_ID),
                 council_id=bindparam("reach_council_id", type_=_ID), now=bindparam("reach_now", type_=UTCDateTime()))


def _bound(user, now: dt.datetime | None) -> dict:
    """The values of ``_BOUND``'s parameters for ``user`` at ``now``."""
    values = _Values.of(user, now)
    return {"reach_user_id": values.user_id, "reach_institution_id": values.institution_id,
            "reach_council_id": values.council_id, "reach_now": values.now}


def _assigned(who: _Values) -> ColumnElement[bool]:
    return exists(select(CaseAssignment.id).where(CaseAssignment.case_id == Case.id,
                                                  CaseAssignment.user_id == who.user_id))


def _in_council(who: _Values) -> ColumnElement[bool]:
    return and_(Case.council_id == who.council_id, Case.purged_at.is_(None))


def _own(reader: Reader, who: _Values) -> list[tuple[Basis, ColumnElement[bool]]]:
    """The user's own institution's cases they reach (in full scope), by basis, as WHERE clauses on Case."""
    own = and_(_in_council(who), Case.lead_institution_id == who.institution_id)
    if reader.role in (Role.SUPERVISOR, Role.COORDINATOR):
        return [(Basis.OWN_INSTITUTION, own)]
    if reader.role == Role.CASEWORKER:
        assigned = [(Basis.ASSIGNED, and_(own, _assigned(who)))]
        return assigned + [(Basis.OWN_INSTITUTION, own)] if reader.sees_all else assigned
    return []


def _grants_held(reader: Reader, who: _Values) -> ColumnElement[bool] | None:
    """Grants in force at ``who.now`` that the user holds, as a WHERE clause on CaseGrant; None when they hold none."""
    if reader.role in (Role.AUDITOR, Role.ADMIN):
        return None  # never case content, whatever a grant says (grants.grant refuses to make one)
    principals = [CaseGrant.user_id == who.user_id]
    if reader.role in _STAFF:
        principals.append(CaseGrant.institution_id == who.institution_id)
    return and_(or_(*principals), CaseGrant.starts_at <= who.now, CaseGrant.ended_at.is_(None),
                or_(CaseGrant.expires_at.is_(None), CaseGrant.expires_at > who.now))


def _ledger(reader: Reader, who: _Values) -> ColumnElement[bool] | None:
    """Every case of the council, for the coordinator of its coordinator institution; else None."""
    return _in_council(who) if reader.reads_ledger else None


# -- the rule, as one selectable ----------------------------------------------------------------------------


def _row(case_id, basis, scope, grant_id, expires_at) -> list:
    return [case_id.label("case_id"), basis.label("basis"), scope.label("scope"), grant_id.label("grant_id"),
            expires_at.label("expires_at")]


def _constant(value: str) -> ColumnElement:
    return literal(str(value), String())


def _reach(reader: Reader, who: _Values, narrow: ColumnElement[bool]) -> Select:
    """Every (case_id, basis, scope, grant_id, expires_at) by which a reader with ``who``'s values reaches a case.

    A case may appear several times (assigned and shared, say). ``narrow`` narrows every part to some cases (a
    WHERE clause on Case) so that asking about one case reads one case's rows.
    """
    # Typed NULLs: PostgreSQL takes an untyped NULL in the first part of a UNION for text.
    no_grant, no_expiry = cast(null(), _ID), cast(null(), UTCDateTime())
    parts = [select(*_row(Case.id, _constant(basis), _constant(Scope.FULL), no_grant, no_expiry)).where(where, narrow)
             for basis, where in _own(reader, who)]
    held = _grants_held(reader, who)
    if held is not None:
        parts.append(select(*_row(CaseGrant.case_id, CaseGrant.basis, CaseGrant.scope, CaseGrant.id,
                                  CaseGrant.expires_at))
                     .join(Case, Case.id == CaseGrant.case_id).where(held, _in_council(who), narrow))
    ledger = _ledger(reader, who)
    if ledger is not None:
        parts.append(select(*_row(Case.id, _constant(Basis.COORDINATOR_LEDGER), _constant(Scope.LEDGER), no_grant,
                                  no_expiry)).where(ledger, narrow))
    if not parts:
        return select(*_row(Case.id, _constant(""), _constant(""), no_grant, no_expiry)).where(false())
    return parts[0] if len(parts) == 1 else union_all(*parts)


def visible_parts(user, *, scopes: Collection[Scope] = CONTENT_SCOPES,
                  now: dt.datetime | None = None) -> list[ColumnElement[bool]]:
    """The reach of ``user`` in ``scopes`` as WHERE clauses on Case, one per way (own institution, grants, ledger).

    Each clause alone can be read in an index's order (a list page reads the newest cases of each and merges them);
    ``visible_cases`` is their OR. Same parts as ``reach``: own cases are full scope, the ledger is ledger scope.
    """
    return _visible_parts(Reader.of(user), _Values.of(user, now), scopes)


def _visible_parts(reader: Reader, who: _Values, scopes: Collection[Scope]) -> list[ColumnElement[bool]]:
    # A caseworker who sees all of the institution's cases needs no separate "assigned" part.
    parts = [where for _, where in _own(reader, who)[-1:]] if Scope.FULL in scopes else []
    held = _grants_held(reader, who)
    if held is not None:
        # The council and purge checks sit inside, on the granted case itself: with no condition on case_file's own
        # columns outside, the database starts from the user's few grants instead of reading the council's cases
        # in date order until enough of them turn out to be granted (SQLite: 6.5 ms → 1.5 ms at 100k cases).
        granted_case = aliased(Case)
        granted = (select(CaseGrant.case_id).join(granted_case, granted_case.id == CaseGrant.case_id)
                   .where(held, CaseGrant.scope.in_(sorted(str(s) for s in scopes)),
                          granted_case.council_id == who.council_id, granted_case.purged_at.is_(None)))
        parts.append(Case.id.in_(granted))
    ledger = _ledger(reader, who)
    if ledger is not None and Scope.LEDGER in scopes:
        parts = [ledger]  # every case of the council: the other parts add nothing
    return parts


def visible_cases(user, *, scopes: Collection[Scope] = CONTENT_SCOPES,
                  now: dt.datetime | None = None) -> ColumnElement[bool]:
    """Cases ``user`` reaches in one of ``scopes`` at ``now``, as a WHERE clause on Case.

    Content lists and searches keep the default (every scope but the ledger); the progress ledger passes
    ``ALL_SCOPES``; a search that shows names passes ``{Scope.FULL}``."""
    parts = visible_parts(user, scopes=scopes, now=now)
    return or_(*parts) if parts else false()


def newest_visible(user, *, scopes: Collection[Scope] = CONTENT_SCOPES, conditions: Iterable[ColumnElement[bool]] = (),
                   offset: int = 0, limit: int, now: dt.datetime | None = None) -> Select:
    """The cases ``user`` reaches in ``scopes`` that meet ``conditions``, newest intake first, ``limit`` of them
    from ``offset``: a list page.

    Each part of the reach is read in its own index's order, only as far as the page needs, and the parts' pages
    are merged (UNION, which also drops a case reached twice). An OR of the parts would make the database gather
    every case of the institution and sort them: at 100k cases with 5% shared, 19 ms of SQL instead of 4 ms on
    SQLite (docs/performance.md)."""
    parts, conditions = visible_parts(user, scopes=scopes, now=now), list(conditions)
    if not parts:
        return select(Case).where(false())
    newest = (Case.intake_date.desc(), Case.id.desc())
    if len(parts) == 1:
        return select(Case).where(parts[0], *conditions).order_by(*newest).offset(offset).limit(limit)
    pages = [select(Case.id, Case.intake_date).where(part, *conditions).order_by(*newest).limit(offset + limit)
             .subquery() for part in parts]
    merged = union(*(select(page.c.id, page.c.intake_date) for page in pages)).subquery()
    return select(Case).join(merged, merged.c.id == Case.id).order_by(*newest).offset(offset).limit(limit)


def newest_reached(user, *, among: Select, values: Mapping[str, object], scopes: Collection[Scope], limit: int,
                   load: tuple = (), now: dt.datetime | None = None) -> list[tuple[Case, Access]]:
    """The ``limit`` newest cases (by intake) of ``among`` that ``user`` reaches in ``scopes`` at ``now``, each with
    its widest reach in them: the visibility check and ``accesses`` in one statement (a search).

    ``among`` selects case ids with bind parameters (``values``); ``load`` are loader options for the cases (e.g.
    their people, for the names a search shows). The caller builds both once, so that the whole statement is built
    once per Reader, scopes, ``among`` and ``load``, and only run after that."""
    statement = _newest_reached(Reader.of(user), frozenset(scopes), among, limit, load)
    rows = db.session.execute(statement, {**_bound(user, now), **values}).all()
    found: dict[int, tuple[Case, list]] = {}
    for row in rows:
        found.setdefault(row.case_id, (row.Case, []))[1].append(row)
    return [(case, _access(min(reaches, key=_preference))) for case, reaches in found.values()]


@functools.lru_cache(maxsize=256)  # keyed by ``among`` and ``load`` themselves: built per request, they only miss
def _newest_reached(reader: Reader, scopes: frozenset[Scope], among: Select, limit: int, load: tuple) -> Select:
    parts = _visible_parts(reader, _BOUND, scopes)
    # A CTE, written and run once: each part of the reach narrows to it (inlined, the statement held it once per
    # part — longer than the 4 kB psycopg caches the parsing of — and PostgreSQL would find the newest once per part).
    newest = (select(Case.id).where(or_(*parts) if parts else false(), Case.id.in_(among))
              .order_by(Case.intake_date.desc(), Case.id.desc()).limit(limit).cte("newest"))
    reached = _reach(reader, _BOUND, Case.id.in_(select(newest.c.id))).subquery()
    return (select(Case, reached.c.case_id, reached.c.basis, reached.c.scope, reached.c.grant_id, reached.c.expires_at)
            .join(reached, reached.c.case_id == Case.id).where(reached.c.scope.in_(sorted(str(s) for s in scopes)))
            .order_by(Case.intake_date.desc(), Case.id.desc()).options(*load))


# -- one case ----------------------------------------------------------------------------------------------


def _preference(row) -> tuple:
    """Widest scope first; at equal scope the lead institution's own reach (it allows more), assignment before
    institution, then the grant that lasts longest."""
    scope = Scope(row.scope)
    lasts = row.expires_at.timestamp() if row.expires_at is not None else float("inf")
    return SCOPE_ORDER.index(scope), row.grant_id is not None, row.basis != Basis.ASSIGNED, -lasts


def _access(row) -> Access:
    return Access(basis=row.basis, scope=Scope(row.scope), grant_id=row.grant_id, expires_at=row.expires_at,
                  case_id=row.case_id)


def _rows(user, case_ids: Iterable[int], now: dt.datetime | None) -> list:
    """Every reach of ``user`` to ``case_ids`` at ``now``, widest first (``_preference``)."""
    values = {**_bound(user, now), "reach_case_ids": list(case_ids)}
    return sorted(db.session.execute(_reach_of_cases(Reader.of(user)), values).all(), key=_preference)


@functools.lru_cache(maxsize=64)
def _reach_of_cases(reader: Reader) -> Select:
    """``_reach`` of the cases in the bind parameter ``reach_case_ids``, built once per Reader: every case page and
    case action asks it, and building it cost more than running it."""
    return _reach(reader, _BOUND, Case.id.in_(bindparam("reach_case_ids", expanding=True)))


def authorize(user, action: Action, case: Case | None, *, now: dt.datetime | None = None) -> Access:
    """The best reach by which ``user`` may do ``action`` on ``case`` at ``now``: the widest whose scope allows the
    action (``access.scopes``), for the user's role. Raises NotFound when there is none, for a missing case and for
    a purged one."""
    if case is None or case.purged_at is not None:
        raise NotFound()
    return _best(user, action, _rows(user, [case.id], now))


def authorize_case(user, action: Action, case_id: int, *, now: dt.datetime | None = None) -> tuple[Case, Access]:
    """``authorize`` for a case known by its id (the case gate's): the case and the best reach to it, read in one
    statement — the case's row comes with its reaches, so a case the user does not reach is never loaded. Raises
    NotFound as ``authorize`` does (no such case, a purged one, no reach that allows ``action``)."""
    values = {**_bound(user, now), "reach_case_id": case_id}
    rows = sorted(db.session.execute(_case_with_reach(Reader.of(user)), values).all(), key=_preference)
    if not rows:
        raise NotFound()
    return rows[0].Case, _best(user, action, rows)


@functools.lru_cache(maxsize=64)
def _case_with_reach(reader: Reader) -> Select:
    """The case in the bind parameter ``reach_case_id`` joined to its every ``_reach`` (a row each), built once per
    Reader. One statement instead of loading the case and then asking its reach: a round trip fewer on PostgreSQL on
    every case page and action."""
    case_id = bindparam("reach_case_id", type_=_ID)
    reached = _reach(reader, _BOUND, Case.id == case_id).subquery()
    return prepared(select(Case, reached.c.case_id, reached.c.basis, reached.c.scope, reached.c.grant_id,
                           reached.c.expires_at).join(reached, reached.c.case_id == Case.id).where(Case.id == case_id))


def _best(user, action: Action, rows: Iterable) -> Access:
    """The first of ``rows`` (reaches, widest first) whose scope allows ``action`` for the user's role."""
    role = Role(user.role)
    for row in rows:
        if allows(scope=Scope(row.scope), role=role, action=action, by_grant=row.grant_id is not None):
            return _access(row)
    raise NotFound()


def authorize_row(user, action: Action, case: Case | None, table: str, row_id: int, *,
                  now: dt.datetime | None = None) -> Access:
    """Like ``authorize``, but only by a reach that opens row ``row_id`` of ``table`` (``scopes.may_touch_row``):
    for a user holding several grants of a case, the one resting on that handoff or information request, not
    merely the widest. Raises NotFound when there is none."""
    if case is None or case.purged_at is not None:
        raise NotFound()
    role = Role(user.role)
    for row in _rows(user, [case.id], now):
        scope = Scope(row.scope)
        if allows(scope=scope, role=role, action=action, by_grant=row.grant_id is not None) and \
                may_touch_row(scope, row.basis, table, row_id):
            return _access(row)
    raise NotFound()


def reaches_of(user, case: Case, *, now: dt.datetime | None = None) -> list[Access]:
    """Every reach ``user`` has of ``case`` at ``now``, widest first (a panel looks for the grant resting on its
    own row, e.g. ``request:<id>``, beside the one the page was read by)."""
    return [_access(row) for row in _rows(user, [case.id], now)]


def accesses(user, case_ids: Iterable[int], *, now: dt.datetime | None = None) -> dict[int, Access]:
    """The widest reach of each of ``case_ids`` (those ``user`` reaches at ``now``), for a list page to say on what
    basis each case was shown and how much of it may be read."""
    ids = list(case_ids)
    best: dict[int, Access] = {}
    if ids:
        for row in _rows(user, ids, now):
            best.setdefault(row.case_id, _access(row))
    return best


# -- list wording and imports ---------------------------------------------------------------------------------


class Reach(StrEnum):
    """How far a list of cases reaches for its reader, so that the page says what it shows."""

    COUNCIL = "council"  # every case of the council (the coordinator institution's ledger)
    INSTITUTION = "institution"  # every case of the reader's institution
    ASSIGNED = "assigned"  # the cases the reader is assigned to


def list_reach(user, *, ledger: bool = False) -> Reach:
    """What the own-institution part of ``reach`` covers for ``user`` (the whole council with ``ledger``, for the
    coordinator); kept beside it so that the wording of a list page changes with the rule. Shared cases come on
    top of it, each marked in the list."""
    reader = Reader.of(user)
    if ledger and reader.reads_ledger:
        return Reach.COUNCIL
    if reader.role == Role.CASEWORKER and not reader.sees_all:
        return Reach.ASSIGNED
    return Reach.INSTITUTION


def import_scope(user) -> int | None:
    """The one institution whose cases ``user`` may import from a ledger, or None for every institution of their
    council: the coordinator (of the 調整機関) imports the council's shared ledger, each row at its 担当機関.

    Importing grants nothing: no assignment, no grant. The imported cases are then read under this policy like
    any other, so the coordinator sees them in the ledger (metadata only) and their content only where their
    own institution leads.
    """
    if Reader.of(user).reads_ledger:
        return None
    return user.institution_id
