"""A referral's state × scope × relation: who may open the case page, and what it shows them (issue 10's matrix).

The sender (the lead) always works on its case; the receiver sees the summary and the message while the referral
is pending, the chosen scope once it accepted, and nothing after a decline, a cancellation, an expiry or an end; an
unrelated institution of the council and another council never see it. Both databases.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from council.access.models import LegalBasis
from council.access.policy import Action, authorize
from council.access.scopes import Scope
from council.auth.models import Institution, User
from council.cases.models import Attachment, Case, SupportRecord
from council.core import clock
from council.database import db
from council.handoffs import decisions, services
from council.handoffs.models import Handoff, HandoffKind
from tests.conftest import db_get
from tests.functional.handoffs.handoffs_world import (  # noqa: F401  (world_fixture: the fixture ``world``)
    ADDRESS,
    BODY,
    FILE,
    SUBJECT,
    client_of,
    world_fixture,
)

MESSAGE = "見守りをお願いします"
#: state → what the receiver gets: None (404), "summary" or "full".
RECEIVER_SEES = {"pending": "summary", "accepted summary": "summary", "accepted full": "full", "declined": None,
                 "cancelled": None, "expired": None, "ended": None}


def _referral(app, world, state: str) -> dict:
    """A referral of the world's case to 社協 brought into ``state`` through the services; returns clock moves."""
    with app.test_request_context():
        lead, partner = db_get(app, User, world.users["lead"].id), db_get(app, User, world.users["partner"].id)
        case = db_get(app, Case, world.case.id)
        access = authorize(lead, Action.MANAGE_SHARES, case)
        handoff = services.send(actor=lead, case=case, access=access, data=services.HandoffInput(
            kind=HandoffKind.REFERRAL, receiver=db_get(app, Institution, world.institutions["shakyo"]),
            legal_basis=LegalBasis.EMERGENCY, emergency_reason="至急", message=MESSAGE,
            scope=Scope.FULL if state == "accepted full" else Scope.SUMMARY))
        if state.startswith("accepted") or state == "ended":
            decisions.accept(actor=partner, case=case, handoff=handoff, version=handoff.version)
        if state == "ended":
            decisions.end_share(actor=lead, case=case, access=access, handoff=handoff, reason="終了",
                                version=handoff.version)
        if state == "declined":
            decisions.decline(actor=partner, case=case, access=authorize(partner, Action.ANSWER_HANDOFF, case),
                              handoff=handoff, reason="対象外", version=handoff.version)
        if state == "cancelled":
            services.cancel(actor=lead, case=case, access=access, handoff=handoff, version=handoff.version)
        stored = db.session.get(Handoff, handoff.id)
        return {"respond_by": stored.respond_by}


@pytest.mark.parametrize("state", list(RECEIVER_SEES))
def test_who_sees_the_case_in_each_state_of_a_referral(app, world, state):
    moved = _referral(app, world, state)
    when = moved["respond_by"] + dt.timedelta(minutes=1) if state == "expired" else clock.utcnow()
    with clock.moved_to(when):
        pages = {who: client_of(app, world.users[who]).get(f"/cases/{world.case.id}")
                 for who in ("lead", "partner", "unrelated", "other council")}
    assert pages["lead"].status_code == 200 and SUBJECT in pages["lead"].get_data(as_text=True)
    assert pages["unrelated"].status_code == 404 and pages["other council"].status_code == 404
    sees, page = RECEIVER_SEES[state], pages["partner"]
    if sees is None:
        assert page.status_code == 404
        return
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and world.case.number in html and MESSAGE in html
    if sees == "full":
        assert SUBJECT in html and ADDRESS in html and BODY in html and FILE in html
    else:
        assert [text for text in (SUBJECT, ADDRESS, BODY, FILE, "090-1234-5678") if text in html] == []


def test_a_summary_receiver_gets_404_on_files_record_bodies_and_the_address(app, world):
    _referral(app, world, "accepted summary")
    with app.app_context():
        attachment = db.session.scalar(select(Attachment.id).where(Attachment.case_id == world.case.id))
        record = db.session.scalar(select(SupportRecord.id).where(SupportRecord.case_id == world.case.id))
    partner = client_of(app, world.users["partner"])
    base = f"/cases/{world.case.id}"
    for path in (f"{base}/attachments/{attachment}", f"{base}/records/{record}/history",
                 f"{base}/records/{record}/edit", f"{base}/edit", f"{base}/plan/history"):
        response = partner.get(path)
        assert response.status_code == 404 and ADDRESS not in response.get_data(as_text=True), path
    printed = partner.get(f"{base}/print").get_data(as_text=True)
    assert ADDRESS not in printed and SUBJECT not in printed
