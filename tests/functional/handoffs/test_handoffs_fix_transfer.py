"""A transfer takes back what the former lead left open: its referrals and information requests still waiting are
cancelled (their receivers lose the pending view at once), a referral whose sender no longer leads cannot be
accepted, the shares already accepted stay for the new lead to end, and the notices of a break-glass stay with the
institution that led the case when the glass was broken. Both databases."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select

from council.access.models import CaseGrant
from council.access.policy import Action, authorize
from council.audit.events import AuditTag
from council.audit.models import AuditEvent
from council.auth.models import User
from council.cases.models import Case
from council.core import clock
from council.database import db
from council.handoffs.breakglass.models import BreakGlass
from council.handoffs.models import Handoff
from council.handoffs.requests import services as request_services
from council.handoffs.requests.models import InformationRequest
from tests.conftest import db_get, fresh
from tests.functional.handoffs.handoffs_world import (  # noqa: F401  (world_fixture: the fixture ``world``)
    ADDRESS,
    SUBJECT,
    client_of,
    handoffs,
    refer,
    version,
    world_fixture,
)

EMERGENCY = {"legal_basis": "emergency", "consent": "0", "emergency_reason": "至急"}


def _transfer_to_shakyo(app, world):
    """The lead's supervisor transfers the case to 社協 (approved by sending it); 社協's caseworker accepts."""
    boss, partner = client_of(app, world.users["boss"]), client_of(app, world.users["partner"])
    assert boss.post(f"/cases/{world.case.id}/handoffs/new", data={
        "kind": "transfer", "receiver": world.institutions["shakyo"], "receiver_user": "0", "scope": "summary",
        **EMERGENCY}).status_code == 302
    transfer = handoffs(app, world.case.id)[-1]
    assert partner.post(f"/cases/{world.case.id}/handoffs/{transfer.id}/accept",
                        data={"version": version(app, transfer.id)}).status_code == 302
    assert fresh(app, Case, world.case.id).lead_institution_id == world.institutions["shakyo"]
    return partner, transfer


def _ask(app, world, institution_id: int) -> int:
    """The lead sends an information request about the case to ``institution_id``."""
    with app.test_request_context():
        actor, case = db_get(app, User, world.users["lead"].id), db_get(app, Case, world.case.id)
        row = request_services.send(
            actor=actor, case=case, access=authorize(actor, Action.MANAGE_SHARES, case),
            to_institution_id=institution_id, kind="information", question="最近の様子を教えてください",
            due_on=clock.japan_today() + dt.timedelta(days=10),
            legal=request_services.LegalChoice(legal_basis="emergency", emergency_reason="至急"))
        return row.id


def test_a_transfer_cancels_the_former_leads_pending_referral_and_request(app, world, make_institution,
                                                                          make_user):
    case = world.case
    lead = client_of(app, world.users["lead"])
    # A referral to 地域包括, in full, still waiting for its answer …
    assert refer(lead, world, receiver=world.institutions["houkatsu"], scope="full", **EMERGENCY).status_code == 302
    referral = handoffs(app, case.id)[-1]
    assert referral.state == "requested"
    # … and an information request to a clinic, whose staff reads the question and the summary meanwhile.
    clinic = make_institution("クリニック")
    nurse = client_of(app, make_user("caseworker", institution=clinic))
    request_id = _ask(app, world, clinic.id)
    assert nurse.get(f"/cases/{case.id}").status_code == 200
    unrelated = client_of(app, world.users["unrelated"])

    _, transfer = _transfer_to_shakyo(app, world)

    # Both are cancelled with the transfer: nobody the new lead did not choose keeps looking at the case.
    assert fresh(app, Handoff, referral.id).state == "cancelled"
    assert fresh(app, InformationRequest, request_id).state == "cancelled"
    assert unrelated.get(f"/cases/{case.id}").status_code == 404
    assert nurse.get(f"/cases/{case.id}").status_code == 404
    # 地域包括 can no longer accept the referral and read the whole case.
    response = unrelated.post(f"/cases/{case.id}/handoffs/{referral.id}/accept",
                              data={"version": version(app, referral.id)})
    assert response.status_code == 404
    assert fresh(app, Handoff, referral.id).state == "cancelled"
    assert ADDRESS not in unrelated.get(f"/cases/{case.id}").get_data(as_text=True)
    # Each is recorded, with a code and ids only.
    with app.app_context():
        reasons = {event.tag: event.reason for event in db.session.scalars(select(AuditEvent).where(
            AuditEvent.tag.in_([AuditTag.HANDOFF_CANCELLED, AuditTag.REQUEST_CANCELLED])))}
        ended = list(db.session.scalars(select(CaseGrant.end_reason).where(CaseGrant.case_id == case.id,
                                                                           CaseGrant.end_reason == "lead_changed")))
    assert reasons[AuditTag.HANDOFF_CANCELLED] == \
        f"handoff {referral.id}: referral; lead_changed by handoff {transfer.id}"
    assert reasons[AuditTag.REQUEST_CANCELLED] == f"request {request_id}: lead_changed"
    assert len(ended) == 2


def test_a_referral_whose_sender_no_longer_leads_cannot_be_accepted(app, world):
    """Defence in depth: were a referral of the former lead still waiting, its receiver is told, and gets
    nothing."""
    case = world.case
    lead = client_of(app, world.users["lead"])
    assert refer(lead, world, receiver=world.institutions["houkatsu"], scope="full", **EMERGENCY).status_code == 302
    referral = handoffs(app, case.id)[-1]
    with app.app_context():  # the lead changes by some other way than a transfer's acceptance
        db.session.get(Case, case.id).lead_institution_id = world.institutions["shakyo"]
        db.session.commit()
    unrelated = client_of(app, world.users["unrelated"])
    response = unrelated.post(f"/cases/{case.id}/handoffs/{referral.id}/accept",
                              data={"version": version(app, referral.id)})
    assert response.status_code == 400
    assert "no longer leads the case" in response.get_data(as_text=True)
    assert fresh(app, Handoff, referral.id).state == "requested"
    assert ADDRESS not in unrelated.get(f"/cases/{case.id}").get_data(as_text=True)


def test_the_new_lead_sees_and_ends_a_share_the_former_lead_made(app, world):
    case = world.case
    lead = client_of(app, world.users["lead"])
    # The former lead's referral to 地域包括, accepted before the transfer: it stays.
    assert refer(lead, world, receiver=world.institutions["houkatsu"], scope="full", **EMERGENCY).status_code == 302
    referral = handoffs(app, case.id)[-1]
    unrelated = client_of(app, world.users["unrelated"])
    assert unrelated.post(f"/cases/{case.id}/handoffs/{referral.id}/accept",
                          data={"version": version(app, referral.id)}).status_code == 302
    partner, _ = _transfer_to_shakyo(app, world)
    assert fresh(app, Handoff, referral.id).state == "accepted"
    assert SUBJECT in unrelated.get(f"/cases/{case.id}").get_data(as_text=True)
    # The new lead sees the share on the case page, with the button that ends it, and ends it.
    page = partner.get(f"/cases/{case.id}").get_data(as_text=True)
    assert f"/cases/{case.id}/handoffs/{referral.id}/end" in page
    response = partner.post(f"/cases/{case.id}/handoffs/{referral.id}/end",
                            data={"version": version(app, referral.id), "reason": "当機関で支援を引き継いだため"})
    assert response.status_code == 302
    assert fresh(app, Handoff, referral.id).state == "ended"
    assert unrelated.get(f"/cases/{case.id}").status_code == 404


def _notices(client) -> list[str]:
    page = client.get("/").get_data(as_text=True)
    return re.findall(r'data-testid="inbox-item" data-kind="breakglass.notice"><a href="[^"]+">([^<]+)</a>', page)


def test_break_glass_notices_stay_with_the_lead_of_their_time(app, world, make_institution, make_user):
    case = world.case
    breaker = make_user("caseworker", institution=make_institution("ほかの機関"))
    assert client_of(app, breaker).post("/break-glass/", data={
        "case_number": case.number, "risk": "missing", "reason": "安否確認が必要", "confirm": "y"}).status_code == 302
    with app.app_context():
        row = db.session.scalar(select(BreakGlass))
        row_id, lead_then = row.id, row.lead_institution_id
    assert lead_then == world.institutions["office"]
    boss, partner_boss = client_of(app, world.users["boss"]), client_of(app, world.users["partner boss"])
    assert len(_notices(boss)) == 1 and _notices(partner_boss) == []
    _transfer_to_shakyo(app, world)
    # The transfer neither hands the notice to the new lead nor takes it from the former one …
    assert len(_notices(boss)) == 1 and case.number in _notices(boss)[0]
    assert _notices(partner_boss) == []
    # … whose supervisor, reading the case during the close-out, still acknowledges it.
    response = boss.post(f"/break-glass/cases/{case.id}/{row_id}/acknowledge", follow_redirects=True)
    assert "Acknowledged." in response.get_data(as_text=True)
    assert _notices(boss) == [] and fresh(app, BreakGlass, row_id).acknowledged_by == world.users["boss"].id
