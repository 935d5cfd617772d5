"""Scoped reads (DESIGN.md §6): the vault opens a field only for a case whose read this request recorded, only the
columns the receipt's scope allows, and seals only with an access that may write the column."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from council.access import grants
from council.access.policy import Action, authorize
from council.access.reads import OutsideScope, ReadNotRecorded, WriteRefused, creating, receipt_for, record_read
from council.audit.events import AuditTag
from council.audit.models import AuditEvent, AuditEventCase
from council.auth.models import Institution, User
from council.cases import documents, records
from council.cases.models import Case, SupportRecord
from council.cases.page import read_case_page
from council.cases.services import LIST_COLUMNS
from council.cases.vault import vault
from council.database import db
from tests.conftest import db_get


@pytest.fixture
def shared(app, make_user, make_institution, make_case):
    """A case of one institution, shared in summary with a caseworker of another; ids only."""
    owner = make_user("caseworker")
    partner = make_institution("つなぎ先")
    reader = make_user("caseworker", institution=partner)
    case = make_case(owner, name="受取 花子", address="みどり市本町1-2-3", contact_person="長男")
    with app.app_context():
        actor, stored = db_get(app, User, owner.id), db_get(app, Case, case.id)
        documents.save_plan(actor=actor, case=stored, access=authorize(actor, Action.EDIT_DETAILS, stored),
                            based_on=0, assessment="見立て", plan="週1回の電話", goals="就労")
        grants.grant(actor=actor, case=stored, scope="summary", basis="referral:1", legal_basis="council_sharing",
                     institution=db_get(app, Institution, partner.id))
        db.session.commit()
    return {"owner": owner.id, "reader": reader.id, "case": case.id}


def _loaded(app, ids, who):
    user, case = db_get(app, User, ids[who]), db_get(app, Case, ids["case"])
    return user, case, case.subject


def test_opening_a_field_without_a_recorded_read_raises(app, shared):
    with app.app_context():
        owner, case, subject = _loaded(app, shared, "owner")
        authorize(owner, Action.READ_FULL, case)  # being allowed to read is not having recorded the read
        with pytest.raises(ReadNotRecorded):
            vault().open(subject, "name")
        with pytest.raises(ReadNotRecorded):
            vault().open(case, "contact_person")
        with pytest.raises(ReadNotRecorded):  # asking for no column is no way around the receipt
            vault().texts(subject, ())
        record_read(tag=AuditTag.CASE_VIEWED, actor=owner, case=case, access=authorize(owner, Action.READ_FULL, case))
        assert vault().open(subject, "name") == "受取 花子"
        assert vault().text(subject, "address") == "みどり市本町1-2-3"
    with app.app_context():  # the receipt was this request's (this context's) only
        _owner, _case, subject = _loaded(app, shared, "owner")
        with pytest.raises(ReadNotRecorded):
            vault().open(subject, "name")


def test_a_summary_receipt_never_opens_an_address_even_when_asked_directly(app, shared):
    with app.app_context():
        reader, case, subject = _loaded(app, shared, "reader")
        access = authorize(reader, Action.READ_SUMMARY, case)
        page = read_case_page(actor=reader, case=case, access=access)
        assert receipt_for(case.id).scope == "summary"
        assert (page.contact_person, page.plan.plan) == ("長男", "週1回の電話")
        assert page.persons is None and page.records is None and page.consents is None and page.history is None
        assert page.key_person is None and page.plan.assessment == "" and page.panels == []
        for column in ("address", "phone", "name", "birth_date"):
            with pytest.raises(OutsideScope):
                vault().open(subject, column)
        record = db.session.scalar(select(SupportRecord).where(SupportRecord.case_id == case.id))
        with pytest.raises(OutsideScope):
            vault().open(record, "body")
        # Asking for the full read instead is refused by the policy before anything is recorded.
        with pytest.raises(Exception, match="404"):
            authorize(reader, Action.READ_FULL, case)


def test_a_list_receipt_opens_the_names_it_shows_and_nothing_else(app, shared):
    with app.app_context():
        owner, case, subject = _loaded(app, shared, "owner")
        record_read(tag=AuditTag.CASE_LISTED, actor=owner, reached=[authorize(owner, Action.READ_FULL, case)],
                    only=LIST_COLUMNS, reason="1 shown")
        assert vault().open(subject, "name") == "受取 花子"
        with pytest.raises(OutsideScope):
            vault().open(subject, "address")
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.tag == AuditTag.CASE_LISTED)).one()
        assert db.session.scalars(select(AuditEventCase.case_id).where(
            AuditEventCase.event_seq == event.seq)).all() == [case.id]
        assert event.basis == "assigned"


def test_no_event_no_receipt_no_plaintext(app, shared, monkeypatch):
    """Fail closed: when the read cannot be recorded, nothing opens."""
    from council.audit import events

    def broken(**_fields):
        raise RuntimeError("audit table unavailable")

    with app.app_context():
        owner, case, subject = _loaded(app, shared, "owner")
        monkeypatch.setattr(events.recorder, "record", broken)
        with pytest.raises(RuntimeError):
            read_case_page(actor=owner, case=case, access=authorize(owner, Action.READ_FULL, case))
        db.session.rollback()
        with pytest.raises(ReadNotRecorded):
            vault().open(subject, "name")


def test_a_read_of_one_case_gives_no_receipt_for_another(app, shared, make_case):
    with app.app_context():
        owner = db_get(app, User, shared["owner"])
    other = make_case(owner, name="別人 次郎")
    with app.app_context():
        owner, case, _subject = _loaded(app, shared, "owner")
        record_read(tag=AuditTag.CASE_VIEWED, actor=owner, case=case, access=authorize(owner, Action.READ_FULL, case))
        elsewhere = db_get(app, Case, other.id)
        with pytest.raises(ReadNotRecorded):
            vault().open(elsewhere.subject, "name")
        with pytest.raises(ValueError):  # an access is to one case: it cannot record the read of another
            record_read(tag=AuditTag.CASE_VIEWED, actor=owner, case=elsewhere,
                        access=authorize(owner, Action.READ_FULL, case))


def test_sealing_needs_an_access_that_may_write_the_column(app, shared, make_case):
    with app.app_context():
        owner = db_get(app, User, shared["owner"])
    other = make_case(owner, name="別人 次郎")
    with app.app_context():
        owner, case, subject = _loaded(app, shared, "owner")
        reader = db_get(app, User, shared["reader"])
        summary = authorize(reader, Action.READ_SUMMARY, case)
        for row, column in ((subject, "address"), (case, "contact_person"), (case, "key_person")):
            with pytest.raises(WriteRefused):
                vault().seal(row, column, "書き換え", access=summary)
        with pytest.raises(WriteRefused):  # an access to another case writes nothing here
            vault().seal(subject, "address", "書き換え", access=authorize(owner, Action.EDIT_DETAILS,
                                                                           db_get(app, Case, other.id)))
        with pytest.raises(WriteRefused):
            records.add_record(actor=reader, case=case, access=summary, kind="phone", body="x",
                               occurred_at=dt.datetime(2026, 4, 2, tzinfo=dt.UTC))
        db.session.rollback()
        with pytest.raises(WriteRefused):  # only the request that made a case's key writes as its creator
            creating(case)
        assert db.session.scalar(select(func.count()).select_from(SupportRecord)
                                 .where(SupportRecord.case_id == case.id)) == 1
