"""つなぎ (referral) as its users see it: sent by the lead, seen by the receiver only as the summary and the message
while pending, accepted into the chosen scope, declined / cancelled / expired into nothing, ended by either side,
and ended by the person's withdrawal of consent. Both databases."""

from __future__ import annotations

import datetime as dt

from council.access.models import CaseGrant
from council.core import clock
from council.handoffs.models import Handoff
from tests.conftest import count, fresh
from tests.functional.handoffs.handoffs_world import (  # noqa: F401  (world_fixture: the fixture ``world``)
    ADDRESS,
    BODY,
    FILE,
    SUBJECT,
    client_of,
    handoffs,
    refer,
    version,
    world_fixture,
)


def test_a_referral_on_consent_is_seen_as_summary_and_message_then_accepted(app, world):
    lead, partner = client_of(app, world.users["lead"]), client_of(app, world.users["partner"])
    case = world.case
    assert partner.get(f"/cases/{case.id}").status_code == 404
    response = refer(lead, world)
    assert response.status_code == 302, response.get_data(as_text=True)
    page = lead.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Requested (依頼中)" in page and "見守りをお願いします" in page
    (handoff,) = handoffs(app, case.id)
    # Pending: the summary and the message, nothing personal, nothing to download.
    pending = partner.get(f"/cases/{case.id}")
    html = pending.get_data(as_text=True)
    assert pending.status_code == 200 and case.number in html and "見守りをお願いします" in html
    assert [text for text in (SUBJECT, ADDRESS, BODY, FILE) if text in html] == []
    assert 'data-testid="accept"' in html and 'data-testid="decline"' in html
    response = partner.post(f"/cases/{case.id}/handoffs/{handoff.id}/accept",
                            data={"version": version(app, handoff.id)})
    assert response.status_code == 302
    accepted = partner.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Accepted (受諾)" in accepted and SUBJECT not in accepted  # summary scope: still no name
    stored = fresh(app, Handoff, handoff.id)
    assert fresh(app, CaseGrant, stored.pending_grant_id).ended_at is not None
    share = fresh(app, CaseGrant, stored.grant_id)
    assert (share.scope, share.basis, share.legal_basis, share.consent_id) == (
        "summary", f"referral:{handoff.id}", "consent", world.consent_id)
    # The unrelated institution and the other council see nothing of it.
    for who in ("unrelated", "other council"):
        assert client_of(app, world.users[who]).get(f"/cases/{case.id}").status_code == 404


def test_a_full_referral_lets_the_receiver_work_on_the_case(app, world):
    lead, partner = client_of(app, world.users["lead"]), client_of(app, world.users["partner"])
    assert refer(lead, world, scope="full").status_code == 302
    (handoff,) = handoffs(app, world.case.id)
    partner.post(f"/cases/{world.case.id}/handoffs/{handoff.id}/accept", data={"version": version(app, handoff.id)})
    html = partner.get(f"/cases/{world.case.id}").get_data(as_text=True)
    assert SUBJECT in html and BODY in html and FILE in html


def test_a_declined_referral_grants_nothing_and_the_sender_reads_why(app, world):
    lead, partner = client_of(app, world.users["lead"]), client_of(app, world.users["partner"])
    refer(lead, world)
    (handoff,) = handoffs(app, world.case.id)
    refused = partner.post(f"/cases/{world.case.id}/handoffs/{handoff.id}/decline",
                           data={"version": version(app, handoff.id), "reason": ""})
    assert refused.status_code == 400 and "why you decline" in refused.get_data(as_text=True)
    declined = partner.post(f"/cases/{world.case.id}/handoffs/{handoff.id}/decline",
                            data={"version": version(app, handoff.id), "reason": "担当地区外のため"})
    # The decliner no longer reaches the case: sent to the inbox with the confirmation, not to a "not found" page.
    assert declined.status_code == 302 and declined.headers["Location"].endswith("/inbox")
    assert partner.get(f"/cases/{world.case.id}").status_code == 404
    page = lead.get(f"/cases/{world.case.id}").get_data(as_text=True)
    assert "Declined (辞退)" in page and "担当地区外のため" in page


def test_a_cancelled_referral_leaves_the_receiver_nothing(app, world):
    lead, partner = client_of(app, world.users["lead"]), client_of(app, world.users["partner"])
    refer(lead, world)
    (handoff,) = handoffs(app, world.case.id)
    assert lead.post(f"/cases/{world.case.id}/handoffs/{handoff.id}/cancel",
                     data={"version": version(app, handoff.id)}).status_code == 302
    assert "Cancelled (取消)" in lead.get(f"/cases/{world.case.id}").get_data(as_text=True)
    assert partner.get(f"/cases/{world.case.id}").status_code == 404


def test_an_unanswered_referral_expires_on_time_with_no_sweeper(app, world):
    refer(client_of(app, world.users["lead"]), world)
    (handoff,) = handoffs(app, world.case.id)
    with clock.moved_to(handoff.respond_by + dt.timedelta(minutes=1)):
        # Two weeks later: signed in anew (the sessions have lapsed by then).
        lead, partner = client_of(app, world.users["lead"]), client_of(app, world.users["partner"])
        assert partner.get(f"/cases/{world.case.id}").status_code == 404
        assert "Expired (期限切れ)" in lead.get(f"/cases/{world.case.id}").get_data(as_text=True)
        refused = partner.post(f"/cases/{world.case.id}/handoffs/{handoff.id}/accept",
                               data={"version": version(app, handoff.id)})
        assert refused.status_code == 404


def test_either_side_ends_an_accepted_share(app, world):
    lead, partner = client_of(app, world.users["lead"]), client_of(app, world.users["partner"])
    refer(lead, world)
    (handoff,) = handoffs(app, world.case.id)
    partner.post(f"/cases/{world.case.id}/handoffs/{handoff.id}/accept", data={"version": version(app, handoff.id)})
    assert partner.post(f"/cases/{world.case.id}/handoffs/{handoff.id}/end",
                        data={"version": version(app, handoff.id), "reason": "支援が終わったため"}).status_code == 302
    assert partner.get(f"/cases/{world.case.id}").status_code == 404
    page = lead.get(f"/cases/{world.case.id}").get_data(as_text=True)
    assert "Ended (終了)" in page and "支援が終わったため" in page


def test_withdrawing_the_consent_ends_the_share_and_tells_the_receiver(app, world):
    lead, partner = client_of(app, world.users["lead"]), client_of(app, world.users["partner"])
    refer(lead, world)
    (handoff,) = handoffs(app, world.case.id)
    partner.post(f"/cases/{world.case.id}/handoffs/{handoff.id}/accept", data={"version": version(app, handoff.id)})
    events = count(app, CaseGrant)
    assert lead.post(f"/cases/{world.case.id}/consents/{world.consent_id}/withdraw",
                     data={"version": "1"}).status_code == 302
    assert count(app, CaseGrant) == events
    assert partner.get(f"/cases/{world.case.id}").status_code == 404
    page = lead.get(f"/cases/{world.case.id}").get_data(as_text=True)
    assert "Ended (終了)" in page and "the person withdrew consent" in page
    home = partner.get("/").get_data(as_text=True)
    assert f"Case {world.case.number}: the person withdrew consent" in home and SUBJECT not in home
