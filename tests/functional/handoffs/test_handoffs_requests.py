"""Requests to the lead — 移管の申し出 from someone working on the case, つなぎの依頼 from the duplicate check — and
the legal bases that need more than a consent: a registered 協議会ケース (registered by the coordinator from the
ledger), an emergency (flagged for auditors), and a 要配慮 case (a supervisor approves first). Both databases."""

from __future__ import annotations

from sqlalchemy import select

from council.audit.models import AuditEvent
from council.cases.duplicates import issue_hit_token
from council.cases.models import Case
from council.database import db
from council.handoffs.models import Handoff
from tests.conftest import db_get, fresh
from tests.functional.handoffs.handoffs_world import (  # noqa: F401  (world_fixture: the fixture ``world``)
    SUBJECT,
    client_of,
    handoffs,
    refer,
    version,
    world_fixture,
)


def _accepted_full_referral(app, world, lead, partner):
    refer(lead, world, scope="full")
    (handoff,) = handoffs(app, world.case.id)
    partner.post(f"/cases/{world.case.id}/handoffs/{handoff.id}/accept", data={"version": version(app, handoff.id)})
    return handoff


def test_a_referral_receiver_asks_for_a_transfer_and_the_lead_answers_it_with_one(app, world):
    lead, partner = client_of(app, world.users["lead"]), client_of(app, world.users["partner"])
    case = world.case
    _accepted_full_referral(app, world, lead, partner)
    assert 'data-testid="ask-transfer"' in partner.get(f"/cases/{case.id}").get_data(as_text=True)
    refused = partner.post(f"/cases/{case.id}/handoffs/ask-transfer", data={"message": ""})
    assert refused.status_code == 400
    assert partner.post(f"/cases/{case.id}/handoffs/ask-transfer",
                        data={"message": "当会で継続的に関わるため"}).status_code == 302
    request = handoffs(app, case.id)[-1]
    assert (request.kind, request.receiver_institution_id) == ("transfer_request", world.institutions["office"])
    home = lead.get("/").get_data(as_text=True)
    assert f"Case {case.number}: Request for a transfer (移管の申し出) to answer" in home
    assert "当会で継続的に関わるため" in lead.get(f"/cases/{case.id}").get_data(as_text=True)
    # The lead answers by making the transfer asked for: the form comes filled in.
    form = lead.post(f"/cases/{case.id}/handoffs/{request.id}/accept", data={"version": version(app, request.id)},
                     follow_redirects=True).get_data(as_text=True)
    assert "This answers a request from 社会福祉協議会" in form
    response = lead.post(f"/cases/{case.id}/handoffs/new", data={
        "kind": "transfer", "receiver": world.institutions["shakyo"], "receiver_user": "0", "scope": "full",
        "legal_basis": "emergency", "consent": "0", "emergency_reason": "転居に伴う緊急の引継ぎ",
        "answers": str(request.id)})
    assert response.status_code == 302
    assert fresh(app, Handoff, request.id).state == "accepted"
    assert handoffs(app, case.id)[-1].answers_id == request.id


def test_the_lead_declines_a_request_with_a_reason(app, world):
    lead, partner = client_of(app, world.users["lead"]), client_of(app, world.users["partner"])
    _accepted_full_referral(app, world, lead, partner)
    partner.post(f"/cases/{world.case.id}/handoffs/ask-transfer", data={"message": "当会で継続的に関わるため"})
    request = handoffs(app, world.case.id)[-1]
    # The asker cannot answer its own request.
    assert partner.post(f"/cases/{world.case.id}/handoffs/{request.id}/decline",
                        data={"version": version(app, request.id), "reason": "x"}).status_code == 400
    assert lead.post(f"/cases/{world.case.id}/handoffs/{request.id}/decline",
                     data={"version": version(app, request.id), "reason": "当面は当所で継続"}).status_code == 302
    assert "当面は当所で継続" in partner.get(f"/cases/{world.case.id}").get_data(as_text=True)


def test_a_summary_receiver_or_the_lead_cannot_ask_for_a_transfer(app, world):
    lead, partner = client_of(app, world.users["lead"]), client_of(app, world.users["partner"])
    refer(lead, world)  # summary
    assert partner.get(f"/cases/{world.case.id}/handoffs/ask-transfer").status_code == 404
    assert "nobody to ask" in lead.get(f"/cases/{world.case.id}/handoffs/ask-transfer").get_data(as_text=True)


def test_the_duplicate_check_lets_an_institution_ask_for_a_referral_without_seeing_the_case(app, world):
    asker = client_of(app, world.users["unrelated"])
    case = world.case
    with app.test_request_context():
        token = issue_hit_token(case.id, world.users["unrelated"])
        others = issue_hit_token(case.id, world.users["partner"])
    assert asker.get("/handoffs/ask-referral?hit=forged").status_code == 404
    assert asker.get(f"/handoffs/ask-referral?hit={others}").status_code == 404  # bound to the user it was shown to
    page = asker.get(f"/handoffs/ask-referral?hit={token}").get_data(as_text=True)
    assert "福祉事務所" in page and SUBJECT not in page and case.number not in page
    assert asker.post("/handoffs/ask-referral", data={"hit": token}).status_code == 302
    (request,) = handoffs(app, case.id)
    assert (request.kind, request.sender_institution_id) == ("referral_request", world.institutions["houkatsu"])
    assert asker.get(f"/cases/{case.id}").status_code == 404  # asking gives nothing
    lead = client_of(app, world.users["lead"])
    home = lead.get("/").get_data(as_text=True)
    assert f"Case {case.number}: Request for a referral (つなぎの依頼) to answer" in home
    assert asker.post("/handoffs/ask-referral", data={"hit": token}).status_code == 400  # asked already


def test_the_coordinator_registers_a_council_case_and_sharing_within_the_council_follows(app, world):
    coordinator, lead = client_of(app, world.users["coordinator"]), client_of(app, world.users["lead"])
    case = world.case
    refused = refer(lead, world, receiver=world.institutions["houkatsu"], legal_basis="council_sharing", consent="0")
    assert refused.status_code == 400 and "registered council case" in refused.get_data(as_text=True)
    # Only from the coordinator institution's ledger.
    assert client_of(app, world.users["boss"]).post("/cases/ledger/council-case", data={
        "case_id": case.id, "action": "register"}).status_code == 403
    ledger = coordinator.get("/cases/ledger").get_data(as_text=True)
    assert "Register as a council case" in ledger
    assert coordinator.post("/cases/ledger/council-case", data={"case_id": case.id, "action": "register"}
                            ).status_code == 302
    stored = fresh(app, Case, case.id)
    assert (stored.council_case_basis, stored.council_case_by) == ("coordinator", world.users["coordinator"].id)
    assert "Registered" in coordinator.get("/cases/ledger").get_data(as_text=True)
    assert "Registered" in lead.get(f"/cases/{case.id}").get_data(as_text=True)
    assert refer(lead, world, receiver=world.institutions["houkatsu"], legal_basis="council_sharing",
                 consent="0").status_code == 302
    assert client_of(app, world.users["unrelated"]).get(f"/cases/{case.id}").status_code == 200  # pending view
    coordinator.post("/cases/ledger/council-case", data={"case_id": case.id, "action": "unregister",
                                                         "reason": "registered_by_mistake"})
    assert fresh(app, Case, case.id).council_case_at is None
    with app.app_context():
        tags = list(db.session.scalars(select(AuditEvent.tag).where(AuditEvent.case_id == case.id,
                                                                    AuditEvent.tag.like("case:council:%"))))
    assert tags == ["case:council:registered", "case:council:unregistered"]


def test_an_emergency_referral_needs_a_reason_and_is_flagged_for_auditors(app, world):
    lead = client_of(app, world.users["lead"])
    refused = refer(lead, world, legal_basis="emergency", consent="0")
    assert refused.status_code == 400 and "cannot wait" in refused.get_data(as_text=True)
    assert refer(lead, world, legal_basis="emergency", consent="0",
                 emergency_reason="自傷のおそれがあり至急").status_code == 302
    (handoff,) = handoffs(app, world.case.id)
    assert handoff.emergency
    with app.app_context():
        sent = db.session.scalar(select(AuditEvent).where(AuditEvent.tag == "case:handoff:sent"))
    assert "emergency" in sent.reason and "自傷" not in sent.reason and SUBJECT not in sent.reason


def test_sharing_a_restricted_case_waits_for_a_supervisor_and_the_form_says_why(app, world):
    with app.app_context():
        db_get(app, Case, world.case.id).restricted = True
        db.session.commit()
    lead, partner = client_of(app, world.users["lead"]), client_of(app, world.users["partner"])
    assert "要配慮 (restricted" in lead.get(f"/cases/{world.case.id}/handoffs/new").get_data(as_text=True)
    assert refer(lead, world).status_code == 302
    (handoff,) = handoffs(app, world.case.id)
    assert handoff.state == "awaiting_approval"
    assert partner.get(f"/cases/{world.case.id}").status_code == 404
    boss = client_of(app, world.users["boss"])
    boss.post(f"/cases/{world.case.id}/handoffs/{handoff.id}/approve", data={"version": version(app, handoff.id)})
    assert partner.get(f"/cases/{world.case.id}").status_code == 200


def test_a_consent_must_name_the_receiver_and_be_for_sharing(app, world):
    lead = client_of(app, world.users["lead"])
    refused = refer(lead, world, receiver=world.institutions["houkatsu"])
    assert refused.status_code == 400 and "does not name 地域包括" in refused.get_data(as_text=True)
    assert handoffs(app, world.case.id) == []
