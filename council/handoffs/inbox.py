"""The handoffs' providers for the inbox (``inbox.registry``): what waits for a user about handoffs and shares.

Each item names a case by its number and the kind of thing to do — never anything about the person — and links to
the case page's panel, where the user acts. Pending and expiry are read in SQL at the time asked, like the grants.
"""

from __future__ import annotations

import datetime as dt

from flask import url_for
from sqlalchemy import and_, or_, select

from council.access.grants import CONSENT_WITHDRAWN
from council.access.models import CaseGrant
from council.access.permissions import Role
from council.access.policy import visible_cases
from council.access.scopes import Scope
from council.cases.models import Case
from council.core.clock import japan_date, utcnow
from council.core.i18n import gettext as _
from council.database import db
from council.handoffs.models import Handoff, HandoffKind, HandoffState
from council.handoffs.rules import STAFF
from council.inbox.registry import InboxItem

#: Shares of the user's institution lapsing within this many days are brought up.
LAPSING_WITHIN = dt.timedelta(days=7)
#: Shares ended by a consent's withdrawal are brought up for this many days.
WITHDRAWN_SHOWN_FOR = dt.timedelta(days=14)


def _item(kind: str, case: Case, text: str) -> InboxItem:
    return InboxItem(kind=f"handoffs.{kind}", text=text, case_ids=(case.id,),
                     url=url_for("cases.view", case_id=case.id, _anchor="handoffs"))


def _waiting_for(user):
    """Handoffs still waiting for an answer, not expired, joined to their case."""
    return (select(Handoff, Case).join(Case, Case.id == Handoff.case_id)
            .where(Handoff.state == HandoffState.REQUESTED, Handoff.respond_by > utcnow(), Case.purged_at.is_(None),
                   Case.council_id == user.council_id).order_by(Handoff.respond_by))


def to_decide(user) -> list[InboxItem]:
    """Referrals and transfers sent to the user's institution (or to the user by name), and requests for the cases
    the user leads with full reach — each to accept or decline."""
    if Role(user.role) not in STAFF:
        return []
    handoffs = [HandoffKind.REFERRAL.value, HandoffKind.TRANSFER.value]
    received = and_(Handoff.kind.in_(handoffs), Handoff.receiver_institution_id == user.institution_id,
                    or_(Handoff.receiver_user_id.is_(None), Handoff.receiver_user_id == user.id))
    asked = and_(Handoff.kind.not_in(handoffs), Handoff.receiver_institution_id == user.institution_id,
                 visible_cases(user, scopes={Scope.FULL}))
    items = []
    for handoff, case in db.session.execute(_waiting_for(user).where(or_(received, asked))):
        text = _("Case %(number)s: %(kind)s to answer", number=case.number, kind=HandoffKind(handoff.kind).label)
        items.append(_item("to_decide", case, text))
    return items


def to_approve(user) -> list[InboxItem]:
    """Transfers (and referrals of 要配慮 cases) of the supervisor's institution awaiting approval."""
    if Role(user.role) != Role.SUPERVISOR:
        return []
    rows = db.session.execute(select(Handoff, Case).join(Case, Case.id == Handoff.case_id).where(
        Handoff.state == HandoffState.AWAITING_APPROVAL, Handoff.respond_by > utcnow(),
        Handoff.sender_institution_id == user.institution_id, Case.purged_at.is_(None)).order_by(Handoff.id))
    return [_item("to_approve", case, _("Case %(number)s: %(kind)s awaits your approval", number=case.number,
                                        kind=HandoffKind(handoff.kind).label)) for handoff, case in rows]


def _held_by(user):
    """Grants to the user, or to their institution for its staff (as ``access.policy`` counts them)."""
    principals = [CaseGrant.user_id == user.id]
    if Role(user.role) in STAFF:
        principals.append(CaseGrant.institution_id == user.institution_id)
    return or_(*principals)


def lapsing(user) -> list[InboxItem]:
    """Shares the user (or their institution) holds that lapse within LAPSING_WITHIN — a transfer's close-out, a
    time-limited share — so that nobody is surprised when the case disappears. Pending views are not counted: they
    are the handoffs to decide."""
    now = utcnow()
    rows = db.session.execute(select(CaseGrant, Case).join(Case, Case.id == CaseGrant.case_id).where(
        _held_by(user), CaseGrant.ended_at.is_(None), CaseGrant.scope != Scope.REQUEST,
        CaseGrant.starts_at <= now, CaseGrant.expires_at > now, CaseGrant.expires_at <= now + LAPSING_WITHIN,
        Case.purged_at.is_(None)).order_by(CaseGrant.expires_at))
    return [_item("lapsing", case, _("Case %(number)s: the share with you ends on %(day)s", number=case.number,
                                     day=japan_date(grant.expires_at).isoformat())) for grant, case in rows]


def consent_withdrawn(user) -> list[InboxItem]:
    """Shares the user (or their institution) held that the person's withdrawal of consent ended lately: the
    receiver learns why the case is gone."""
    since = utcnow() - WITHDRAWN_SHOWN_FOR
    rows = db.session.execute(select(CaseGrant, Case).join(Case, Case.id == CaseGrant.case_id).where(
        _held_by(user), CaseGrant.end_reason == CONSENT_WITHDRAWN, CaseGrant.ended_at > since)
        .order_by(CaseGrant.ended_at.desc()))
    return [InboxItem(kind="handoffs.consent_withdrawn", url=url_for("auth.home"), case_ids=(case.id,),
                      text=_("Case %(number)s: the person withdrew consent; the share with you has ended",
                             number=case.number)) for _grant, case in rows]

