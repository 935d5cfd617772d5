"""The vault opens a plain row (a page's select of a table's columns) only as a row of the table it is of: naming
another table is a programming error told as one, not a ciphertext that "fails to authenticate" — which the error
page would record as tampering (review of issue 13's fourth pass)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from council.access.policy import Action, authorize
from council.access.reads import record_read
from council.audit.events import AuditTag
from council.audit.models import AuditEvent
from council.cases.models import Case, Consent, SupportRecord
from council.cases.vault import vault
from council.database import db
from tests.conftest import db_get

_RECORD = SupportRecord.__table__


def test_a_plain_row_opens_as_its_own_table_and_refuses_another_s(app, make_user, make_case):
    worker = make_user("caseworker")
    case = make_case(worker)
    with app.app_context():
        user, row = db_get(app, type(worker), worker.id), db_get(app, Case, case.id)
        access = authorize(user, Action.READ_FULL, row)
        record_read(tag=AuditTag.CASE_VIEWED, actor=user, case=row, access=access)
        events = db.session.scalar(select(func.count()).select_from(AuditEvent))
        record = db.session.execute(select(_RECORD).where(_RECORD.c.case_id == case.id)).first()
        assert vault().texts(record, ("body",), table=_RECORD.name)["body"] == "初回相談。母親から電話。"
        for wrong in (Consent.__tablename__, "support_record_revision", "no_such_table"):
            with pytest.raises(ValueError, match="the row is not of"):
                vault().texts(record, ("body",), table=wrong)
        mapped = db.session.scalars(select(SupportRecord).where(SupportRecord.case_id == case.id)).first()
        assert vault().texts(mapped, ("body",), table=_RECORD.name)["body"] == "初回相談。母親から電話。"
        with pytest.raises(ValueError, match="the row is not of"):
            vault().texts(mapped, ("body",), table=Consent.__tablename__)
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == events  # nothing recorded
