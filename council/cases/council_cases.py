"""協議会ケース: registering a case as one the council has taken up (DESIGN §4), by its coordinator or by a meeting.

Registration is what lets the council's member institutions share the case among themselves on the Act
(協議会内の情報共有) rather than on the person's consent, so it is audited and shown on the case and in the ledger.
The coordinator registers from the progress ledger, whose reach (metadata only) is enough: registering reads
nothing of the case. Meetings (``meeting:<id>``) call the same service.
"""

from __future__ import annotations

import re
from enum import StrEnum

from council.access.policy import Action, authorize
from council.audit.events import AuditTag, record
from council.auth.models import User
from council.cases.errors import CaseError
from council.cases.models import Case
from council.core.clock import utcnow
from council.core.editing import lock_and_bump
from council.core.i18n import gettext as _
from council.core.i18n import lazy_gettext as _l
from council.database import db

#: What registers a case: its coordinator, or a meeting's decision.
COORDINATOR = "coordinator"
_BASIS = re.compile(r"^(coordinator|meeting:[1-9][0-9]{0,18})$")


class UnregisterReason(StrEnum):
    """Why a registration is taken back: codes only (the audit trail records them; nothing about the person)."""

    MISTAKE = "registered_by_mistake"
    SUPPORT_ENDED = "council_support_ended"
    MEETING_DECISION = "meeting_decision"

    @property
    def label(self):
        """Translated when rendered (a lazy string)."""
        return {UnregisterReason.MISTAKE: _l("Registered by mistake"),
                UnregisterReason.SUPPORT_ENDED: _l("The council no longer takes up this case"),
                UnregisterReason.MEETING_DECISION: _l("A meeting decided so")}[self]


def _check_actor(actor: User, case: Case, basis: str) -> None:
    """The coordinator of the council's 調整機関 (through the ledger's reach); a meeting's basis is checked by the
    meeting that calls. Raises NotFound for a case the actor does not reach, CaseError for anyone else."""
    authorize(actor, Action.REGISTER_COUNCIL_CASE, case)
    if basis == COORDINATOR and not actor.institution.is_coordinator:
        raise CaseError(_("Only the coordinator institution registers council cases."))


def register_council_case(*, actor: User, case: Case, basis: str = COORDINATOR) -> None:
    """Register ``case`` as a 協議会ケース on ``basis`` (``coordinator`` or ``meeting:<id>``). Commits.

    Raises NotFound when ``actor`` may not register it, CaseError when it is registered already or the basis is
    not one of those."""
    if not _BASIS.match(basis or ""):
        raise CaseError(_("A council case is registered by the coordinator or by a meeting."))
    _check_actor(actor, case, basis)
    lock_and_bump(case)
    if case.council_case_at is not None:
        db.session.rollback()
        raise CaseError(_("This case is already a council case."))
    case.council_case_at, case.council_case_by, case.council_case_basis = utcnow(), actor.id, basis
    record(tag=AuditTag.COUNCIL_CASE_REGISTERED, actor=actor, target=case, basis=basis)
    db.session.commit()


def unregister_council_case(*, actor: User, case: Case, reason: UnregisterReason | str) -> None:
    """Take back the registration of ``case``, for ``reason`` (a code). Shares made on 協議会内の情報共有 stay until
    their parties end them; no new ones can be made. Commits.

    Raises NotFound when ``actor`` may not do it, CaseError when the case is not registered."""
    reason = UnregisterReason(reason)
    _check_actor(actor, case, COORDINATOR)
    lock_and_bump(case)
    if case.council_case_at is None:
        db.session.rollback()
        raise CaseError(_("This case is not a council case."))
    case.council_case_at = case.council_case_by = case.council_case_basis = None
    record(tag=AuditTag.COUNCIL_CASE_UNREGISTERED, actor=actor, target=case, basis=COORDINATOR, reason=reason.value)
    db.session.commit()
