"""The legal-basis and receiver rules of a handoff (handoffs.rules), checked before anything is written, and the
transfer's close-out read grant lapsing by itself when the clock moves past it."""

from __future__ import annotations

import datetime as dt

import pytest
from flask_babel import force_locale
from werkzeug.exceptions import NotFound

from council.access.models import LegalBasis
from council.access.policy import Action, authorize
from council.access.scopes import Scope
from council.auth.models import Institution, User
from council.cases import documents
from council.cases.models import Case
from council.core.clock import utcnow
from council.database import db
from council.handoffs import decisions, services
from council.handoffs.errors import HandoffError
from council.handoffs.models import HandoffKind
from tests.conftest import db_get


@pytest.fixture
def parties(app, make_institution, make_user, make_case):
    lead = make_user("caseworker", institution=make_institution("福祉事務所"))
    partner = make_user("caseworker", institution=make_institution("社協"))
    other = make_user("caseworker", institution=make_institution("よその機関", council="よその協議会"))
    return {"lead": lead, "partner": partner, "other": other, "case": make_case(lead)}


def _consent(actor, case, *, purpose_code="referral", recipients=()):
    return documents.record_consent(actor=actor, case=case, access=authorize(actor, Action.EDIT_DETAILS, case),
                                    purpose_code=purpose_code, purpose="目的", recipients="先", scope="概要",
                                    obtained_on=dt.date(2026, 4, 1), obtained_how="written", given_by="person",
                                    recipient_institution_ids=list(recipients))


def _send(app, parties, **changes):
    lead, case = db_get(app, User, parties["lead"].id), db_get(app, Case, parties["case"].id)
    data = {"kind": HandoffKind.REFERRAL, "receiver": db_get(app, Institution, parties["partner"].institution_id),
            "legal_basis": LegalBasis.EMERGENCY, "emergency_reason": "至急", **changes}
    return services.send(actor=lead, case=case, access=authorize(lead, Action.MANAGE_SHARES, case),
                         data=services.HandoffInput(**data))


@pytest.mark.parametrize(("change", "message"), [
    ({"receiver": "lead"}, "already leads"),
    ({"receiver": "other"}, "member institution of this council"),
    ({"emergency_reason": " "}, "cannot wait"),
    ({"legal_basis": LegalBasis.COUNCIL_SHARING, "emergency_reason": ""}, "registered council case"),
    ({"kind": HandoffKind.TRANSFER_REQUEST}, "referral or a transfer"),
    ({"scope": Scope.REQUEST}, "whole case or its summary"),
    ({"receiver_user": "other"}, "named worker"),
])
def test_a_handoff_the_rules_refuse_writes_nothing(app, parties, change, message):
    with app.test_request_context(), force_locale("en"):
        named = {"lead": db_get(app, Institution, parties["lead"].institution_id),
                 "other": db_get(app, Institution, parties["other"].institution_id)}
        if change.get("receiver") in named:
            change = {**change, "receiver": named[change["receiver"]]}
        if change.get("receiver_user") == "other":
            change = {**change, "receiver_user": db_get(app, User, parties["other"].id)}
        with pytest.raises(HandoffError, match=message):
            _send(app, parties, **change)


@pytest.mark.parametrize(("purpose", "names_partner", "withdrawn", "message"), [
    ("other", True, False, "purpose is not sharing"),
    ("referral", False, False, "does not name"),
    ("referral", True, True, "in force"),
])
def test_a_consent_carries_a_referral_only_when_in_force_for_sharing_with_the_receiver(app, parties, purpose,
                                                                                       names_partner, withdrawn,
                                                                                       message):
    with app.test_request_context(), force_locale("en"):
        lead, case = db_get(app, User, parties["lead"].id), db_get(app, Case, parties["case"].id)
        consent = _consent(lead, case, purpose_code=purpose,
                           recipients=[parties["partner"].institution_id] if names_partner else [])
        if withdrawn:
            documents.withdraw_consent(actor=lead, case=case, access=authorize(lead, Action.EDIT_DETAILS, case),
                                       consent=consent, version=consent.version)
        with pytest.raises(HandoffError, match=message):
            _send(app, parties, legal_basis=LegalBasis.CONSENT, consent=consent, emergency_reason="")


def test_one_referral_per_receiver_at_a_time(app, parties):
    with app.test_request_context(), force_locale("en"):
        _send(app, parties)
        with pytest.raises(HandoffError, match="already has a referral"):
            _send(app, parties)


def test_the_close_out_read_grant_lapses_by_itself(app, parties):
    with app.test_request_context(), force_locale("en"):
        handoff = _send(app, parties, kind=HandoffKind.TRANSFER)
        partner = db_get(app, User, parties["partner"].id)
        case = db_get(app, Case, parties["case"].id)
        lead = db_get(app, User, parties["lead"].id)
        assert handoff.state == "awaiting_approval"
        handoff.approved_by, handoff.state = lead.id, "requested"  # approved (tested through the pages)
        db.session.commit()
        decisions.accept(actor=partner, case=case, handoff=handoff, version=handoff.version)
        now = utcnow()
        assert authorize(lead, Action.READ_FULL, case, now=now).scope == Scope.READ
        with pytest.raises(NotFound):
            authorize(lead, Action.WRITE_RECORD, case, now=now)
        assert authorize(lead, Action.READ_FULL, case, now=now + dt.timedelta(days=29, hours=23)).scope == Scope.READ
        with pytest.raises(NotFound):
            authorize(lead, Action.READ_FULL, case, now=now + dt.timedelta(days=30, minutes=1))


def test_a_council_case_is_registered_by_the_coordinator_or_a_meeting(app, make_institution, make_user, make_case):
    from council.cases.council_cases import register_council_case
    from council.cases.errors import CaseError

    coordinator = make_user("coordinator", institution=make_institution("調整機関", coordinator=True))
    case = make_case(make_user("caseworker"))
    with app.test_request_context(), force_locale("en"):
        actor, stored = db_get(app, User, coordinator.id), db_get(app, Case, case.id)
        with pytest.raises(CaseError, match="coordinator or by a meeting"):
            register_council_case(actor=actor, case=stored, basis="phone call")
        register_council_case(actor=actor, case=stored, basis="meeting:7")
        assert (stored.council_case_basis, stored.council_case_by) == ("meeting:7", coordinator.id)
        with pytest.raises(CaseError, match="already a council case"):
            register_council_case(actor=actor, case=db_get(app, Case, case.id))
