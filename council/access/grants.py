"""Making and ending grants (DESIGN.md §5): the only code that writes ``case_grant``.

Handoffs, meetings, break-glass and consent withdrawal call these. Each works inside the caller's transaction and
never commits: a grant is always the effect of a larger act — a referral, a meeting's agenda, a consent's
withdrawal — that must succeed or fail with it (a referral without its share, or a withdrawn consent whose shares
live on, would be the bug). Each records its audit event in that same transaction, so no grant exists or ends
without its event (fail closed).

Who may start the act is the calling feature's check (e.g. ``authorize(user, Action.MANAGE_SHARES, case)`` for a
referral); these functions check that the grant itself is lawful.
"""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import or_, select

from council.access.models import CaseGrant, GrantBasis, LegalBasis
from council.access.permissions import Role
from council.access.scopes import Scope
from council.audit.events import AuditTag, record
from council.auth.models import Institution, User
from council.cases.errors import CaseError
from council.cases.models import Case, Consent, ConsentState
from council.core.clock import utcnow
from council.core.db import lock_for_update
from council.core.i18n import gettext as _
from council.database import db

#: ``<kind>:<id>``: the kinds of GrantBasis, then the id of the referral, consent, meeting … that made the grant.
_BASIS = re.compile(rf"^({'|'.join(kind.value for kind in GrantBasis)}):([1-9][0-9]{{0,18}})$")

#: The end reason of the grants a consent's withdrawal ends.
CONSENT_WITHDRAWN = "consent_withdrawn"

_END_REASON_LENGTH = 100


class GrantRefused(CaseError):
    """The grant may not be made, or ended; the message says why."""


def grant(*, actor: User, case: Case, scope: Scope | str, basis: str, legal_basis: LegalBasis | str,
          consent: Consent | None = None, institution: Institution | None = None, user: User | None = None,
          starts_at: dt.datetime | None = None, expires_at: dt.datetime | None = None) -> CaseGrant:
    """Share ``case`` with ``institution`` or ``user`` (exactly one) in ``scope``, from ``starts_at`` (now) until
    ``expires_at`` (None: until ended), on ``basis`` (``referral:17`` …) and ``legal_basis``. Records the event;
    the caller commits.

    Raises GrantRefused when: not exactly one recipient; the recipient or the actor is of another council; the
    recipient is the lead institution itself, or an auditor or administrator; the scope is ``ledger``; the basis is
    not ``<kind>:<id>``; the window is empty; the case is purged; or, for 本人同意, the consent is not this case's,
    not in force, or does not name the recipient's institution.
    """
    scope, legal = Scope(scope), LegalBasis(legal_basis)
    starts_at = starts_at or utcnow()
    _check_case(actor=actor, case=case, scope=scope, basis=basis, starts_at=starts_at, expires_at=expires_at)
    recipient_institution = _check_recipient(case=case, institution=institution, user=user)
    _check_legal_basis(case=case, basis=basis, legal=legal, consent=consent, recipient=recipient_institution)
    row = CaseGrant(case_id=case.id, institution_id=institution.id if institution else None,
                    user_id=user.id if user else None, scope=scope.value, basis=basis, legal_basis=legal.value,
                    consent_id=consent.id if consent else None, starts_at=starts_at, expires_at=expires_at,
                    created_at=utcnow(), created_by=actor.id)
    db.session.add(row)
    db.session.flush()
    record(tag=AuditTag.GRANT_CREATED, actor=actor, target=case, basis=row.basis, reason=_describe(row))
    return row


def end(*, actor: User, grant: CaseGrant, reason: str) -> None:
    """End ``grant`` now, for ``reason`` (a code or a short text, never about the person). Records the event; the
    caller commits. Raises GrantRefused when it has already ended or the reason is empty or too long."""
    reason = (reason or "").strip()
    if not reason or len(reason) > _END_REASON_LENGTH:
        raise GrantRefused(_("Say briefly why the share ends (at most %(n)d characters).", n=_END_REASON_LENGTH))
    lock_for_update(db.session, grant)  # two people ending the same grant: the second is told, not recorded twice
    if grant.ended_at is not None:
        raise GrantRefused(_("This share has already ended."))
    grant.ended_at, grant.ended_by, grant.end_reason = utcnow(), actor.id, reason
    record(tag=AuditTag.GRANT_ENDED, actor=actor, target=db.session.get(Case, grant.case_id), basis=grant.basis,
           reason=f"grant {grant.id}: {reason}")


def move(*, actor: User, grant: CaseGrant, starts_at: dt.datetime, expires_at: dt.datetime) -> None:
    """Move the window of ``grant`` (not ended) to [``starts_at``, ``expires_at``): a rescheduled meeting's material
    window. Records the event; the caller commits. Raises GrantRefused when it has ended or the window is empty."""
    if expires_at <= starts_at:
        raise GrantRefused(_("A share must end after it starts."))
    lock_for_update(db.session, grant)
    if grant.ended_at is not None:
        raise GrantRefused(_("This share has already ended."))
    grant.starts_at, grant.expires_at = starts_at, expires_at
    record(tag=AuditTag.GRANT_MOVED, actor=actor, target=db.session.get(Case, grant.case_id), basis=grant.basis,
           reason=f"grant {grant.id}: from {starts_at.isoformat(timespec='minutes')} until "
                  f"{expires_at.isoformat(timespec='minutes')}")


def end_for_consent(*, actor: User, consent: Consent, reason: str = CONSENT_WITHDRAWN) -> list[CaseGrant]:
    """End every grant resting on ``consent`` that is in force or still to start (one event each), inside the
    caller's transaction — the consent's withdrawal, which commits both or neither. Returns the grants ended."""
    now = utcnow()
    rows = list(db.session.scalars(
        select(CaseGrant).where(CaseGrant.consent_id == consent.id, CaseGrant.ended_at.is_(None),
                                or_(CaseGrant.expires_at.is_(None), CaseGrant.expires_at > now))
        .order_by(CaseGrant.id)))
    for row in rows:
        end(actor=actor, grant=row, reason=reason)
    return rows


# -- checks --------------------------------------------------------------------------------------------------


def _check_case(*, actor: User, case: Case, scope: Scope, basis: str, starts_at: dt.datetime,
                expires_at: dt.datetime | None) -> None:
    if case.purged_at is not None:
        raise GrantRefused(_("A purged case cannot be shared."))
    if actor.council_id != case.council_id:
        raise GrantRefused(_("Cases are shared only within their council."))
    if scope == Scope.LEDGER:
        # The ledger is the coordinator's by role; as a grant it would be a share nobody could see the end of.
        raise GrantRefused(_("The progress ledger is not shared case by case."))
    if not _BASIS.match(basis or ""):
        raise GrantRefused(_("A share names what made it (e.g. referral:17)."))
    if expires_at is not None and expires_at <= starts_at:
        raise GrantRefused(_("A share must end after it starts."))


def _check_recipient(*, case: Case, institution: Institution | None, user: User | None) -> Institution:
    """The recipient's institution, once the recipient is known to be allowed."""
    if (institution is None) == (user is None):
        raise GrantRefused(_("A case is shared with one institution or one user."))
    recipient = institution if institution is not None else user.institution
    if recipient.council_id != case.council_id:
        raise GrantRefused(_("Cases are shared only within their council."))
    if institution is not None and institution.id == case.lead_institution_id:
        raise GrantRefused(_("The lead institution already holds this case."))
    if user is not None and Role(user.role) in (Role.AUDITOR, Role.ADMIN):
        raise GrantRefused(_("Auditors and administrators never receive case content."))
    return recipient


def _check_legal_basis(*, case: Case, basis: str, legal: LegalBasis, consent: Consent | None,
                       recipient: Institution) -> None:
    kind, thing_id = _BASIS.match(basis).groups()
    if legal != LegalBasis.CONSENT:
        if consent is not None or kind == GrantBasis.CONSENT:
            raise GrantRefused(_("Only a share resting on consent names a consent."))
        return
    if consent is None or consent.case_id != case.id:
        raise GrantRefused(_("A share resting on consent needs a consent recorded on this case."))
    if kind == GrantBasis.CONSENT and int(thing_id) != consent.id:
        raise GrantRefused(_("A share resting on consent needs a consent recorded on this case."))
    if consent.state != ConsentState.OBTAINED:
        raise GrantRefused(_("This consent is not in force; it cannot carry a share."))
    if recipient.id not in consent.recipient_institution_ids:
        raise GrantRefused(_("The consent does not name %(institution)s as a recipient.",
                             institution=recipient.name))


def _describe(row: CaseGrant) -> str:
    """The event's reason: ids and codes only (the case is the event's target)."""
    to = f"institution {row.institution_id}" if row.institution_id else f"user {row.user_id}"
    legal = f"{row.legal_basis} {row.consent_id}" if row.consent_id else row.legal_basis
    until = row.expires_at.isoformat(timespec="minutes") if row.expires_at else "ended"
    return f"grant {row.id}: {row.scope} to {to}; {legal}; from {row.starts_at.isoformat(timespec='minutes')} " \
           f"until {until}"
