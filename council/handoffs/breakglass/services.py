"""Breaking the glass, ending it early, and the lead supervisors' acknowledgement. Each service owns its
transaction and records its audit event in it.

The access itself is an ordinary grant (``access.grants.grant``): a user grant of scope ``full`` on basis
``break_glass:<id>`` and legal basis 緊急, expiring after ``BREAK_GLASS_HOURS`` — checked in SQL like every grant,
so it ends on time with nothing to run. Nothing here lets anyone in except through that grant.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from flask import current_app
from sqlalchemy import select
from werkzeug.exceptions import NotFound

from council.access import grants
from council.access.models import LegalBasis
from council.access.permissions import Role
from council.access.policy import Access, Action, authorize
from council.access.scopes import Scope
from council.audit.events import AuditTag, record
from council.auth.models import User
from council.cases.errors import CaseError
from council.cases.models import Case
from council.cases.vault import vault
from council.core.clock import utcnow
from council.core.db import lock_for_update
from council.core.i18n import gettext as _
from council.database import db
from council.handoffs.breakglass.models import BreakGlass, Risk, Via
from council.security.auditchain import Outcome

#: A case number as the council gives them: year, hyphen, four or more digits (2026-0042).
_NUMBER = re.compile(r"^[0-9]{4}-[0-9]{4,}$")

#: The end reason of a grant its user ended early (a code: grants keep no prose).
ENDED_BY_USER = "break_glass_ended_by_user"

REASON_LENGTH = 2000


class BreakGlassRefused(CaseError):
    """Break-glass is refused; the message says why, in the user's language."""


class NoSuchCase(BreakGlassRefused):
    """No case of the user's council answers to what they gave (the same words whatever the cause)."""


def find_case(*, actor: User, number: str = "", case_id: int | None = None) -> Case:
    """The case of ``actor``'s council named by its ``number`` (as typed: full-width digits are fine) or by
    ``case_id`` (from the duplicate check's hit token). Raises NoSuchCase for a case of another council or none —
    the same answer, so that nobody learns another council's numbers — and BreakGlassRefused for a purged case.
    A refusal is recorded (who, and only the code of why)."""
    case = None
    if case_id is not None:
        case = db.session.get(Case, case_id)
    else:
        typed = unicodedata.normalize("NFKC", number or "").strip().replace("−", "-").replace("ー", "-")
        if _NUMBER.match(typed):
            case = db.session.scalar(select(Case).where(Case.council_id == actor.council_id, Case.number == typed))
    if case is None or case.council_id != actor.council_id:
        _refused(actor=actor, code="no_such_case")
        raise NoSuchCase(_("There is no case with this number in your council. Check the number with whoever gave "
                           "it to you."))
    if case.purged_at is not None:
        _refused(actor=actor, code="purged", case=case)
        raise BreakGlassRefused(_("This case was purged: its content no longer exists, and nobody can open it."))
    return case


def existing_access(*, actor: User, case: Case) -> Access | None:
    """How ``actor`` already reaches all of ``case`` (then no break-glass is needed), or None."""
    try:
        return authorize(actor, Action.READ_FULL, case)
    except NotFound:
        return None


def break_glass(*, actor: User, case: Case, risk: Risk | str, reason: str, via: Via | str) -> BreakGlass:
    """Open ``case`` for ``actor`` in an emergency: the break-glass row, its grant (full, 緊急, for
    BREAK_GLASS_HOURS) and the sealed reason, with its audit event, in one transaction. Commits.

    Raises BreakGlassRefused when the user's role may not break glass (only caseworkers and supervisors), the
    reason is empty or too long, the user already reaches the whole case, or the grant is refused (another council,
    a purged case: ``grants.GrantRefused``)."""
    if Role(actor.role) not in (Role.CASEWORKER, Role.SUPERVISOR):
        raise BreakGlassRefused(_("Only caseworkers and supervisors may use emergency access."))
    reason = (reason or "").strip()
    if not reason or len(reason) > REASON_LENGTH:
        raise BreakGlassRefused(_("Say why you must open this case now (at most %(n)d characters).", n=REASON_LENGTH))
    if existing_access(actor=actor, case=case) is not None:
        raise BreakGlassRefused(_("You can already open this case; no emergency access is needed."))
    now, risk = utcnow(), Risk(risk)
    row = BreakGlass(case_id=case.id, council_id=case.council_id, user_id=actor.id,
                     institution_id=actor.institution_id, lead_institution_id=case.lead_institution_id,
                     risk=risk.value, restricted=bool(case.restricted),
                     via=Via(via).value, opened_at=now,
                     expires_at=now + dt.timedelta(hours=current_app.config["BREAK_GLASS_HOURS"]))
    db.session.add(row)
    db.session.flush()
    row.grant = grants.grant(actor=actor, case=case, scope=Scope.FULL, basis=row.basis,
                             legal_basis=LegalBasis.EMERGENCY, user=actor, starts_at=now, expires_at=row.expires_at)
    db.session.flush()
    access = authorize(actor, Action.EDIT_DETAILS, case, now=now)  # the grant just made: basis break_glass:<id>
    vault().seal(row, "reason", reason, access=access)
    record(tag=AuditTag.BREAK_GLASS_OPENED, actor=actor, target=row, case=case, basis=row.basis,
           reason=_describe(row))
    db.session.commit()
    return row


def end_early(*, actor: User, row: BreakGlass) -> None:
    """End ``actor``'s own break-glass now, before it expires: its grant ends, with its event. Commits.
    Raises BreakGlassRefused for someone else's, or one that has already ended."""
    if row.user_id != actor.id:
        raise BreakGlassRefused(_("Only the person who used emergency access can end it."))
    if not row.in_force(utcnow()):
        raise BreakGlassRefused(_("This emergency access has already ended."))
    grants.end(actor=actor, grant=row.grant, reason=ENDED_BY_USER)
    record(tag=AuditTag.BREAK_GLASS_ENDED, actor=actor, target=row, case=db.session.get(Case, row.case_id),
           basis=row.basis, reason="ended early by its user")
    db.session.commit()


def is_lead_supervisor(user: User, case: Case) -> bool:
    """Whether ``user`` supervises the case's lead institution: they see every break-glass into it on the case."""
    return Role(user.role) == Role.SUPERVISOR and user.institution_id == case.lead_institution_id


def is_notified_supervisor(user: User, row: BreakGlass) -> bool:
    """Whether ``user`` supervises the institution that led the case when ``row``'s glass was broken: they are
    told of it, a transfer since then notwithstanding."""
    return Role(user.role) == Role.SUPERVISOR and user.institution_id == row.lead_institution_id


def acknowledge(*, actor: User, case: Case, row: BreakGlass) -> None:
    """A supervisor of the lead institution (then, when the glass was broken, or now) has seen the notice of
    ``row`` (and read its reason on the case): it leaves the inboxes. Commits. Raises BreakGlassRefused for anyone
    else, or when acknowledged."""
    if not (is_lead_supervisor(actor, case) or is_notified_supervisor(actor, row)):
        raise BreakGlassRefused(_("Only a supervisor of the lead institution acknowledges emergency access."))
    lock_for_update(db.session, row)  # two supervisors at once: the second is told, not recorded twice
    if row.acknowledged_at is not None:
        raise BreakGlassRefused(_("This emergency access has already been acknowledged."))
    row.acknowledged_at, row.acknowledged_by = utcnow(), actor.id
    record(tag=AuditTag.BREAK_GLASS_ACKNOWLEDGED, actor=actor, target=row, case=case, basis=None,
           reason=f"break_glass {row.id}")
    db.session.commit()


def _refused(*, actor: User, code: str, case: Case | None = None) -> None:
    """Record a refused break-glass in its own transaction (the form is shown again; nothing else is written).
    Only a case of the actor's own council is named."""
    db.session.rollback()
    record(tag=AuditTag.BREAK_GLASS_REFUSED, actor=actor, case=case, target_type="case_file",
           target_id=case.id if case is not None else None, outcome=Outcome.DENIED, reason=code)
    db.session.commit()


def _describe(row: BreakGlass) -> str:
    """The event's reason: codes and times only (the reason itself is sealed)."""
    restricted = "; restricted case" if row.restricted else ""
    return f"break_glass {row.id}: risk {row.risk}; via {row.via}; grant {row.grant_id}; " \
           f"until {row.expires_at.isoformat(timespec='minutes')}{restricted}"
