"""The break-glass services on their own: the grant they make and when it holds, the sealed reason and who may open
it, how a typed number is read, and what they refuse."""

from __future__ import annotations

import datetime as dt

import pytest
from werkzeug.exceptions import NotFound

from council.access.policy import Action, authorize
from council.access.reads import OutsideScope, ReadNotRecorded, record_read
from council.audit.events import AuditTag
from council.auth.models import User
from council.cases.models import Case
from council.cases.vault import vault
from council.core.clock import utcnow
from council.database import db
from council.handoffs.breakglass import services
from council.handoffs.breakglass.models import BreakGlass
from tests.conftest import db_get

REASON = "本人の妹から、二日前から電話に出ないと連絡があった。"


@pytest.fixture
def parties(app, make_institution, make_user, make_case):
    home = make_institution("ホーム機関")
    owner = make_user("caseworker", institution=home)
    return {"owner": owner, "case": make_case(owner), "home": home,
            "outsider": make_user("caseworker", institution=make_institution("ほかの機関"))}


def _break(app, parties, **kwargs) -> int:
    with app.test_request_context():
        actor, case = db_get(app, User, parties["outsider"].id), db_get(app, Case, parties["case"].id)
        return services.break_glass(actor=actor, case=case, risk=kwargs.get("risk", "life"),
                                    reason=kwargs.get("reason", REASON), via="number").id


def test_the_grant_holds_from_now_for_the_configured_hours_and_not_a_minute_longer(app, parties):
    row_id = _break(app, parties)
    with app.app_context():
        actor, case, row = (db_get(app, User, parties["outsider"].id), db_get(app, Case, parties["case"].id),
                            db_get(app, BreakGlass, row_id))
        access = authorize(actor, Action.WRITE_RECORD, case)
        assert (access.basis, access.scope, access.grant_id) == (row.basis, "full", row.grant_id)
        assert row.in_force(utcnow()) and not row.ended_early()
        assert authorize(actor, Action.READ_FULL, case, now=row.expires_at - dt.timedelta(seconds=1))
        with pytest.raises(NotFound):
            authorize(actor, Action.READ_FULL, case, now=row.expires_at)
        # A grant is never the lead's: closing, transferring and sharing further stay with the lead institution.
        with pytest.raises(NotFound):
            authorize(actor, Action.MANAGE_SHARES, case)


def test_the_reason_opens_only_under_a_recorded_full_read(app, parties, make_user):
    row_id = _break(app, parties)
    supervisor = make_user("supervisor", institution=parties["home"])
    with app.test_request_context():
        row = db_get(app, BreakGlass, row_id)
        with pytest.raises(ReadNotRecorded):
            vault().text(row, "reason")
        actor, case = db_get(app, User, supervisor.id), db_get(app, Case, parties["case"].id)
        record_read(tag=AuditTag.CASE_VIEWED, actor=actor, case=case, access=authorize(actor, Action.READ_FULL, case))
        assert vault().text(db_get(app, BreakGlass, row_id), "reason") == REASON
    with app.test_request_context():  # a summary read of the case does not open it
        from council.access.policy import Access

        record_read(tag=AuditTag.CASE_VIEWED, actor=db_get(app, User, supervisor.id), case=case,
                    access=Access(basis="referral:1", scope="summary", case_id=case.id))
        with pytest.raises(OutsideScope):
            vault().text(db_get(app, BreakGlass, row_id), "reason")


@pytest.mark.parametrize("typed", ["{number}", " {number} ", "{wide}"])
def test_a_typed_number_is_read_as_people_type_it(app, parties, typed):
    number = parties["case"].number
    wide = number.translate(str.maketrans("0123456789-", "０１２３４５６７８９－"))
    with app.test_request_context():
        found = services.find_case(actor=db_get(app, User, parties["outsider"].id),
                                   number=typed.format(number=number, wide=wide))
        assert found.id == parties["case"].id


@pytest.mark.parametrize(("reason", "message"), [("", "Say why"), ("あ" * 2001, "Say why"),
                                                 (REASON, "already open")])
def test_refusals(app, parties, reason, message):
    who = "owner" if message == "already open" else "outsider"
    with app.app_context():  # English outside a request
        actor, case = db_get(app, User, parties[who].id), db_get(app, Case, parties["case"].id)
        with pytest.raises(services.BreakGlassRefused, match=message):
            services.break_glass(actor=actor, case=case, risk="life", reason=reason, via="number")
        db.session.rollback()
    with app.app_context():
        assert db.session.query(BreakGlass).count() == 0


@pytest.mark.parametrize("role", ["coordinator", "member"])
def test_only_caseworkers_and_supervisors_break_glass(app, parties, make_user, role):
    user = make_user(role, institution=parties["home"])
    with app.test_request_context(), pytest.raises(services.BreakGlassRefused):
        services.break_glass(actor=db_get(app, User, user.id), case=db_get(app, Case, parties["case"].id),
                             risk="life", reason=REASON, via="number")


def test_ending_is_for_its_user_and_once(app, parties):
    row_id = _break(app, parties)
    with app.test_request_context():
        row = db_get(app, BreakGlass, row_id)
        with pytest.raises(services.BreakGlassRefused):
            services.end_early(actor=db_get(app, User, parties["owner"].id), row=row)
        db.session.rollback()
        services.end_early(actor=db_get(app, User, parties["outsider"].id), row=db_get(app, BreakGlass, row_id))
        row = db_get(app, BreakGlass, row_id)
        assert row.ended_early() and not row.in_force(utcnow())
        with pytest.raises(services.BreakGlassRefused):
            services.end_early(actor=db_get(app, User, parties["outsider"].id), row=row)
