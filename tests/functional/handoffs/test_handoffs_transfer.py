"""移管 (transfer): drafted by a lead caseworker, approved by a supervisor of the sending institution (a supervisor's
own is approved by sending it), accepted by the receiver — which becomes the lead, with the same case number — and
the former lead reads it for the close-out period, after which its access lapses by itself. Both databases."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select

from council.access.models import CaseGrant
from council.audit.models import AuditEvent
from council.auth.models import Institution
from council.cases.models import Case, CaseAssignment
from council.core import clock
from council.database import db
from council.handoffs.models import Handoff
from tests.conftest import fresh
from tests.functional.handoffs.handoffs_world import (  # noqa: F401  (world_fixture: the fixture ``world``)
    BODY,
    SUBJECT,
    client_of,
    handoffs,
    version,
    world_fixture,
)


def transfer(client, world, **fields):
    return client.post(f"/cases/{world.case.id}/handoffs/new", data={
        "kind": "transfer", "receiver": world.institutions["shakyo"], "receiver_user": "0", "scope": "summary",
        "legal_basis": "emergency", "consent": "0", "emergency_reason": "本人の安全確保のため至急", **fields})


def test_a_transfer_needs_a_supervisor_then_the_receiver_becomes_the_lead(app, world, make_user):
    lead, boss = client_of(app, world.users["lead"]), client_of(app, world.users["boss"])
    partner = client_of(app, world.users["partner"])
    case = world.case
    assert transfer(lead, world).status_code == 302
    (handoff,) = handoffs(app, case.id)
    assert handoff.state == "awaiting_approval"
    assert partner.get(f"/cases/{case.id}").status_code == 404  # nothing until a supervisor approves
    assert "Awaiting approval" in lead.get(f"/cases/{case.id}").get_data(as_text=True)
    # The caseworker cannot approve it; the supervisor can.
    lead.post(f"/cases/{case.id}/handoffs/{handoff.id}/approve", data={"version": version(app, handoff.id)})
    assert fresh(app, Handoff, handoff.id).approved_by is None
    boss_home = boss.get("/").get_data(as_text=True)
    assert f"Case {case.number}: Transfer (移管) awaits your approval" in boss_home
    assert boss.post(f"/cases/{case.id}/handoffs/{handoff.id}/approve",
                     data={"version": version(app, handoff.id)}).status_code == 302
    assert fresh(app, Handoff, handoff.id).approved_by == world.users["boss"].id
    assert f"Case {case.number}: Transfer (移管) to answer" in partner.get("/").get_data(as_text=True)
    page = partner.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "本人の安全確保のため至急" in page and SUBJECT not in page
    assert partner.post(f"/cases/{case.id}/handoffs/{handoff.id}/accept",
                        data={"version": version(app, handoff.id)}).status_code == 302
    stored = fresh(app, Case, case.id)
    assert stored.lead_institution_id == world.institutions["shakyo"] and stored.number == case.number
    with app.app_context():
        assigned = set(db.session.scalars(select(CaseAssignment.user_id).where(CaseAssignment.case_id == case.id)))
        changed = db.session.scalar(select(AuditEvent).where(AuditEvent.tag == "case:lead:changed",
                                                             AuditEvent.case_id == case.id))
    assert assigned == {world.users["partner"].id}  # the former lead's assignments are gone
    assert changed.basis == f"transfer:{handoff.id}" and SUBJECT not in (changed.reason or "")
    # The new lead works on the case in full; the former lead reads it (閲覧のみ) and writes nothing.
    assert SUBJECT in partner.get(f"/cases/{case.id}").get_data(as_text=True)
    former = lead.get(f"/cases/{case.id}")
    assert former.status_code == 200 and BODY in former.get_data(as_text=True)
    assert lead.post(f"/cases/{case.id}/records", data={"occurred_at": "2026-04-05T10:00", "kind": "phone",
                                                        "body": "x"}).status_code == 404
    close_out = fresh(app, CaseGrant, fresh(app, Handoff, handoff.id).grant_id)
    assert (close_out.scope, close_out.institution_id) == ("read", world.institutions["office"])
    assert close_out.expires_at - close_out.starts_at == dt.timedelta(days=30)
    # Within the last week the former lead is told the share lapses; after it, the case is gone by itself.
    # (Signed in anew each time the clock moves: sessions lapse meanwhile, and each sign-in takes a TOTP step.)
    office = fresh(app, Institution, world.institutions["office"])
    with clock.moved_to(close_out.expires_at - dt.timedelta(days=2)):
        boss = client_of(app, world.users["boss"])
        assert f"Case {case.number}: the share with you ends on" in boss.get("/").get_data(as_text=True)
    with clock.moved_to(close_out.expires_at + dt.timedelta(minutes=1)):
        assert client_of(app, make_user("supervisor", institution=office)).get(f"/cases/{case.id}").status_code == 404
        assert client_of(app, world.users["partner"]).get(f"/cases/{case.id}").status_code == 200


def test_a_supervisors_own_transfer_is_approved_by_sending_it(app, world):
    boss = client_of(app, world.users["boss"])
    assert transfer(boss, world).status_code == 302
    (handoff,) = handoffs(app, world.case.id)
    assert (handoff.state, handoff.approved_by) == ("requested", world.users["boss"].id)


def test_a_transfer_does_not_rest_on_consent_and_council_sharing_needs_a_registered_case(app, world):
    lead = client_of(app, world.users["lead"])
    refused = transfer(lead, world, legal_basis="consent", consent=world.consent_id, emergency_reason="")
    assert refused.status_code == 400 and "not on consent" in refused.get_data(as_text=True)
    refused = transfer(lead, world, legal_basis="council_sharing", emergency_reason="")
    assert refused.status_code == 400 and "registered council case" in refused.get_data(as_text=True)
    chosen = r'checked[^>]*value="council_sharing"|value="council_sharing"[^>]*checked'
    assert re.search(chosen, refused.get_data(as_text=True))  # what was chosen stays
    assert handoffs(app, world.case.id) == []
