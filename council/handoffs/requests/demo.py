"""``make demo``: information requests in every state, between the demo council's institutions (no real person).

社協 (the demo caseworker's institution) asks 包括 and the NPO about its cases: one waiting, one overdue, one
expired, one answered (the answer is on the case as the NPO's record), one declined, one cancelled; and 包括 asks
社協 about a case the duplicate check showed it. The cases are registered council cases, so that the shares rest on
協議会内の情報共有 — but one, whose request rests on 緊急 with its written reason.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from council.access.models import CaseGrant
from council.access.policy import Action, authorize
from council.auth.models import User
from council.cases.models import Case, CaseStatus
from council.core.clock import japan_today, utcnow
from council.database import db
from council.handoffs.requests import services
from council.handoffs.requests.states import answerable_until

QUESTIONS = [
    ("information", "本人が以前そちらのサロンに通っていたと聞きました。最近の参加状況を教えてください。"),
    ("opinion", "母親の介護負担について、訪問時の様子からご意見をいただけますか。"),
    ("cooperation", "来月の同行訪問に、担当の方の同席をお願いできますか。"),
    ("information", "就労支援の利用歴があれば教えてください。"),
    ("information", "地域の見守り活動で気付いたことがあれば教えてください。"),
    ("opinion", "今後の支援方針について、専門の立場からご意見をください。"),
]


def create_demo_requests(council) -> None:
    """Requests in every state about the demo caseworker's open cases (once, with the demo's cases)."""
    users = {user.username: user for user in db.session.scalars(select(User).where(User.username.in_(
        ("demo-caseworker", "demo-houkatsu", "demo-npo"))))}
    sender, houkatsu, npo = users["demo-caseworker"], users["demo-houkatsu"], users["demo-npo"]
    cases = list(db.session.scalars(select(Case).where(
        Case.council_id == council.id, Case.created_by == sender.id, Case.status != CaseStatus.CLOSED)
        .order_by(Case.id).limit(7)))
    for case in cases[:2] + cases[3:6]:  # the third stays unregistered: its request rests on 緊急
        case.council_case_at, case.council_case_by, case.council_case_basis = utcnow(), sender.id, "coordinator"
    db.session.commit()
    receivers = [houkatsu, npo, houkatsu, npo, houkatsu, npo]
    sent = [_send(sender, case, receiver.institution_id, *question)
            for case, receiver, question in zip(cases, receivers, QUESTIONS, strict=False)]
    _move_due(sent[1], days=-2)  # overdue: still answerable
    _move_due(sent[2], days=-20)  # expired: its share has lapsed
    _answer(npo, sent[3], "昨年度まで月1回サロンに参加していましたが、この半年は来ていません。")
    services.decline(actor=houkatsu, case=_case(sent[4]), row=sent[4], reason="当センターでは関わりがありません。",
                     access=authorize(houkatsu, Action.ANSWER_REQUEST, _case(sent[4])))
    services.cancel(actor=sender, row=sent[5], basis=authorize(sender, Action.MANAGE_SHARES, _case(sent[5])).basis)
    services.ask_holder(actor=houkatsu, case=cases[6], kind="information",
                        question="当センターに母親から相談がありました。同じ世帯の方か確認させてください。",
                        due_on=japan_today() + dt.timedelta(days=7))


def _case(row) -> Case:
    return db.session.get(Case, row.case_id)


def _send(sender: User, case: Case, to_institution_id: int, kind: str, question: str):
    legal = services.LegalChoice(legal_basis="council_sharing")
    if case.council_case_at is None:
        legal = services.LegalChoice(legal_basis="emergency",
                                     emergency_reason="連絡が途絶え、安否の確認が急がれるため。")
    return services.send(actor=sender, case=case, access=authorize(sender, Action.MANAGE_SHARES, case),
                         to_institution_id=to_institution_id, kind=kind, question=question,
                         due_on=japan_today() + dt.timedelta(days=10), legal=legal)


def _move_due(row, *, days: int) -> None:
    """As if the request had been sent weeks ago: its due date (and its share's end) lie in the past."""
    row.due_on = japan_today() + dt.timedelta(days=days)
    row.sent_at = utcnow() + dt.timedelta(days=days - 14)
    db.session.get(CaseGrant, row.grant_id).expires_at = answerable_until(row.due_on)
    db.session.commit()


def _answer(receiver: User, row, text: str) -> None:
    case = _case(row)
    services.answer(actor=receiver, case=case, access=authorize(receiver, Action.ANSWER_REQUEST, case), row=row,
                    text=text)
