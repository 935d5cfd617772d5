"""``make demo``: handoffs in every state between the demo institutions, so that a newcomer sees what each looks
like on the case page, in the inbox and in the audit log. Made through the real services (grants, audit, sealing);
only the expired ones are dated back, as time would have done."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from council.access.models import CaseGrant, LegalBasis
from council.access.policy import Action, authorize
from council.access.scopes import Scope
from council.auth.models import Institution, User
from council.cases import council_cases, documents
from council.cases.models import Case, CaseAssignment, CaseStatus
from council.core.clock import japan_today, utcnow
from council.database import db
from council.handoffs import decisions, services
from council.handoffs.models import Handoff, HandoffKind


def _user(username: str) -> User:
    return db.session.scalar(select(User).where(User.username == username))


def _cases_of(worker: User, count: int) -> list[Case]:
    """Open cases the worker is assigned to, oldest number first (the same ones every time)."""
    return list(db.session.scalars(select(Case).join(CaseAssignment, CaseAssignment.case_id == Case.id).where(
        CaseAssignment.user_id == worker.id, Case.status != CaseStatus.CLOSED).order_by(Case.id).limit(count)))


def create_demo_handoffs() -> None:
    """Referrals, transfers and requests from the 社協's caseworker to the other institutions, one per state."""
    shakyo, boss = _user("demo-caseworker"), _user("demo-supervisor")
    houkatsu, npo, coordinator = _user("demo-houkatsu"), _user("demo-npo"), _user("demo-coordinator")
    if None in (shakyo, boss, houkatsu, npo, coordinator):
        return
    cases = _cases_of(shakyo, 12)
    if len(cases) < 12 or db.session.scalar(select(Handoff.id).limit(1)) is not None:
        return
    to_houkatsu, to_npo = houkatsu.institution, npo.institution

    def send(case, to: Institution, *, kind=HandoffKind.REFERRAL, scope=Scope.SUMMARY, actor=shakyo, **basis):
        basis = basis or {"legal_basis": LegalBasis.EMERGENCY, "emergency_reason": "本人の安全確認を急ぐため（デモ）"}
        return services.send(actor=actor, case=case, access=authorize(actor, Action.MANAGE_SHARES, case),
                             data=services.HandoffInput(kind=kind, receiver=to, scope=scope, message=(
                                 "見守りと定期訪問をお願いできますか（デモ）"), **basis))

    def answer(handoff, actor, how, **kwargs):
        case = db.session.get(Case, handoff.case_id)
        if how == "accept":
            decisions.accept(actor=actor, case=case, handoff=handoff, version=handoff.version)
        else:
            getattr(decisions, how)(actor=actor, case=case, access=authorize(actor, Action.ANSWER_HANDOFF, case),
                                    handoff=handoff, version=handoff.version, **kwargs)

    # 協議会ケース: the coordinator registered the first case; sharing within the council rests on it.
    council_cases.register_council_case(actor=coordinator, case=cases[0])
    send(cases[0], to_houkatsu, legal_basis=LegalBasis.COUNCIL_SHARING)  # 依頼中
    send(cases[1], to_npo, kind=HandoffKind.TRANSFER)  # 承認待ち (a caseworker's transfer)
    answer(send(cases[2], to_houkatsu), houkatsu, "accept")  # 受諾, summary
    answer(send(cases[3], to_npo, scope=Scope.FULL), npo, "accept")  # 受諾, everything
    answer(send(cases[4], to_houkatsu), houkatsu, "decline", reason="担当地区外のため（デモ）")  # 辞退
    services.cancel(actor=shakyo, case=cases[5], access=authorize(shakyo, Action.MANAGE_SHARES, cases[5]),
                    handoff=(cancelled := send(cases[5], to_npo)), version=cancelled.version)  # 取消
    _expire(send(cases[6], to_houkatsu))  # 期限切れ
    ended = send(cases[7], to_npo)
    answer(ended, npo, "accept")
    answer(ended, npo, "end_share", reason="支援が終わったため（デモ）")  # 終了
    _consent_withdrawn(cases[8], shakyo, houkatsu, send)  # 終了 (the person withdrew consent)
    transfer = send(cases[9], to_npo, kind=HandoffKind.TRANSFER, actor=boss)  # a supervisor's: approved by sending
    answer(transfer, npo, "accept")  # 受諾: the NPO leads it; the 社協 reads it for the close-out
    request = send(cases[10], to_npo, scope=Scope.FULL)
    answer(request, npo, "accept")
    decisions.ask_transfer(actor=npo, case=cases[10], access=authorize(npo, Action.ASK_TRANSFER, cases[10]),
                           message="当法人で継続的に伴走したい（デモ）")  # 移管の申し出, to answer
    decisions.ask_referral(actor=houkatsu, case=cases[11])  # つなぎの依頼 from the duplicate check


def _expire(handoff: Handoff) -> None:
    """Date a pending handoff back past its deadline, as two weeks without an answer would have."""
    past = utcnow() - dt.timedelta(days=1)
    handoff.respond_by = past
    grant = db.session.get(CaseGrant, handoff.pending_grant_id)
    grant.starts_at, grant.expires_at = min(grant.starts_at, past - dt.timedelta(days=14)), past
    handoff.created_at = past - dt.timedelta(days=14)
    db.session.commit()


def _consent_withdrawn(case: Case, actor: User, receiver: User, send) -> None:
    edit = authorize(actor, Action.EDIT_DETAILS, case)
    consent = documents.record_consent(
        actor=actor, case=case, access=edit, purpose_code="referral", purpose="包括の見守りにつなぐため（デモ）",
        recipients="地域包括支援センター", scope="概要", obtained_on=japan_today(), obtained_how="written",
        given_by="person", recipient_institution_ids=[receiver.institution_id])
    handoff = send(case, receiver.institution, legal_basis=LegalBasis.CONSENT, consent=consent)
    decisions.accept(actor=receiver, case=case, handoff=handoff, version=handoff.version)
    documents.withdraw_consent(actor=actor, case=case, access=edit, consent=consent, version=consent.version)
