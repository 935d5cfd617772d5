"""Japan time on a UTC server: at 23:30 UTC (08:30 the next day in Japan) every "today" is Japan's.

The suite's clock stands at 23:30 UTC (the ``japan_morning`` fixture): in Japan it is already the next
day, while the server's own date (UTC) is still the day before. Each test below failed while "today" was
UTC's date.
"""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from sqlalchemy import select

from council.cases.models import Case, Consent
from council.cli import cli
from council.core import clock
from council.database import db
from tests.conftest import db_get, fresh

INTAKE = {"name": "佐藤 花子", "kana": "さとう はなこ", "birth_date": "昭和50年6月1日", "sex": "female",
          "address": "みどり市緑町4-5-6", "phone": "080-9876-5432", "categories": ["単身高齢"], "risk": "high",
          "summary": "民生委員から、最近姿を見ないとの連絡。", "referral_source": "welfare_commissioner",
          "summary_kind": "phone"}


def intake(**fields) -> dict:
    """The intake form as typed now: the consultation took place this minute, Japan time."""
    return {**INTAKE, "summary_at": clock.japan_now().strftime("%Y-%m-%dT%H:%M"), **fields}


CONSENT = {"purpose_code": "information_sharing", "purpose": "就労支援のための情報共有",
           "recipients": "みどり市社会福祉協議会", "scope": "氏名・連絡先・相談経過", "obtained_how": "written"}


@pytest.fixture
def japan_today(japan_morning) -> dt.date:
    """Japan's date at the suite's clock: the day after the server's UTC date."""
    return japan_morning.date() + dt.timedelta(days=1)


def days_shown(page: str) -> list[str]:
    return re.findall(r'data-testid="days-since-contact">([^<]*)<', page)


def open_case(client, **fields) -> int:
    response = client.post("/cases/new", data=intake(**fields))
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rsplit("/", 1)[1])


def test_the_intake_date_defaults_to_the_date_in_japan(client, login, make_user, japan_today):
    login(make_user("caseworker"))
    page = client.get("/cases/new").get_data(as_text=True)
    assert f'value="{japan_today.isoformat()}"' in page
    assert f'value="{(japan_today - dt.timedelta(days=1)).isoformat()}"' not in page


def test_an_intake_of_today_in_japan_is_accepted_and_its_record_is_not_in_the_future(
        app, client, login, make_user, japan_today):
    login(make_user("caseworker"))
    case_id = open_case(client, intake_date=japan_today.isoformat())
    page = client.get(f"/cases/{case_id}").get_data(as_text=True)
    assert days_shown(page) == ["0"]
    assert fresh(app, Case, case_id).last_contact_date == japan_today


def test_an_intake_dated_tomorrow_in_japan_is_refused(app, client, login, make_user, japan_today):
    login(make_user("caseworker"))
    tomorrow = (japan_today + dt.timedelta(days=1)).isoformat()
    response = client.post("/cases/new", data=intake(intake_date=tomorrow))
    page = response.get_data(as_text=True)
    assert response.status_code != 302 and "受付日に未来の日付は指定できません" in page
    assert "民生委員から、最近姿を見ないとの連絡。" in page  # what was typed is kept
    with app.app_context():
        assert db.session.scalar(select(Case.id)) is None


def test_consent_obtained_this_morning_in_japan_is_accepted(app, client, login, make_user, make_case, japan_today):
    worker = make_user("caseworker")
    case = make_case(worker)
    login(worker)
    response = client.post(f"/cases/{case.id}/consents", data={**CONSENT, "obtained_on": japan_today.isoformat()})
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        consent = db.session.scalars(select(Consent)).one()
        assert consent.obtained_on == japan_today
    client.post(f"/cases/{case.id}/consents/{consent.id}/withdraw", data={"version": "1"})
    assert fresh(app, Consent, consent.id).withdrawn_on == japan_today


def test_consent_dated_tomorrow_in_japan_is_refused(app, client, login, make_user, make_case, japan_today):
    worker = make_user("caseworker")
    case = make_case(worker)
    login(worker)
    tomorrow = (japan_today + dt.timedelta(days=1)).isoformat()
    page = client.post(f"/cases/{case.id}/consents", data={**CONSENT, "obtained_on": tomorrow}).get_data(as_text=True)
    assert "未来の日付" in page and "就労支援のための情報共有" in page and tomorrow in page
    with app.app_context():
        assert db.session.scalars(select(Consent)).first() is None


def test_the_auditors_filter_for_today_in_japan_finds_an_event_made_at_half_past_eleven_utc(
        app, client, login, make_user, make_institution, japan_morning, japan_today):
    auditor = make_user("auditor", institution=make_institution("監査室"))
    login(auditor)  # the sign-in events are made now: 23:30 UTC and a little, the morning of japan_today
    sign_in = 'data-tag="account:login:succeeded"'
    today = japan_today.isoformat()
    mine = f"/audit/?kind=sign_in&user={auditor.username}"
    assert sign_in in client.get(f"{mine}&since={today}&until={today}").get_data(as_text=True)
    # The UTC date of the event is the day before in Japan: that day's filter does not find it.
    utc_date = japan_morning.date().isoformat()
    assert sign_in not in client.get(f"{mine}&since={utc_date}&until={utc_date}").get_data(as_text=True)
    tomorrow = (japan_today + dt.timedelta(days=1)).isoformat()
    assert sign_in not in client.get(f"{mine}&since={tomorrow}").get_data(as_text=True)


def test_days_since_contact_count_japan_days(app, client, login, make_user, japan_today):
    """An intake yesterday in Japan (today in UTC) is one day ago; a record made now is zero days ago, not -1."""
    worker = make_user("caseworker")
    login(worker)
    yesterday = japan_today - dt.timedelta(days=1)
    case_id = open_case(client, intake_date=yesterday.isoformat(), summary_at=f"{yesterday.isoformat()}T10:00")
    assert days_shown(client.get(f"/cases/{case_id}").get_data(as_text=True)) == ["1"]
    assert days_shown(client.get("/cases/").get_data(as_text=True)) == ["1"]
    number = fresh(app, Case, case_id).number
    assert number not in client.get("/cases/?days=14").get_data(as_text=True)  # one day is not 14+
    now = clock.japan_now().strftime("%Y-%m-%dT%H:%M")
    client.post(f"/cases/{case_id}/records", data={"occurred_at": now, "kind": "phone", "body": "電話で様子を確認。"})
    assert days_shown(client.get(f"/cases/{case_id}").get_data(as_text=True)) == ["0"]
    assert fresh(app, Case, case_id).last_contact_date == japan_today


def test_a_review_due_yesterday_in_japan_is_overdue(app, client, login, make_user, make_case, japan_morning):
    worker = make_user("caseworker")
    case = make_case(worker, next_review_date=japan_morning.date())  # today in UTC, yesterday in Japan
    login(worker)
    assert case.number in client.get("/cases/?overdue=y").get_data(as_text=True)
    assert f"{japan_morning.date().isoformat()} (期限切れ)" in client.get(f"/cases/{case.id}").get_data(as_text=True)


def test_closing_and_purging_use_the_date_in_japan(app, client, login, make_user, make_case, japan_morning,
                                                  japan_today):
    from council.cases.lifecycle import purge_expired

    worker = make_user("caseworker")
    case = make_case(worker)
    login(worker)
    client.post(f"/cases/{case.id}/status", data={"status": "closed", "reason": "終結", "version": "1"})
    assert fresh(app, Case, case.id).closed_on == japan_today
    with app.app_context():
        stored = db_get(app, Case, case.id)
        stored.purge_after = japan_morning.date()  # the retention ended yesterday in Japan
        db.session.commit()
        assert purge_expired() == [case.number]


def test_the_statistics_month_is_the_month_in_japan(app, runner, make_case, tmp_path):
    make_case()
    out = tmp_path / "stats.json"
    with clock.moved_to(dt.datetime(2026, 11, 30, 23, 30, tzinfo=dt.UTC)):  # 1 December in Japan
        result = runner.invoke(cli, ["stats", "export", "--out", str(out)])
    assert result.exit_code == 0, result.output
    payload = json.loads(json.loads(out.read_text())["payload"])
    assert payload["period"]["to"] == "2026-12" and payload["generated_at"].startswith("2026-11-30T23:3")
