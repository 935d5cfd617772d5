"""要配慮 (restricted): a case whose people must not be found by anyone it was not shared with — DV, abuse, stalking.

Its lead institution marks it. From then on neither its subject nor its household members are matched by the
duplicate check at intake, the ledger import or the search for anyone without a reach to it (own institution or a
grant: ``cases.search.disclosable``), and a linked case's readers without a reach do not learn it exists
(``cases.links``). The rule covers the subject too, not only the household: the person typing a name may be the
one the case's people hide from, and "appears in a case held by …" alone would tell where they are supported.

Marking needs any worker of the lead institution who may edit the case, at once, because protection must not wait.
Lifting makes the case findable again, so only a supervisor of the lead institution lifts it.
"""

from __future__ import annotations

from werkzeug.exceptions import NotFound

from council.access.permissions import Role
from council.access.policy import Access, Action, authorize
from council.audit.events import AuditTag, record
from council.auth.models import User
from council.cases.errors import CaseError, StaleCase
from council.cases.models import Case, RestrictionReason
from council.core.db import utcnow
from council.core.editing import lock_for_edit
from council.core.i18n import gettext as _
from council.database import db

_STALE = "Someone else changed this case while you were looking at it. Reload and try again."


def _require_lead(actor: User, case: Case) -> None:
    """Only the lead institution's own staff decide how findable its case is (a share, even a full one, does not):
    the same reach that shares a case (access.scopes.LEAD_ONLY_ACTIONS)."""
    try:
        authorize(actor, Action.MANAGE_SHARES, case)
    except NotFound:
        raise CaseError(_("Only the lead institution marks this case 要配慮 or lifts it.")) from None


def may_lift(actor: User) -> bool:
    """Whether ``actor``'s role lifts 要配慮 (a supervisor; the page offers the button only to them)."""
    return Role(actor.role) == Role.SUPERVISOR


def mark_restricted(*, actor: User, case: Case, access: Access, reason: str, version) -> None:
    """Mark ``case`` 要配慮 for ``reason`` (a RestrictionReason code), or change the reason of a marked case. Works on
    a closed case too: it is still matched until purged. Commits with the audit event (the code only).

    Raises CaseError for a user outside the lead institution or an unknown reason, StaleCase when the case changed
    since the form was opened."""
    _require_lead(actor, case)
    try:
        code = RestrictionReason(reason)
    except ValueError:
        raise CaseError(_("Choose why the case is 要配慮.")) from None
    lock_for_edit(case, version, stale=StaleCase, message=_(_STALE))
    case.restricted, case.restricted_reason = True, code.value
    case.restricted_at, case.restricted_by = utcnow(), actor.id
    record(tag=AuditTag.CASE_RESTRICTED, actor=actor, target=case, basis=access.basis, reason=code.value)
    db.session.commit()


def lift_restriction(*, actor: User, case: Case, access: Access, version) -> None:
    """Lift 要配慮 from ``case``: its people are matched again by the duplicate check and the search. Commits with
    the audit event.

    Raises CaseError for a user outside the lead institution, one who is not a supervisor, or a case that is not
    marked; StaleCase when the case changed since the page was opened."""
    _require_lead(actor, case)
    if not may_lift(actor):
        raise CaseError(_("Only a supervisor of the lead institution lifts 要配慮."))
    if not case.restricted:
        raise CaseError(_("This case is not marked 要配慮."))
    lock_for_edit(case, version, stale=StaleCase, message=_(_STALE))
    previous = case.restricted_reason
    case.restricted, case.restricted_reason, case.restricted_at, case.restricted_by = False, None, None, None
    record(tag=AuditTag.CASE_UNRESTRICTED, actor=actor, target=case, basis=access.basis, reason=previous)
    db.session.commit()
