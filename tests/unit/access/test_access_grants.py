"""Making and ending grants: what is refused, what is recorded, and consent withdrawal ending its shares at once."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import NotFound

from council.access import grants
from council.access.grants import GrantRefused
from council.access.models import CaseGrant
from council.access.policy import Action, authorize
from council.audit.events import AuditTag
from council.audit.models import AuditEvent
from council.auth.models import Institution, User
from council.cases import documents
from council.cases.errors import CaseError
from council.cases.models import Case, Consent
from council.core.clock import utcnow
from council.database import db
from tests.conftest import db_get


@pytest.fixture
def parties(app, make_institution, make_user, make_case):
    """A case of the home institution, a member institution to share with, and one of another council."""
    owner = make_user("caseworker", institution=make_institution("ホーム機関"))
    partner = make_institution("つなぎ先の機関")
    reader = make_user("caseworker", institution=partner)
    return {"owner": owner, "partner": partner, "reader": reader, "case": make_case(owner),
            "other_case": make_case(owner), "elsewhere": make_institution("よその機関", council="よその協議会"),
            "auditor": make_user("auditor", institution=partner), "admin": make_user("admin", institution=partner)}


def consent_for(actor, case, *recipients: Institution) -> Consent:
    return documents.record_consent(actor=actor, case=case, access=authorize(actor, Action.EDIT_DETAILS, case),
                                    purpose_code="referral",
                                    purpose="就労支援のため", recipients="つなぎ先", scope="概要",
                                    obtained_on=dt.date(2026, 4, 1), obtained_how="written", given_by="person",
                                    recipient_institution_ids=[i.id for i in recipients])


def events(tag: AuditTag) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.tag == str(tag)).order_by(AuditEvent.seq)))


def stored(model, id_):
    """The row as the database holds it now (this session's transaction ended first: SQLite has one writer)."""
    db.session.commit()
    db.session.expire_all()
    return db.session.get(model, id_)


REFUSALS = {
    "an institution of another council": lambda p: {"institution": p["elsewhere"]},
    "the lead institution itself": lambda p: {"institution": p["home"]},
    "an auditor": lambda p: {"institution": None, "user": p["auditor"]},
    "an administrator": lambda p: {"institution": None, "user": p["admin"]},
    "an institution and a user at once": lambda p: {"user": p["reader"]},
    "nobody": lambda p: {"institution": None},
    "the ledger scope": lambda p: {"scope": "ledger"},
    "a basis without an id": lambda p: {"basis": "referral"},
    "a basis of an unknown kind": lambda p: {"basis": "friendship:3"},
    "an expiry before the start": lambda p: {"expires_at": utcnow() - dt.timedelta(minutes=1)},
    "consent as legal basis without a consent": lambda p: {"legal_basis": "consent"},
    "a consent with another legal basis": lambda p: {"consent": p["consent"]},
    "a consent of another case": lambda p: {"legal_basis": "consent", "consent": p["other_consent"]},
    "a consent that does not name the recipient": lambda p: {"legal_basis": "consent", "consent": p["narrow_consent"]},
    "a withdrawn consent": lambda p: {"legal_basis": "consent", "consent": p["withdrawn_consent"]},
    "a consent basis naming another consent": lambda p: {"legal_basis": "consent", "consent": p["consent"],
                                                         "basis": f"consent:{p['consent'].id + 1000}"},
}


@pytest.mark.parametrize("refusal", list(REFUSALS))
def test_an_unlawful_grant_is_refused_and_nothing_is_written(app, parties, make_institution, refusal):
    with app.app_context():
        owner = db_get(app, User, parties["owner"].id)
        case = db_get(app, Case, parties["case"].id)
        partner = db_get(app, Institution, parties["partner"].id)
        loaded = {"home": db_get(app, Institution, owner.institution_id), "partner": partner,
                  "elsewhere": db_get(app, Institution, parties["elsewhere"].id),
                  **{key: db_get(app, User, parties[key].id) for key in ("reader", "auditor", "admin")}}
        loaded["consent"] = consent_for(owner, case, partner)
        loaded["narrow_consent"] = consent_for(owner, case, db_get(app, Institution, make_institution("別の機関").id))
        loaded["other_consent"] = consent_for(owner, db_get(app, Case, parties["other_case"].id), partner)
        withdrawn = consent_for(owner, case, partner)
        documents.withdraw_consent(actor=owner, case=case, access=authorize(owner, Action.EDIT_DETAILS, case),
                                   consent=withdrawn, version=1)
        loaded["withdrawn_consent"] = withdrawn
        before = len(events(AuditTag.GRANT_CREATED))
        arguments = {"actor": owner, "case": case, "scope": "summary", "basis": "referral:1",
                     "legal_basis": "council_sharing", "institution": partner} | REFUSALS[refusal](loaded)
        with pytest.raises(GrantRefused):
            grants.grant(**arguments)
        db.session.rollback()
        assert db.session.scalar(select(CaseGrant.id)) is None
        assert len(events(AuditTag.GRANT_CREATED)) == before


def test_a_purged_case_is_not_shared(app, parties):
    with app.app_context():
        case = db_get(app, Case, parties["case"].id)
        case.purged_at = utcnow()
        with pytest.raises(GrantRefused):
            grants.grant(actor=db_get(app, User, parties["owner"].id), case=case, scope="full", basis="referral:1",
                         legal_basis="council_sharing", institution=db_get(app, Institution, parties["partner"].id))


def test_a_grant_and_its_end_are_audit_events_on_the_case(app, parties):
    with app.app_context():
        owner, case = db_get(app, User, parties["owner"].id), db_get(app, Case, parties["case"].id)
        partner = db_get(app, Institution, parties["partner"].id)
        consent = consent_for(owner, case, partner)
        row = grants.grant(actor=owner, case=case, scope="summary", basis=f"consent:{consent.id}",
                           legal_basis="consent", consent=consent, institution=partner,
                           expires_at=utcnow() + dt.timedelta(days=30))
        db.session.commit()
        created = events(AuditTag.GRANT_CREATED)[-1]
        assert (created.target_type, created.target_id, created.basis) == ("case_file", str(case.id),
                                                                           f"consent:{consent.id}")
        assert f"grant {row.id}: summary to institution {partner.id}; consent {consent.id}" in created.reason
        assert case.number not in created.reason
        grants.end(actor=owner, grant=row, reason="handoff_completed")
        db.session.commit()
        ended = events(AuditTag.GRANT_ENDED)[-1]
        assert (ended.target_id, ended.basis, ended.reason) == (str(case.id), f"consent:{consent.id}",
                                                                f"grant {row.id}: handoff_completed")
        kept = stored(CaseGrant, row.id)
        assert kept.ended_by == owner.id and kept.end_reason == "handoff_completed" and kept.ended_at
        with pytest.raises(GrantRefused):  # twice: told, not recorded again
            grants.end(actor=owner, grant=row, reason="revoked")
        with pytest.raises(GrantRefused):
            grants.end(actor=owner, grant=row, reason=" ")


def test_the_database_refuses_a_grant_with_two_principals_or_an_unnamed_consent(app, parties):
    with app.app_context():
        owner = db_get(app, User, parties["owner"].id)
        for wrong in ({"institution_id": parties["partner"].id, "user_id": parties["reader"].id,
                       "legal_basis": "council_sharing"},
                      {"institution_id": None, "user_id": None, "legal_basis": "council_sharing"},
                      {"institution_id": parties["partner"].id, "user_id": None, "legal_basis": "consent"}):
            db.session.add(CaseGrant(case_id=parties["case"].id, scope="full", basis="referral:1",
                                     starts_at=utcnow(), created_by=owner.id, **wrong))
            with pytest.raises(IntegrityError):
                db.session.flush()
            db.session.rollback()


def _shares(app, parties):
    """Two shares resting on one consent (one to the institution, one to a user), a third on the Act, and an
    expired one on the same consent."""
    owner, case = db_get(app, User, parties["owner"].id), db_get(app, Case, parties["case"].id)
    partner, reader = db_get(app, Institution, parties["partner"].id), db_get(app, User, parties["reader"].id)
    consent = consent_for(owner, case, partner)
    on_consent = dict(actor=owner, case=case, basis=f"consent:{consent.id}", legal_basis="consent", consent=consent)
    first = grants.grant(scope="summary", institution=partner, **on_consent)
    second = grants.grant(scope="full", user=reader, **on_consent)
    expired = grants.grant(scope="full", institution=partner, starts_at=utcnow() - dt.timedelta(days=2),
                           expires_at=utcnow() - dt.timedelta(days=1), **on_consent)
    other = grants.grant(actor=owner, case=case, scope="summary", basis="meeting:3",
                         legal_basis="council_sharing", institution=partner)
    db.session.commit()
    return owner, case, consent, [first, second], expired, other


def test_withdrawing_consent_ends_every_share_resting_on_it_one_event_each(app, parties):
    with app.app_context():
        owner, case, consent, on_it, expired, other = _shares(app, parties)
        reader = db_get(app, User, parties["reader"].id)
        assert authorize(reader, Action.READ_FULL, case).grant_id == on_it[1].id
        assert documents.withdraw_consent(actor=owner, case=case, access=authorize(owner, Action.EDIT_DETAILS, case),
                                          consent=consent, version=1) == 2
        ended = events(AuditTag.GRANT_ENDED)
        assert [e.reason for e in ended] == [f"grant {g.id}: consent_withdrawn" for g in on_it]
        assert {e.target_id for e in ended} == {str(case.id)}
        assert all(stored(CaseGrant, g.id).ended_at is not None for g in on_it)
        assert stored(CaseGrant, expired.id).ended_at is None  # over already: nothing to end
        assert stored(CaseGrant, other.id).ended_at is None  # rests on the Act, not on the consent
        # The reader keeps only the meeting's summary share: no longer the full one.
        with pytest.raises(NotFound):
            authorize(reader, Action.READ_FULL, db_get(app, Case, case.id))
        assert authorize(reader, Action.READ_SUMMARY, db_get(app, Case, case.id)).basis == "meeting:3"


def test_a_withdrawal_whose_shares_cannot_all_end_is_not_recorded_at_all(app, parties, monkeypatch):
    with app.app_context():
        owner, case, consent, on_it, _, _ = _shares(app, parties)
        real_end, calls = grants.end, []

        def end_then_fail(**kwargs):
            calls.append(kwargs["grant"].id)
            if len(calls) == 2:
                raise GrantRefused("the database went away")
            real_end(**kwargs)

        monkeypatch.setattr(grants, "end", end_then_fail)
        with pytest.raises(CaseError):
            documents.withdraw_consent(actor=owner, case=case, access=authorize(owner, Action.EDIT_DETAILS, case),
                                       consent=consent, version=1)
        db.session.rollback()
        assert stored(Consent, consent.id).state == "obtained"
        assert all(stored(CaseGrant, g.id).ended_at is None for g in on_it)
        assert events(AuditTag.GRANT_ENDED) == [] and events(AuditTag.CONSENT_WITHDRAWN) == []
