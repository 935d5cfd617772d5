"""A handoff's texts are bound to their own row, and a referral's reach is not an information request's (review
findings 3 and 5): a colleague of a named worker never reads what was sent to that worker alone, a pending
receiver's case page does not take its referral for a request of the same number, and an institution holding
both reaches sees and answers each by its own grant."""
from __future__ import annotations

import datetime as dt

import pytest

from council.access import grants
from council.access.policy import Action, authorize
from council.auth.models import Institution, User
from council.cases.models import Case, Consent
from council.database import db
from council.handoffs.models import Handoff
from council.handoffs.requests import services as request_services
from council.handoffs.requests.models import InformationRequest
from tests.conftest import db_get, fresh
from tests.functional.handoffs.handoffs_world import client_of, handoffs, refer, version, world_fixture  # noqa: F401

SECRET = "父からの暴力の件、担当者限りで"


def _ask(app, world, *, to: str, question: str, legal=None, due_days: int = 10) -> int:
    """The lead sends an information request about the case to institution ``to``; its id."""
    with app.test_request_context():
        actor, case = db_get(app, User, world.users["lead"].id), db_get(app, Case, world.case.id)
        row = request_services.send(
            actor=actor, case=case, access=authorize(actor, Action.MANAGE_SHARES, case),
            to_institution_id=world.institutions[to], kind="information", question=question,
            due_on=dt.date.today() + dt.timedelta(days=due_days),
            legal=legal or request_services.LegalChoice(legal_basis="emergency", emergency_reason="至急"))
        return row.id


def _share_summary_on_consent(app, world) -> None:
    with app.test_request_context():
        actor, case = db_get(app, User, world.users["lead"].id), db_get(app, Case, world.case.id)
        grants.grant(actor=actor, case=case, scope="summary", basis=f"consent:{world.consent_id}",
                     legal_basis="consent", consent=db.session.get(Consent, world.consent_id),
                     institution=db.session.get(Institution, world.institutions["shakyo"]))
        db.session.commit()


def _accept(app, world, user: str, handoff: Handoff) -> None:
    client = client_of(app, world.users[user])
    assert client.post(f"/cases/{world.case.id}/handoffs/{handoff.id}/accept",
                       data={"version": version(app, handoff.id)}).status_code == 302


def test_a_colleague_with_a_request_reach_does_not_read_a_named_workers_referral(app, world):
    """The reviewer's test_r3: the named worker reads the message; a colleague asked a question on the same case
    does not, and sees no such referral at all."""
    lead = client_of(app, world.users["lead"])
    assert refer(lead, world, receiver_user=world.users["partner"].id, message=SECRET).status_code == 302
    _ask(app, world, to="shakyo", question="状況は？",
         legal=request_services.LegalChoice(legal_basis="consent", consent_id=world.consent_id))
    colleague = client_of(app, world.users["partner boss"]).get(f"/cases/{world.case.id}")
    assert colleague.status_code == 200
    assert SECRET not in colleague.get_data(as_text=True)
    assert "状況は？" in colleague.get_data(as_text=True)  # their own request they do read
    named = client_of(app, world.users["partner"]).get(f"/cases/{world.case.id}").get_data(as_text=True)
    assert SECRET in named
    assert SECRET in lead.get(f"/cases/{world.case.id}").get_data(as_text=True)  # the lead reads every handoff


def test_an_institution_wide_share_neither_reads_nor_ends_a_named_workers_share(app, world):
    lead = client_of(app, world.users["lead"])
    assert refer(lead, world, receiver_user=world.users["partner"].id, message=SECRET).status_code == 302
    named = handoffs(app, world.case.id)[-1]
    _accept(app, world, "partner", named)
    _share_summary_on_consent(app, world)  # the whole of 社協 reads the summary
    colleague = client_of(app, world.users["partner boss"])
    page = colleague.get(f"/cases/{world.case.id}")
    assert page.status_code == 200 and SECRET not in page.get_data(as_text=True)
    refused = colleague.post(f"/cases/{world.case.id}/handoffs/{named.id}/end",
                             data={"version": version(app, named.id), "reason": "勝手に終了"})
    assert refused.status_code in (400, 404)
    assert fresh(app, Handoff, named.id).state == "accepted"
    # the named worker ends it themself
    partner = client_of(app, world.users["partner"])
    assert partner.post(f"/cases/{world.case.id}/handoffs/{named.id}/end",
                        data={"version": version(app, named.id), "reason": "支援が終わったため"}).status_code == 302
    assert fresh(app, Handoff, named.id).state == "ended"


def test_a_summary_receiver_reads_its_own_handoff_not_another_of_the_same_institution(app, world):
    """A declined referral's reason stays with the handoff it declined: a later referral's reach does not open it."""
    lead = client_of(app, world.users["lead"])
    assert refer(lead, world, message="一度目のお願い").status_code == 302
    first = handoffs(app, world.case.id)[-1]
    partner = client_of(app, world.users["partner"])
    assert partner.post(f"/cases/{world.case.id}/handoffs/{first.id}/decline",
                        data={"version": version(app, first.id), "reason": "担当地区外のため"}).status_code == 302
    assert refer(lead, world, message="二度目のお願い").status_code == 302
    page = partner.get(f"/cases/{world.case.id}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "二度目のお願い" in text and "一度目のお願い" not in text and "担当地区外のため" not in text


def test_a_pending_referrals_reach_is_not_read_as_a_request_of_the_same_number(app, world):
    """The reviewer's test_r5: 社協's pending referral 1 and 地域包括's request 1 — 社協 sees its referral, not
    地域包括's question, and its page does not fail."""
    lead = client_of(app, world.users["lead"])
    assert refer(lead, world).status_code == 302
    request_id = _ask(app, world, to="houkatsu", question="地域包括への質問（社協には見せない）")
    assert request_id == handoffs(app, world.case.id)[0].id
    page = client_of(app, world.users["partner"]).get(f"/cases/{world.case.id}")
    assert page.status_code == 200, page.status_code
    assert "地域包括への質問" not in page.get_data(as_text=True)
    assert "見守りをお願いします" in page.get_data(as_text=True)


@pytest.mark.parametrize("due_days", [3, 25])  # the page is read by the referral's grant, or by the request's
def test_an_institution_asked_both_sees_and_answers_each_by_its_own_grant(app, world, due_days):
    """社協 holds a pending referral and an information request of the case: its page shows the referral's message
    and the question, and it answers the question (by the request's grant) and declines the referral (by its own),
    whichever of the two grants lasts longer (the page reads the case by that one)."""
    lead = client_of(app, world.users["lead"])
    assert refer(lead, world, message="見守りのお願い").status_code == 302
    referral = handoffs(app, world.case.id)[-1]
    request_id = _ask(app, world, to="shakyo", question="最近の様子は？", due_days=due_days)
    partner = client_of(app, world.users["partner"])
    page = partner.get(f"/cases/{world.case.id}")
    assert page.status_code == 200
    assert "見守りのお願い" in page.get_data(as_text=True) and "最近の様子は？" in page.get_data(as_text=True)
    answered = partner.post(f"/requests/{world.case.id}/{request_id}/answer",
                            data={f"answer-{request_id}-answer": "週に一度訪問しています"})
    assert answered.status_code == 302, answered.status_code
    assert fresh(app, InformationRequest, request_id).state == "answered"
    declined = partner.post(f"/cases/{world.case.id}/handoffs/{referral.id}/decline",
                            data={"version": version(app, referral.id), "reason": "人手が足りないため"})
    assert declined.status_code == 302, declined.status_code
    assert fresh(app, Handoff, referral.id).state == "declined"
    assert "人手が足りないため" in lead.get(f"/cases/{world.case.id}").get_data(as_text=True)
