"""A transfer as the auditor reads it: every event of the acceptance and after rests on a basis its actor held at
that moment — the receiver's pending view until the lead changed, then the new lead's own reach; the former lead's
reads on its close-out grant — so the anomaly rule "a basis the user no longer held" finds nothing in a correct
transfer, and still finds a read recorded on the close-out after it lapsed. The log names the grant each actor held,
not the other grant of the same basis. Both databases."""

from __future__ import annotations

import datetime as dt

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from council.access.models import CaseGrant
from council.audit import history, rows
from council.audit.events import AuditTag, record
from council.audit.filters import LogFilter
from council.audit.models import AuditEvent
from council.audit.reviews import anomalies
from council.auth.models import User
from council.cases.models import Case
from council.core import clock
from council.database import db
from council.handoffs.models import Handoff
from tests.conftest import db_get, fresh
from tests.functional.handoffs.handoffs_world import (  # noqa: F401  (world_fixture: the fixture ``world``)
    client_of,
    handoffs,
    version,
    world_fixture,
)

RECEIVER_VIEW = "Transfer (移管) (to 社会福祉協議会, While asked: the message and the summary)"
CLOSE_OUT = "Transfer (移管) (to 福祉事務所, Read only)"


@pytest.fixture
def transferred(app, world):
    """The lead's supervisor transfers the case to 社協 (approved by sending it); 社協's caseworker reads the
    summary, accepts, and opens the case as its new lead; the former lead's caseworker reads it in its close-out."""
    boss, partner = client_of(app, world.users["boss"]), client_of(app, world.users["partner"])
    assert boss.post(f"/cases/{world.case.id}/handoffs/new", data={
        "kind": "transfer", "receiver": world.institutions["shakyo"], "receiver_user": "0", "scope": "summary",
        "legal_basis": "emergency", "consent": "0", "emergency_reason": "至急"}).status_code == 302
    transfer = handoffs(app, world.case.id)[-1]
    assert partner.get(f"/cases/{world.case.id}").status_code == 200           # the pending view
    assert partner.post(f"/cases/{world.case.id}/handoffs/{transfer.id}/accept",
                        data={"version": version(app, transfer.id)}).status_code == 302
    assert partner.get(f"/cases/{world.case.id}").status_code == 200           # now the lead's own
    assert client_of(app, world.users["lead"]).get(f"/cases/{world.case.id}").status_code == 200  # close-out
    return fresh(app, Handoff, transfer.id)


def _case_events(app, case_id: int) -> list[AuditEvent]:
    with app.app_context():
        events = list(db.session.scalars(select(AuditEvent).where(AuditEvent.case_id == case_id)
                                         .order_by(AuditEvent.seq)))
        for event in events:
            db.session.expunge(event)
        return events


def _lapsed(app, council_id: int) -> list[anomalies.Finding]:
    today = clock.japan_today()
    with app.test_request_context():
        return anomalies.RULES_BY_KEY["lapsed_basis"].find(
            council_id, LogFilter(since=today - dt.timedelta(days=1), until=today + dt.timedelta(days=40)))


def test_every_event_of_a_transfer_rests_on_a_basis_its_actor_held(app, world, transferred):
    basis = f"transfer:{transferred.id}"
    partner, lead = world.users["partner"], world.users["lead"]
    events = _case_events(app, world.case.id)
    with app.app_context():
        pending = db.session.get(CaseGrant, transferred.pending_grant_id)
        close_out = db.session.get(CaseGrant, transferred.grant_id)
    (changed,) = [e for e in events if e.tag == AuditTag.CASE_LEAD_CHANGED]
    # The lead changed while the receiver still held its pending view; the view ended after the acceptance.
    assert (changed.actor_user_id, changed.basis) == (partner.id, basis)
    assert pending.starts_at <= changed.occurred_at < pending.ended_at
    accepted = [e for e in events if e.tag == AuditTag.HANDOFF_ACCEPTED]
    assert all(e.occurred_at < pending.ended_at for e in accepted)
    # Afterwards the new lead reads as the assigned worker, the former lead on its close-out grant.
    views = [(e.actor_user_id, e.actor_institution_id, e.basis) for e in events
             if e.tag == AuditTag.CASE_VIEWED and e.seq > changed.seq]
    assert views == [(partner.id, world.institutions["shakyo"], "assigned"),
                     (lead.id, world.institutions["office"], basis)]
    assert close_out.institution_id == world.institutions["office"]
    assert _lapsed(app, world.case.council_id) == []


def test_the_log_names_the_grant_each_actor_held(app, world, transferred):
    events = _case_events(app, world.case.id)
    with app.test_request_context(), force_locale("en"):
        described = {row.seq: row.basis for row in rows.describe(events)}
    by_tag = {}
    for event in events:
        by_tag.setdefault((event.tag, event.actor_user_id), []).append(described[event.seq])
    partner, lead, boss = (world.users[name].id for name in ("partner", "lead", "boss"))
    assert by_tag[(AuditTag.CASE_LEAD_CHANGED, partner)] == [RECEIVER_VIEW]
    assert by_tag[(AuditTag.HANDOFF_ACCEPTED, partner)] == [RECEIVER_VIEW]
    assert by_tag[(AuditTag.CASE_VIEWED, partner)] == [RECEIVER_VIEW, "As the assigned worker"]
    assert by_tag[(AuditTag.CASE_VIEWED, lead)][-1] == CLOSE_OUT
    # A grant's own events name that grant: the pending view made by the sender and ended by the receiver, the
    # close-out made by the receiver for the former lead.
    assert by_tag[(AuditTag.GRANT_CREATED, boss)] == [RECEIVER_VIEW]
    assert by_tag[(AuditTag.GRANT_CREATED, partner)] == [CLOSE_OUT]
    assert by_tag[(AuditTag.GRANT_ENDED, partner)] == [RECEIVER_VIEW]
    # "Who looked at this person": each line with the grant that user held.
    with app.test_request_context(), force_locale("en"):
        looked = {line.actor.user_id: line.bases for line in history.who_looked(
            council_id=world.case.council_id, number=world.case.number)}
    assert RECEIVER_VIEW in looked[partner] and CLOSE_OUT not in looked[partner]
    assert CLOSE_OUT in looked[lead] and RECEIVER_VIEW not in looked[lead]


def _forged_read(app, user_id: int, case_id: int, basis: str) -> None:
    """A read recorded as a faulty check (or a forged row) would record it: the policy itself lets nobody in."""
    with app.test_request_context():
        record(tag=AuditTag.CASE_VIEWED, actor=db_get(app, User, user_id), case=db_get(app, Case, case_id),
               basis=basis)
        db.session.commit()


def test_a_read_on_a_grant_of_the_transfer_that_ended_or_lapsed_is_still_found(app, world, transferred):
    basis, lead, partner = f"transfer:{transferred.id}", world.users["lead"].id, world.users["partner"].id
    # The receiver's pending view ended with the acceptance: a read recorded on it afterwards is found …
    _forged_read(app, partner, world.case.id, basis)
    assert [(f.user_id, f.count) for f in _lapsed(app, world.case.council_id)] == [(partner, 1)]
    # … and so is the former lead's read after its close-out lapsed (not the reads within it).
    with app.app_context():
        close_out = db.session.get(CaseGrant, transferred.grant_id)
    with clock.moved_to(close_out.expires_at + dt.timedelta(hours=1)):
        _forged_read(app, lead, world.case.id, basis)
    findings = _lapsed(app, world.case.council_id)
    assert sorted((f.user_id, f.count) for f in findings) == sorted([(partner, 1), (lead, 1)])
