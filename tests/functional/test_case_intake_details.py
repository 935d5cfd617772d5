"""Intake as councils work: 相談経路 and 相談者, the summary as a record of the worker's choosing, ages beside
dates of birth, and who gave consent (本人 or 代理人 with the relationship)."""

import datetime as dt

import pytest
from sqlalchemy import select, text

from council.access.policy import Action, authorize
from council.audit.models import AuditEvent
from council.cases.dates import age_on, today
from council.cases.models import Case, Consent, SupportRecord
from council.core.clock import JAPAN
from council.core.db import utcnow
from council.database import db
from tests.conftest import fresh

INTAKE = {"name": "佐藤 花子", "kana": "さとう はなこ", "birth_date": "昭和50年6月1日", "sex": "female",
          "categories": ["単身高齢"], "risk": "high", "intake_date": "2026-04-01",
          "summary": "長男から、母が外出しなくなったとの電話。", "referral_source": "family",
          "contact_person": "長男 佐藤一郎", "summary_kind": "phone", "summary_at": "2026-04-01T18:45"}


def opened(app, response) -> Case:
    assert response.status_code == 302, response.get_data(as_text=True)
    return fresh(app, Case, int(response.headers["Location"].rsplit("/", 1)[1]))


def raw(app, sql: str, **params):
    with app.app_context():
        return db.session.execute(text(sql), params).one()


# -- 相談経路 and 相談者 ----------------------------------------------------------------------------------


def test_intake_records_how_the_case_came_and_who_made_contact(app, client, login, make_user):
    login(make_user("caseworker"))
    case = opened(app, client.post("/cases/new", data=INTAKE))
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert '<dd data-testid="referral-source">家族</dd>' in page
    assert '<dd data-testid="contact-person">長男 佐藤一郎</dd>' in page
    assert "長男 佐藤一郎" in client.get(f"/cases/{case.id}/print").get_data(as_text=True)
    source, contact = raw(app, "SELECT referral_source, contact_person_enc FROM case_file WHERE id = :id", id=case.id)
    assert source == "family"  # a category, like the concerns: countable without keys
    assert "一郎".encode() not in bytes(contact) and "佐藤".encode() not in bytes(contact)


def test_intake_without_a_referral_source_is_refused_keeping_what_was_typed(app, client, login, make_user):
    login(make_user("caseworker"))
    response = client.post("/cases/new", data={**INTAKE, "referral_source": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "相談経路を選んでください" in page and "長男 佐藤一郎" in page and "外出しなくなった" in page
    with app.app_context():
        assert db.session.scalars(select(Case)).first() is None


def test_referral_source_and_contact_person_are_changed_with_the_details(app, client, login, make_user, make_case):
    worker = make_user("caseworker")
    case = make_case(worker)
    login(worker)
    form = client.get(f"/cases/{case.id}/edit").get_data(as_text=True)
    assert 'name="referral_source"' in form and 'name="contact_person"' in form
    details = {"categories": ["ひきこもり"], "risk": "medium", "referral_source": "welfare_commissioner",
               "contact_person": "民生委員 田中", "assigned": [worker.id],
               "version": str(fresh(app, Case, case.id).version)}
    assert client.post(f"/cases/{case.id}/edit", data=details).status_code == 302
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert '<dd data-testid="referral-source">民生委員</dd>' in page and "民生委員 田中" in page
    again = client.get(f"/cases/{case.id}/edit").get_data(as_text=True)
    assert '<option selected value="welfare_commissioner">' in again and 'value="民生委員 田中"' in again
    with app.app_context():
        assert "case:details:changed" in db.session.scalars(select(AuditEvent.tag)).all()


# -- the intake summary as a record ------------------------------------------------------------------


def test_the_summary_is_a_record_of_the_kind_and_time_chosen(app, client, login, make_user):
    login(make_user("caseworker"))
    case = opened(app, client.post("/cases/new", data={**INTAKE, "summary_kind": "visit"}))
    with app.app_context():
        record = db.session.scalars(select(SupportRecord).where(SupportRecord.case_id == case.id)).one()
    assert record.kind == "visit"
    assert record.occurred_at.astimezone(JAPAN) == dt.datetime(2026, 4, 1, 18, 45, tzinfo=JAPAN)
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    shown = page.split('data-testid="record"', 1)[1].split("</li>", 1)[0]
    assert "2026-04-01 18:45" in shown and "訪問" in shown and "来所" not in shown
    assert fresh(app, Case, case.id).last_contact_date == dt.date(2026, 4, 1)


def test_the_form_offers_now_in_japan_and_a_phone_call(client, login, make_user):
    login(make_user("caseworker"))
    before = utcnow().astimezone(JAPAN)
    page = client.get("/cases/new").get_data(as_text=True)
    after = utcnow().astimezone(JAPAN)
    assert any(f'value="{moment:%Y-%m-%dT%H:%M}"' in page for moment in (before, after))
    assert '<option selected value="phone">' in page or '<option value="phone" selected>' in page


def test_a_consultation_in_the_future_is_refused_keeping_what_was_typed(app, client, login, make_user):
    login(make_user("caseworker"))
    tomorrow = utcnow().astimezone(JAPAN) + dt.timedelta(days=1)
    response = client.post("/cases/new", data={**INTAKE, "summary_at": f"{tomorrow:%Y-%m-%dT%H:%M}"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "未来の日時です" in page and "外出しなくなった" in page and "佐藤 花子" in page
    with app.app_context():
        assert db.session.scalars(select(Case)).first() is None


def test_a_few_minutes_ahead_is_tolerated(app, client, login, make_user):
    login(make_user("caseworker"))
    soon = utcnow().astimezone(JAPAN) + dt.timedelta(minutes=2)
    opened(app, client.post("/cases/new", data={**INTAKE, "summary_at": f"{soon:%Y-%m-%dT%H:%M}"}))


def test_a_summary_needs_its_time(app, client, login, make_user):
    login(make_user("caseworker"))
    response = client.post("/cases/new", data={**INTAKE, "summary_at": ""})
    assert response.status_code == 400 and "相談の日時を入力してください" in response.get_data(as_text=True)
    opened(app, client.post("/cases/new", data={**INTAKE, "summary": "", "summary_at": ""}))  # no summary, no time


def test_the_service_refuses_a_future_time_too(app, make_user):
    from council.cases.errors import CaseError
    from council.cases.services import PersonInput, open_case
    from tests.conftest import db_get

    worker = make_user("caseworker")
    with app.app_context():
        actor = db_get(app, type(worker), worker.id)
        with pytest.raises(CaseError):
            open_case(actor=actor, lead_institution=actor.institution, intake_date=dt.date(2026, 4, 1),
                      categories=[], risk="low", subject=PersonInput(name="未来 太郎", kana="ミライ タロウ"),
                      first_record="x", first_record_at=utcnow() + dt.timedelta(hours=1))
        assert db.session.scalars(select(Case)).first() is None


# -- ages ----------------------------------------------------------------------------------------------


def test_the_age_is_shown_beside_every_date_of_birth(app, client, login, make_user, make_case):
    worker = make_user("caseworker")
    birth = dt.date(1975, 6, 1)
    case = make_case(worker, name="年齢 太郎", kana="ネンレイ タロウ", birth=birth)
    login(worker)
    age = f"{age_on(birth, today())}歳"
    assert client.post(f"/cases/{case.id}/persons/new", data={"name": "年齢 花子", "kana": "ネンレイ ハナコ",
                                                             "relationship": "母", "birth_date": "1947-03-03"}
                       ).status_code == 302
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert f"1975年6月1日（昭和50年）・{age}" in page
    assert f"1947年3月3日（昭和22年）・{age_on(dt.date(1947, 3, 3), today())}歳" in page
    assert age in client.get(f"/cases/{case.id}/print").get_data(as_text=True)
    assert age in client.post("/cases/search", data={"kana": "ねんれい たろう"}).get_data(as_text=True)
    with app.app_context():
        from council.cases.models import Person

        subject = db.session.scalars(select(Person).where(Person.case_id == case.id,
                                                          Person.relationship_kind == "subject")).one()
    edit = {"name": "年齢 太郎", "kana": "ネンレイ タロウ", "birth_date": "1975-06-01", "version": "1"}
    conflict = client.post(f"/cases/{case.id}/persons/{subject.id}/edit", data=edit)  # stale: stored values shown
    assert conflict.status_code == 409 and age in conflict.get_data(as_text=True)


def test_a_date_of_birth_in_the_future_is_refused(app, client, login, make_user):
    login(make_user("caseworker"))
    ahead = today() + dt.timedelta(days=1)
    response = client.post("/cases/new", data={**INTAKE, "birth_date": ahead.isoformat()})
    assert response.status_code == 400 and "生年月日に未来の日付は入力できません" in response.get_data(as_text=True)


# -- who gave consent ----------------------------------------------------------------------------------

CONSENT = {"purpose_code": "information_sharing", "purpose": "就労支援のための情報共有", "recipients": "社会福祉協議会",
           "scope": "氏名・連絡先", "obtained_on": "2026-04-03", "obtained_how": "written"}


def test_consent_given_by_the_person(app, client, login, make_user, make_case):
    worker = make_user("caseworker")
    case = make_case(worker)
    login(worker)
    assert client.post(f"/cases/{case.id}/consents", data={**CONSENT, "given_by": "person",
                                                           "representative_relationship": "無視される"}
                       ).status_code == 302
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert '<td data-testid="consent-giver">本人</td>' in page and "無視される" not in page
    with app.app_context():
        consent = db.session.scalars(select(Consent)).one()
        assert consent.given_by == "person" and consent.representative_relationship_enc is None


def test_consent_given_by_a_representative_names_the_relationship_encrypted(app, client, login, make_user,
                                                                            make_case):
    worker = make_user("caseworker")
    case = make_case(worker)
    login(worker)
    form = {**CONSENT, "given_by": "representative", "representative_relationship": "成年後見人 弁護士"}
    assert client.post(f"/cases/{case.id}/consents", data=form).status_code == 302
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert '<td data-testid="consent-giver">代理人（成年後見人 弁護士）</td>' in page
    given_by, relationship = raw(app, "SELECT given_by, representative_relationship_enc FROM consent")
    assert given_by == "representative" and "後見".encode() not in bytes(relationship)


def test_a_representative_without_a_relationship_is_refused_keeping_what_was_typed(app, client, login, make_user,
                                                                                  make_case):
    worker = make_user("caseworker")
    case = make_case(worker)
    login(worker)
    response = client.post(f"/cases/{case.id}/consents", data={**CONSENT, "given_by": "representative"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "代理人と本人の関係を入力してください" in page and "就労支援のための情報共有" in page
    with app.app_context():
        assert db.session.scalars(select(Consent)).first() is None


def test_the_consent_service_refuses_a_representative_without_relationship(app, make_user, make_case):
    from council.cases.documents import record_consent
    from council.cases.errors import CaseError
    from tests.conftest import db_get

    worker = make_user("caseworker")
    case = make_case(worker)
    with app.app_context(), pytest.raises(CaseError):
        actor, stored = db_get(app, type(worker), worker.id), db_get(app, Case, case.id)
        record_consent(actor=actor, case=stored, access=authorize(actor, Action.EDIT_DETAILS, stored),
                       purpose_code="other", purpose="p", recipients="r", scope="s", obtained_on=dt.date(2026, 4, 1),
                       obtained_how="oral", given_by="representative", representative_relationship="  ")
