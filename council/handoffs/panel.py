"""The case page's panel 「共有と依頼」: the handoffs of the case and its other shares, as the reader may see them.

Built after the page recorded its read (``cases.panels``), so the texts of a handoff open in the reader's scope. The
lead institution's own staff see every handoff and share of the case; anyone else only the handoffs their own
institution sent or received — a handoff addressed to one named worker only that worker — and the texts of those
its grants rest on (``access.scopes.ROW_BOUND``): a pending receiver sees the message it was sent beside the summary,
and nothing of another institution's referral or of a colleague's.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_login import current_user
from sqlalchemy import and_, or_, select

from council.access.models import CaseGrant
from council.access.permissions import Role
from council.access.policy import Access, Action, reaches_of
from council.access.reads import receipt_for, record_read
from council.access.scopes import Scope, allows
from council.audit.tags import AuditTag
from council.cases.models import Case
from council.cases.panels import Panel
from council.cases.services import institution_names, user_names
from council.cases.vault import vault
from council.core.clock import utcnow
from council.core.i18n import gettext as _
from council.database import db
from council.handoffs.decisions import is_receiver, may_end
from council.handoffs.forms import ReasonForm
from council.handoffs.models import PENDING, Handoff, HandoffKind, HandoffState
from council.handoffs.states import consent_withdrawn, effective_state


@dataclass
class HandoffRow:
    """One handoff as the panel shows it, with what the reader may do about it."""

    handoff: Handoff
    kind: HandoffKind
    state: HandoffState
    message: str
    emergency_reason: str
    decline_reason: str
    end_reason: str
    #: The share it made (referral) or the former lead's close-out (transfer), and when that lapses.
    grant: CaseGrant | None
    #: The share was ended by the withdrawal of the consent it rested on.
    consent_withdrawn: bool = False
    actions: set[str] = field(default_factory=set)


@dataclass
class ShareRow:
    """A share of the case that no handoff made (consent, meeting, information request, break-glass)."""

    grant: CaseGrant
    kind: str


def any_rows(case_id: int):
    """Whether the case has a handoff or a share (ended ones too): the panel lists them. Without either, the lead's
    panel is its forms alone, and a share's reader has none to show (it always has its own grant)."""
    return or_(select(Handoff.id).where(Handoff.case_id == case_id).exists(),
               select(CaseGrant.id).where(CaseGrant.case_id == case_id).exists())


def build(case: Case, access: Access, *, form=None, has_rows: bool = True) -> Panel | None:
    """The panel for a reader with ``access``; ``form`` is a refused action's form (its reason and error).
    ``has_rows`` False (``any_rows``): the case has neither handoff nor share, and none is looked for."""
    if access.scope not in (Scope.FULL, Scope.READ, Scope.SUMMARY, Scope.REQUEST):
        return None
    if not getattr(current_user, "is_authenticated", False):
        return None  # read outside a request (a command): the panel is about what a signed-in reader may do
    lead = access.grant_id is None
    if not lead and access.scope != Scope.FULL and db.session.scalar(
            select(Handoff.id).where(Handoff.case_id == case.id).limit(1)) is None:
        return None  # a share's reader with no handoff of the case: nothing to show or do
    rows = [_row(case, handoff, access, lead) for handoff in _handoffs(case, lead)] if has_rows else []
    shares = _other_shares(case, rows) if lead and has_rows else []
    role = Role(current_user.role)
    may_ask = not lead and allows(scope=access.scope, role=role, action=Action.ASK_TRANSFER, by_grant=access.by_grant)
    if not lead and not rows and not may_ask:
        return None
    context = {
        # The refused action's form, or the one each handoff's buttons fill in (none without handoffs).
        "rows": rows, "shares": shares, "form": form or (ReasonForm() if rows else None), "lead": lead,
        "may_send": allows(scope=access.scope, role=role, action=Action.MANAGE_SHARES, by_grant=access.by_grant),
        "may_ask_transfer": may_ask,
        "institutions": institution_names(_institution_ids(rows, shares)),
        "users": user_names(_user_ids(rows) | {share.grant.user_id for share in shares if share.grant.user_id}),
        "now": utcnow(),
        # A refused decline or end is shown in its own form, when the handoff still offers it.
        "reason_form_shown": form is not None and any(
            str(row.handoff.id) == (form.handoff.data or "") and row.actions & {"decline", "end"} for row in rows),
    }
    return Panel(name="handoffs", title=_("Shares and requests (共有と依頼)"), template="handoffs/panel.html",
                 context=context)


def _handoffs(case: Case, lead: bool) -> list[Handoff]:
    query = select(Handoff).where(Handoff.case_id == case.id).order_by(Handoff.created_at.desc(), Handoff.id.desc())
    if not lead:
        mine = current_user.institution_id
        addressed_to_me = and_(Handoff.receiver_institution_id == mine,
                               or_(Handoff.receiver_user_id.is_(None), Handoff.receiver_user_id == current_user.id))
        query = query.where(or_(Handoff.sender_institution_id == mine, addressed_to_me))
    return list(db.session.scalars(query))


_TEXTS = ("message", "emergency_reason", "decline_reason", "end_reason")


def _row(case: Case, handoff: Handoff, access: Access, lead: bool) -> HandoffRow:
    grant = db.session.get(CaseGrant, handoff.grant_id) if handoff.grant_id else None
    pending = db.session.get(CaseGrant, handoff.pending_grant_id) if handoff.pending_grant_id else None
    state = effective_state(handoff, grant=grant, pending_grant=pending)
    readable = _texts_readable(case, handoff, access)
    opened = {column: vault().text(handoff, column) if readable else "" for column in _TEXTS}
    row = HandoffRow(handoff=handoff, kind=HandoffKind(handoff.kind), state=state, grant=grant,
                     consent_withdrawn=consent_withdrawn(grant) or consent_withdrawn(pending), **opened)
    row.actions = _actions(row, access, lead)
    return row


def _texts_readable(case: Case, handoff: Handoff, access: Access) -> bool:
    """Whether the page's read opens this handoff's texts: a full reach every handoff's, a grant only the handoff it
    rests on. A reader who also holds the grant of this handoff in the page's scope (the page was read by another
    of its grants) has that read recorded first."""
    receipt = receipt_for(case.id)
    if receipt is not None and receipt.touches("handoff", handoff.id):
        return True
    basis = f"{handoff.kind}:{handoff.id}"
    for each in reaches_of(current_user, case):
        if each.basis == basis and each.scope == access.scope:
            record_read(tag=AuditTag.CASE_VIEWED, actor=current_user, case=case, access=each,
                        reason=f"handoff {handoff.id}")
            return True
    return False


def _actions(row: HandoffRow, access: Access, lead: bool) -> set[str]:
    """What the reader may do now (the services check again; this only decides which buttons to show)."""
    handoff, user, actions = row.handoff, current_user, set()
    mine = user.institution_id
    if row.state in PENDING and handoff.sender_institution_id == mine:
        actions.add("cancel")
    if row.state == HandoffState.AWAITING_APPROVAL and lead and Role(user.role) == Role.SUPERVISOR:
        actions.add("approve")
    answers = lead and allows(scope=access.scope, role=Role(user.role), action=Action.MANAGE_SHARES, by_grant=False) \
        if row.kind.is_request else is_receiver(user, handoff)
    if row.state == HandoffState.REQUESTED and answers:
        actions |= {"accept", "decline"}
    live = row.grant is not None and row.grant.ended_at is None and \
        (row.grant.expires_at is None or row.grant.expires_at > utcnow())
    if row.state == HandoffState.ACCEPTED and live and may_end(user, handoff, lead=lead):
        actions.add("end")
    return actions


def _other_shares(case: Case, rows: list[HandoffRow]) -> list[ShareRow]:
    """Grants of the case in force that no handoff made, read-only: the lead sees every way its case is shared."""
    made = {grant_id for row in rows for grant_id in (row.handoff.grant_id, row.handoff.pending_grant_id) if grant_id}
    now = utcnow()
    grants = db.session.scalars(select(CaseGrant).where(
        CaseGrant.case_id == case.id, CaseGrant.ended_at.is_(None),
        or_(CaseGrant.expires_at.is_(None), CaseGrant.expires_at > now)).order_by(CaseGrant.id))
    return [ShareRow(grant=g, kind=g.basis.split(":", 1)[0]) for g in grants if g.id not in made]


def _institution_ids(rows: list[HandoffRow], shares: list[ShareRow]) -> set[int]:
    ids = {i for row in rows for i in (row.handoff.sender_institution_id, row.handoff.receiver_institution_id)}
    return ids | {share.grant.institution_id for share in shares if share.grant.institution_id}


def _user_ids(rows: list[HandoffRow]) -> set[int]:
    return {u for row in rows for u in (row.handoff.sender_user_id, row.handoff.receiver_user_id,
                                        row.handoff.approved_by, row.handoff.decided_by, row.handoff.ended_by) if u}
