"""The people and the case of the handoff tests: a 福祉事務所 case, the 社協 it is referred to, an unrelated
institution, the coordinator and another council. Imported by the handoff test modules (``world`` fixture)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from council.access.policy import Action, authorize
from council.auth.models import User
from council.cases import documents, records
from council.cases.models import Case
from council.database import db
from council.handoffs.models import Handoff
from tests.conftest import db_get, english, fresh, sign_in

SUBJECT, ADDRESS, BODY, FILE = "佐藤 一郎", "みどり市本町1-2-3", "自宅訪問。母と面談した。", "面談メモ.pdf"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass
class World:
    case: Case
    users: dict[str, User]
    institutions: dict[str, int]
    consent_id: int


@pytest.fixture(name="world")
def world_fixture(app, make_institution, make_user, make_case) -> World:
    office, shakyo = make_institution("福祉事務所"), make_institution("社会福祉協議会", kind="social_welfare_council")
    houkatsu, coordination = make_institution("地域包括"), make_institution("調整機関", coordinator=True)
    elsewhere = make_institution("よその機関", council="よその協議会")
    users = {"lead": make_user("caseworker", institution=office), "boss": make_user("supervisor", institution=office),
             "partner": make_user("caseworker", institution=shakyo),
             "partner boss": make_user("supervisor", institution=shakyo),
             "unrelated": make_user("caseworker", institution=houkatsu),
             "coordinator": make_user("coordinator", institution=coordination),
             "other council": make_user("supervisor", institution=elsewhere)}
    case = make_case(users["lead"], name=SUBJECT, address=ADDRESS)
    with app.test_request_context():
        actor, stored = db_get(app, User, users["lead"].id), db_get(app, Case, case.id)
        write = authorize(actor, Action.WRITE_RECORD, stored)
        records.add_record(actor=actor, case=stored, access=write, kind="visit", body=BODY,
                           occurred_at=dt.datetime(2026, 4, 2, 1, 0, tzinfo=dt.UTC))
        documents.add_attachment(actor=actor, case=stored, access=write, filename=FILE, content=PDF)
        consent = documents.record_consent(
            actor=actor, case=stored, access=authorize(actor, Action.EDIT_DETAILS, stored), purpose_code="referral",
            purpose="社協の見守りにつなぐため", recipients="社協", scope="概要", obtained_on=dt.date(2026, 4, 1),
            obtained_how="written", given_by="person", recipient_institution_ids=[shakyo.id])
        consent_id = consent.id
    return World(case=case, users=users, consent_id=consent_id,
                 institutions={"office": office.id, "shakyo": shakyo.id, "houkatsu": houkatsu.id,
                               "coordination": coordination.id, "elsewhere": elsewhere.id})


def client_of(app, user):
    client = english(app.test_client())
    assert sign_in(app, client, user).status_code == 302
    return client


def handoffs(app, case_id: int) -> list[Handoff]:
    with app.app_context():
        rows = list(db.session.scalars(select(Handoff).where(Handoff.case_id == case_id).order_by(Handoff.id)))
        for row in rows:
            db.session.expunge(row)
        return rows


def version(app, handoff_id: int) -> str:
    return str(fresh(app, Handoff, handoff_id).version)


def refer(client, world: World, **fields):
    """The lead sends a referral to 社協 through the form (on consent, in summary, unless told otherwise)."""
    data = {"kind": "referral", "receiver": world.institutions["shakyo"], "receiver_user": "0", "scope": "summary",
            "legal_basis": "consent", "consent": world.consent_id, "message": "見守りをお願いします", **fields}
    return client.post(f"/cases/{world.case.id}/handoffs/new", data=data)
