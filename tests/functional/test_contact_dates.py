"""Support record times and the last contact: no record in the future, never a stale or negative count.

A record dated 47 days ahead used to be accepted, and the case then showed 「最終接触からの日数 -47」 on the
case page, the case list and the coordinator's ledger; deleting or editing the newest record left the last
contact where it was.
"""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select

from council.access.policy import Action, authorize
from council.cases.models import Case, SupportRecord
from council.core import clock
from council.database import db
from tests.conftest import db_get, fresh, sign_in

FUTURE_MESSAGE = "未来の日時です"


def typed(moment: dt.datetime) -> str:
    """A Japan time as the record form's datetime-local field sends it."""
    return moment.strftime("%Y-%m-%dT%H:%M")


def days_shown(page: str) -> list[str]:
    return re.findall(r'data-testid="days-since-contact">([^<]*)<', page)


def records_of(app, case_id: int) -> list[SupportRecord]:
    with app.app_context():
        return list(db.session.scalars(select(SupportRecord).where(SupportRecord.case_id == case_id)
                                       .order_by(SupportRecord.id)))


def test_a_record_dated_in_the_future_is_refused_and_what_was_typed_is_kept(app, client, login, make_user,
                                                                            make_case):
    worker = make_user("caseworker")
    case = make_case(worker)
    login(worker)
    later = typed(clock.japan_now() + dt.timedelta(days=47))
    response = client.post(f"/cases/{case.id}/records", data={"occurred_at": later, "kind": "visit",
                                                              "body": "訪問予定を先に書いた記録"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and FUTURE_MESSAGE in page
    assert f'value="{later}"' in page and "訪問予定を先に書いた記録" in page
    assert len(records_of(app, case.id)) == 1  # only the intake record
    assert fresh(app, Case, case.id).last_contact_date == dt.date(2026, 4, 1)


def test_an_hour_ahead_is_refused_but_a_clock_a_few_minutes_fast_is_not(app, client, login, make_user, make_case):
    worker = make_user("caseworker")
    case = make_case(worker)
    login(worker)
    ahead = client.post(f"/cases/{case.id}/records", data={
        "occurred_at": typed(clock.japan_now() + dt.timedelta(hours=1)), "kind": "phone", "body": "一時間後"})
    assert ahead.status_code == 400 and FUTURE_MESSAGE in ahead.get_data(as_text=True)
    fast = client.post(f"/cases/{case.id}/records", data={
        "occurred_at": typed(clock.japan_now() + dt.timedelta(minutes=3)), "kind": "phone", "body": "三分後"})
    assert fast.status_code == 302
    assert fresh(app, Case, case.id).last_contact_date == clock.japan_today()


def test_a_record_cannot_be_edited_into_the_future(app, client, login, make_user, make_case):
    worker = make_user("caseworker")
    case = make_case(worker, first_record="初回相談の記録")
    login(worker)
    row = records_of(app, case.id)[0]
    later = typed(clock.japan_now() + dt.timedelta(days=3))
    response = client.post(f"/cases/{case.id}/records/{row.id}/edit", data={
        "occurred_at": later, "kind": "visit", "body": "書き直した本文", "version": "1"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and FUTURE_MESSAGE in page
    assert f'value="{later}"' in page and "書き直した本文" in page
    stored = fresh(app, SupportRecord, row.id)
    assert stored.version == 1 and stored.occurred_at == row.occurred_at


def test_the_service_refuses_a_future_record_whatever_the_form_says(app, make_user, make_case):
    import pytest

    from council.cases import records
    from council.cases.errors import CaseError

    worker = make_user("caseworker")
    case = make_case(worker)
    with app.test_request_context():
        stored, actor = db_get(app, Case, case.id), db_get(app, type(worker), worker.id)
        with pytest.raises(CaseError):
            records.add_record(actor=actor, case=stored, access=authorize(actor, Action.WRITE_RECORD, stored),
                               kind="visit", body="先の日付",
                               occurred_at=clock.utcnow() + dt.timedelta(minutes=6))


def test_editing_the_newest_record_back_in_time_moves_the_last_contact_back(app, client, login, make_user,
                                                                            make_case):
    worker = make_user("caseworker")
    case = make_case(worker)
    login(worker)
    client.post(f"/cases/{case.id}/records", data={"occurred_at": typed(clock.japan_now()), "kind": "phone",
                                                   "body": "今日の電話"})
    assert fresh(app, Case, case.id).last_contact_date == clock.japan_today()
    newest = records_of(app, case.id)[-1]
    response = client.post(f"/cases/{case.id}/records/{newest.id}/edit", data={
        "occurred_at": "2026-05-10T14:00", "kind": "phone", "body": "日付を直した電話", "version": "1"})
    assert response.status_code == 302
    assert fresh(app, Case, case.id).last_contact_date == dt.date(2026, 5, 10)


def test_deleting_records_derives_the_last_contact_from_those_that_remain(app, client, login, make_user, make_case):
    worker = make_user("caseworker")
    case = make_case(worker)  # intake 2026-04-01 with its record
    login(worker)
    for when, body in (("2026-05-10T14:00", "五月の訪問"), ("2026-06-20T10:00", "六月の電話")):
        assert client.post(f"/cases/{case.id}/records",
                           data={"occurred_at": when, "kind": "visit", "body": body}).status_code == 302
    assert fresh(app, Case, case.id).last_contact_date == dt.date(2026, 6, 20)
    first, may, june = records_of(app, case.id)
    client.post(f"/cases/{case.id}/records/{june.id}/delete", data={"reason": "別のケースの記録だった"})
    assert fresh(app, Case, case.id).last_contact_date == dt.date(2026, 5, 10)
    expected = str((clock.japan_today() - dt.date(2026, 5, 10)).days)
    assert days_shown(client.get(f"/cases/{case.id}").get_data(as_text=True)) == [expected]
    client.post(f"/cases/{case.id}/records/{may.id}/delete", data={"reason": "重複"})
    client.post(f"/cases/{case.id}/records/{first.id}/delete", data={"reason": "重複"})
    assert fresh(app, Case, case.id).last_contact_date == dt.date(2026, 4, 1)  # the intake is a contact too


def test_a_last_contact_ahead_of_today_never_shows_negative_days(app, client, make_user, make_case,
                                                                 make_institution):
    """Rows stored before records in the future were refused still show 0, on every page that shows the count."""
    worker = make_user("caseworker")
    case = make_case(worker)
    coordinator = make_user("coordinator", institution=make_institution("調整機関", coordinator=True))
    with app.app_context():
        stored = db_get(app, Case, case.id)
        stored.last_contact_date = clock.japan_today() + dt.timedelta(days=47)
        db.session.commit()
    sign_in(app, client, worker)
    assert days_shown(client.get(f"/cases/{case.id}").get_data(as_text=True)) == ["0"]
    assert days_shown(client.get("/cases/").get_data(as_text=True)) == ["0"]
    ledger_client = app.test_client()
    sign_in(app, ledger_client, coordinator)
    ledger = ledger_client.get("/cases/ledger").get_data(as_text=True)
    assert case.number in ledger and days_shown(ledger) == ["0"]
    assert "-47" not in ledger
