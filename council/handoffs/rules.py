"""Who may hand a case to whom, on which legal basis (issue 10, DESIGN §5). Checked before anything is written;
``access.grants`` checks the grant itself again when it is made (council, recipient, consent in force).

- 本人同意: a consent of this case, in force, naming the receiving institution, for a purpose that is sharing.
- 協議会内の情報共有: only for a registered 協議会ケース, and only to member institutions of the same council.
- 緊急 (life or body at risk): a written reason; the handoff is flagged and auditors see the flag.
- A transfer hands over the responsibility for the person within the council: it rests on 協議会内の情報共有 or
  緊急, never on a consent, which names who may receive information, not who leads. (The former lead's close-out
  grant rests on the same legal basis.)
"""

from __future__ import annotations

from sqlalchemy import select

from council.access.models import CaseGrant, LegalBasis
from council.access.permissions import Role
from council.access.scopes import Scope
from council.auth.models import User
from council.cases.models import Case, ConsentPurpose, ConsentState
from council.core.i18n import gettext as _
from council.database import db
from council.handoffs.errors import HandoffError
from council.handoffs.models import PENDING, Handoff, HandoffKind, HandoffState
from council.handoffs.states import effective_state, is_expired

#: The consent purposes that are a share with another institution (その他 is not: nobody knows what it allowed).
SHARING_PURPOSES = frozenset({ConsentPurpose.REFERRAL, ConsentPurpose.INFORMATION_SHARING,
                              ConsentPurpose.SUPPORT_COORDINATION})
#: Who may receive and answer a handoff: staff who work on cases.
STAFF = (Role.CASEWORKER, Role.SUPERVISOR, Role.COORDINATOR)
_TEXT_LENGTH = 2000


def check_send(*, actor: User, case: Case, data) -> None:
    """Raise HandoffError unless the lead may send ``data`` (a ``services.HandoffInput``) for ``case``."""
    kind = HandoffKind(data.kind)
    if kind not in (HandoffKind.REFERRAL, HandoffKind.TRANSFER):
        raise HandoffError(_("Choose a referral or a transfer."))
    _check_receiver(case, data)
    if kind == HandoffKind.REFERRAL and Scope(data.scope) not in (Scope.FULL, Scope.SUMMARY):
        raise HandoffError(_("A referral shares the whole case or its summary."))
    if len(data.message or "") > _TEXT_LENGTH or len(data.emergency_reason or "") > _TEXT_LENGTH:
        raise HandoffError(_("Write at most %(n)d characters.", n=_TEXT_LENGTH))
    _check_legal_basis(case, data, kind)
    _check_not_pending(case, data, kind)
    if data.answers is not None:
        _check_answers(case, data, kind)


def _check_receiver(case: Case, data) -> None:
    receiver = data.receiver
    if receiver is None or receiver.council_id != case.council_id:
        raise HandoffError(_("Choose a member institution of this council."))
    if receiver.id == case.lead_institution_id:
        raise HandoffError(_("Your institution already leads this case."))
    user = data.receiver_user
    if user is not None and (user.institution_id != receiver.id or Role(user.role) not in STAFF
                             or user.disabled_at is not None):
        raise HandoffError(_("The named worker must be a caseworker or supervisor of the receiving institution."))


def _check_legal_basis(case: Case, data, kind: HandoffKind) -> None:
    legal = LegalBasis(data.legal_basis)
    if kind == HandoffKind.TRANSFER and legal == LegalBasis.CONSENT:
        raise HandoffError(_("A transfer rests on sharing within the council (a registered council case) or on an "
                             "emergency, not on consent."))
    if legal == LegalBasis.CONSENT:
        consent = data.consent
        if consent is None or consent.case_id != case.id or consent.state != ConsentState.OBTAINED:
            raise HandoffError(_("Choose a consent of this case that is in force."))
        if data.receiver.id not in consent.recipient_institution_ids:
            raise HandoffError(_("The consent does not name %(institution)s as a recipient.",
                                 institution=data.receiver.name))
        if consent.purpose_code not in SHARING_PURPOSES:
            raise HandoffError(_("The consent's purpose is not sharing with another institution."))
    elif data.consent is not None:
        raise HandoffError(_("Only a share resting on consent names a consent."))
    if legal == LegalBasis.COUNCIL_SHARING and case.council_case_at is None:
        raise HandoffError(_("Sharing within the council is allowed only for a registered council case "
                             "(協議会ケース). Ask the coordinator to register it, or rest the share on consent."))
    if legal == LegalBasis.EMERGENCY and not (data.emergency_reason or "").strip():
        raise HandoffError(_("Write why the share cannot wait: whose life or body is at risk, and how."))


def _check_not_pending(case: Case, data, kind: HandoffKind) -> None:
    """One open handoff of a kind per receiver: a second would be a second pending grant for nothing."""
    open_states = [*PENDING, HandoffState.ACCEPTED] if kind == HandoffKind.REFERRAL else list(PENDING)
    others = db.session.scalars(select(Handoff).where(
        Handoff.case_id == case.id, Handoff.kind == kind.value, Handoff.state.in_([s.value for s in open_states]),
        Handoff.ended_at.is_(None)))
    for other in others:
        if kind == HandoffKind.TRANSFER and not is_expired(other):
            raise HandoffError(_("A transfer of this case is already under way."))
        if other.receiver_institution_id == data.receiver.id and \
                effective_state(other, grant=_grant(other.grant_id), pending_grant=_grant(other.pending_grant_id)) \
                in (*PENDING, HandoffState.ACCEPTED):
            raise HandoffError(_("%(institution)s already has a referral of this case.",
                                 institution=data.receiver.name))


def _grant(grant_id):
    return db.session.get(CaseGrant, grant_id) if grant_id else None


def _check_answers(case: Case, data, kind: HandoffKind) -> None:
    request = data.answers
    wanted = HandoffKind.TRANSFER if request.kind == HandoffKind.TRANSFER_REQUEST else HandoffKind.REFERRAL
    if request.case_id != case.id or request.state != HandoffState.REQUESTED or is_expired(request) \
            or not HandoffKind(request.kind).is_request:
        raise HandoffError(_("That request is no longer waiting for an answer."))
    if kind != wanted or request.sender_institution_id != data.receiver.id:
        raise HandoffError(_("The answer to a request goes to the institution that asked, as the kind it asked "
                             "for."))


def check_request(*, actor: User, case: Case, kind: HandoffKind) -> None:
    """Raise HandoffError unless ``actor`` may ask the lead for a handoff of ``kind``: staff of another institution
    of the council, with no request of theirs pending already."""
    if Role(actor.role) not in STAFF or actor.council_id != case.council_id:
        raise HandoffError(_("Only caseworkers and supervisors of the council's institutions ask for a handoff."))
    if actor.institution_id == case.lead_institution_id:
        raise HandoffError(_("Your institution leads this case: there is nobody to ask."))
    pending = db.session.scalars(select(Handoff).where(
        Handoff.case_id == case.id, Handoff.kind == kind.value, Handoff.state == HandoffState.REQUESTED,
        Handoff.sender_institution_id == actor.institution_id))
    if any(not is_expired(row) for row in pending):
        raise HandoffError(_("Your institution has asked already; the lead has not answered yet."))


def check_text(value: str, *, required: bool, what: str) -> str:
    """A text a party writes (a reason): stripped, not empty when ``required``, not too long."""
    value = (value or "").strip()
    if required and not value:
        raise HandoffError(_("Write %(what)s.", what=what))
    if len(value) > _TEXT_LENGTH:
        raise HandoffError(_("Write at most %(n)d characters.", n=_TEXT_LENGTH))
    return value
