"""The request scope's one write, and what it still cannot read (access.scopes SEAL_ONLY and ROW_BOUND): the
receiver seals its answer and the support record it lands on, yet opens no record body and no other request."""

from __future__ import annotations

import pytest
from sqlalchemy import select

import council.access.models  # noqa: F401  (every case table on the metadata)
import council.cases.models  # noqa: F401
import council.handoffs.requests.models  # noqa: F401
from council.access.policy import Access, Action, authorize
from council.access.reads import OutsideScope, ReadNotRecorded, WriteRefused, asking, record_read
from council.access.scopes import FULL_COLUMNS, HANDOFF_COLUMNS, Scope, may_open, may_seal, may_touch_row
from council.audit.events import AuditTag
from council.auth.models import User
from council.cases.models import Case, SupportRecord
from council.cases.vault import vault
from council.core import clock
from council.database import db
from council.handoffs.requests.models import InformationRequest
from tests.conftest import db_get


def test_the_request_scope_writes_the_answer_and_its_record_without_reading_them():
    assert may_seal(Scope.REQUEST, "support_record", "body") and not may_open(Scope.REQUEST, "support_record", "body")
    assert may_seal(Scope.REQUEST, "information_request", "answer")
    assert not may_open(Scope.REQUEST, "information_request", "decline_reason")
    for column in (("support_record", "delete_reason"), ("person", "name"), ("attachment", "content"),
                   ("case_plan", "plan"), ("information_request", "emergency_reason")):
        assert not may_seal(Scope.REQUEST, *column), column


def test_a_summary_share_writes_nothing_but_its_own_handoff_s_texts():
    # A summary share's holder answers the handoff that made it (e.g. why it ends the share): those texts only.
    written = {(table, column) for table, column in FULL_COLUMNS if may_seal(Scope.SUMMARY, table, column)}
    assert written <= HANDOFF_COLUMNS
    assert not any(table == "information_request" for table, _column in written)


def test_a_request_reach_touches_its_own_request_only():
    assert may_touch_row(Scope.REQUEST, "request:7", "information_request", 7)
    assert not may_touch_row(Scope.REQUEST, "request:7", "information_request", 8)
    assert not may_touch_row(Scope.REQUEST, "request:7", "information_request", None)
    assert may_touch_row(Scope.FULL, "own_institution", "information_request", 8)
    assert may_touch_row(Scope.REQUEST, "request:7", "support_record", 99)


@pytest.fixture
def two_requests(app, make_user, make_case, make_institution):
    """A case with a record and two requests (to two institutions), each with a question and an answer."""
    lead = make_user("caseworker")
    case = make_case(lead, first_record="本人の体調について")
    with app.test_request_context():
        actor, stored = db_get(app, User, lead.id), db_get(app, Case, case.id)
        full = authorize(actor, Action.MANAGE_SHARES, stored)
        ids = []
        for name in ("社協", "包括"):
            row = InformationRequest(case_id=stored.id, kind="information", origin="case",
                                     from_institution_id=stored.lead_institution_id,
                                     to_institution_id=make_institution(name).id, sent_by=actor.id,
                                     due_on=clock.japan_today(), state="sent")
            db.session.add(row)
            db.session.flush()
            vault().seal(row, "question", f"{name}への質問", access=full)
            vault().seal(row, "answer", f"{name}からの回答", access=full)
            ids.append(row.id)
        db.session.commit()
        return {"lead": lead, "case": case, "ids": ids}


def test_a_request_reader_opens_its_question_and_nothing_else(app, two_requests):
    mine, other = two_requests["ids"]
    with app.test_request_context():
        actor, case = db_get(app, User, two_requests["lead"].id), db_get(app, Case, two_requests["case"].id)
        access = Access(basis=f"request:{mine}", scope=Scope.REQUEST, case_id=case.id)
        record_read(tag=AuditTag.CASE_VIEWED, actor=actor, case=case, access=access)
        assert vault().text(db.session.get(InformationRequest, mine), "question") == "社協への質問"
        for row, column in ((db.session.get(InformationRequest, other), "question"),
                            (db.session.get(InformationRequest, other), "answer"),
                            (db.session.scalars(select(SupportRecord)).first(), "body")):
            with pytest.raises(OutsideScope):
                vault().open(row, column)


def test_a_request_reach_seals_its_own_answer_only(app, two_requests):
    mine, other = two_requests["ids"]
    with app.test_request_context():
        case = db_get(app, Case, two_requests["case"].id)
        access = Access(basis=f"request:{mine}", scope=Scope.REQUEST, case_id=case.id)
        vault().seal(db.session.get(InformationRequest, mine), "answer", "上書き", access=access)
        with pytest.raises(WriteRefused):
            vault().seal(db.session.get(InformationRequest, other), "answer", "上書き", access=access)
        with pytest.raises(WriteRefused):
            vault().seal(db.session.scalars(select(SupportRecord)).first(), "delete_reason", "x", access=access)
        db.session.rollback()


def test_asking_a_holder_seals_the_question_and_opens_nothing(app, two_requests):
    mine, other = two_requests["ids"]
    with app.test_request_context():
        case = db_get(app, Case, two_requests["case"].id)
        vault().seal(db.session.get(InformationRequest, mine), "question", "別の質問", access=asking(case, mine))
        with pytest.raises(WriteRefused):
            vault().seal(db.session.get(InformationRequest, other), "question", "x", access=asking(case, mine))
        with pytest.raises(ReadNotRecorded):  # no read is recorded with it: nothing opens
            vault().open(db.session.get(InformationRequest, mine), "question")
        db.session.rollback()
