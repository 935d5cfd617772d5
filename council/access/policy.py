"""The one access policy for case content (DESIGN.md §5). Deny by default.

``visible_cases(user)`` is the SQL filter every list and search uses; ``authorize(user, action, case)``
is called by every object route and returns the basis that the audit event records. A case the user may
not see does not exist for them: NotFound (404), never 403.
"""

from __future__ import annotations

from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, exists, false, or_, select, true
from sqlalchemy.sql.elements import ColumnElement
from werkzeug.exceptions import NotFound

from council.access.permissions import Role
from council.cases.models import Case, CaseAssignment


class Action(StrEnum):
    VIEW = "case:view"  # read content: persons, records
    EDIT = "case:edit"  # change persons, metadata, status; add and edit records
    LEDGER = "case:ledger"  # read metadata only (the coordinator's 進行管理台帳)


class Basis(StrEnum):
    OWN_INSTITUTION = "own_institution"
    ASSIGNED = "assigned"
    COORDINATOR_LEDGER = "coordinator_ledger"


BASIS_LABELS = {
    Basis.OWN_INSTITUTION: _l("a case of your own institution"),
    Basis.ASSIGNED: _l("you are assigned to this case"),
    Basis.COORDINATOR_LEDGER: _l("the coordinator's progress ledger"),
}


def _assigned(user) -> ColumnElement:
    return exists(select(CaseAssignment.id).where(CaseAssignment.case_id == Case.id,
                                                  CaseAssignment.user_id == user.id))


def visible_cases(user) -> ColumnElement[bool]:
    """Cases whose content ``user`` may read, as a WHERE clause (always within the user's council)."""
    same_council = Case.council_id == user.council_id
    own = Case.lead_institution_id == user.institution_id
    role = Role(user.role)
    if role == Role.SUPERVISOR:
        return and_(same_council, own)
    if role == Role.CASEWORKER:
        everyone_sees = true() if user.institution.caseworkers_see_all else false()
        return and_(same_council, own, or_(everyone_sees, _assigned(user)))
    if role == Role.COORDINATOR:
        return and_(same_council, own)
    return false()  # members (until meetings), auditors and administrators never read case content


def ledger_cases(user) -> ColumnElement[bool]:
    """Cases whose metadata ``user`` may list: the coordinator sees every case of the council."""
    if Role(user.role) == Role.COORDINATOR and user.institution.is_coordinator:
        return Case.council_id == user.council_id
    return visible_cases(user)


class Reach(StrEnum):
    """How far a list of cases reaches for its reader, so that the page says what it shows."""

    COUNCIL = "council"  # every case of the council (the coordinator institution's ledger)
    INSTITUTION = "institution"  # every case of the reader's institution
    ASSIGNED = "assigned"  # the cases the reader is assigned to


def list_reach(user, *, ledger: bool = False) -> Reach:
    """What ``ledger_cases`` (with ``ledger``) or ``visible_cases`` covers for ``user``; kept beside them so
    that the wording of a list page changes with the rule."""
    role = Role(user.role)
    if ledger and role == Role.COORDINATOR and user.institution.is_coordinator:
        return Reach.COUNCIL
    if role == Role.CASEWORKER and not user.institution.caseworkers_see_all:
        return Reach.ASSIGNED
    return Reach.INSTITUTION


def import_scope(user) -> int | None:
    """The one institution whose cases ``user`` may import from a ledger, or None for every institution of their
    council: the coordinator (of the 調整機関) imports the council's shared ledger, each row at its 担当機関.

    Importing grants nothing: no assignment, no grant. The imported cases are then read under this policy like
    any other, so the coordinator sees them in the ledger (metadata only) and their content only where their
    own institution leads.
    """
    if Role(user.role) == Role.COORDINATOR and user.institution.is_coordinator:
        return None
    return user.institution_id


def content_basis(user, case: Case) -> Basis | None:
    """Why ``user`` may read ``case``'s content, or None."""
    if case.council_id != user.council_id or case.lead_institution_id != user.institution_id:
        return None
    role = Role(user.role)
    if role in (Role.SUPERVISOR, Role.COORDINATOR):
        return Basis.OWN_INSTITUTION
    if role == Role.CASEWORKER:
        if any(a.user_id == user.id for a in case.assignments):
            return Basis.ASSIGNED
        if user.institution.caseworkers_see_all:
            return Basis.OWN_INSTITUTION
    return None


def authorize(user, action: Action, case: Case | None) -> Basis:
    """The basis on which ``user`` may do ``action`` on ``case``; NotFound when they may not."""
    if case is None:
        raise NotFound()
    basis = content_basis(user, case)
    if action == Action.LEDGER and basis is None and Role(user.role) == Role.COORDINATOR \
            and user.institution.is_coordinator and case.council_id == user.council_id:
        return Basis.COORDINATOR_LEDGER
    if basis is None:
        raise NotFound()
    if case.purged_at is not None:
        raise NotFound()  # crypto-shredded: nothing left to read or change
    return basis
