"""開示請求: a supervisor of the lead institution prints a report of the person's case data and of who accessed the
case — by institution and role, when, on what basis, refusals included, never a staff name. Everyone else gets
404, recorded; generating the report is an audit event of its own, labelled for the auditors."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from sqlalchemy import select, update

from council.access import grants
from council.access.models import LegalBasis
from council.access.policy import Action, authorize
from council.audit.events import AuditTag
from council.audit.models import AuditEvent
from council.auth.models import Institution, User
from council.cases import records
from council.cases.models import Case
from council.core import clock
from council.database import db
from tests.conftest import db_get, sign_in

SUBJECT, RECORD = "山田 太郎", "自宅を訪問。本人と母親と面談した。"
NAMES = {"owner": "佐藤 花子", "partner": "鈴木 一郎", "stranger": "田中 次郎", "supervisor": "高橋 主任"}


@pytest.fixture
def world(app, make_user, make_case, make_institution):
    """Case X of みどり市福祉課: its caseworker wrote a record; 社協 read it by a referral's summary share; a worker of
    another institution was refused it."""
    home, shakyo = make_institution("みどり市福祉課"), make_institution("社協")
    people = {"owner": make_user("caseworker", institution=home, username="sato"),
              "supervisor": make_user("supervisor", institution=home, username="takahashi"),
              "partner": make_user("caseworker", institution=shakyo, username="suzuki"),
              "partner_supervisor": make_user("supervisor", institution=shakyo, username="shakyo-boss"),
              "stranger": make_user("caseworker", institution=make_institution("よその包括"), username="tanaka")}
    with app.app_context():
        for key, name in NAMES.items():
            db.session.execute(update(User).where(User.id == people[key].id).values(display_name=name))
        db.session.commit()
    case = make_case(people["owner"], name=SUBJECT)
    with app.test_request_context():
        owner, stored = db_get(app, User, people["owner"].id), db_get(app, Case, case.id)
        records.add_record(actor=owner, case=stored, access=authorize(owner, Action.WRITE_RECORD, stored),
                           kind="visit", body=RECORD, occurred_at=dt.datetime(2026, 11, 2, 1, 0, tzinfo=dt.UTC))
        grants.grant(actor=owner, case=stored, scope="summary", basis="referral:77",
                     legal_basis=LegalBasis.COUNCIL_SHARING, institution=db_get(app, Institution, shakyo.id))
        db.session.commit()
    for key in ("partner", "stranger"):
        client = app.test_client()
        sign_in(app, client, people[key])
        client.get(f"/cases/{case.id}")
    return {"case": case, **people}


def events(app, **where) -> list[AuditEvent]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent).filter_by(**where).order_by(AuditEvent.seq)))


def generate(client, case_id: int, watermark: str = "person"):
    """Confirm and generate the report (the POST), following the redirect to the report's page."""
    return client.post(f"/cases/{case_id}/disclosure", data={"watermark": watermark}, follow_redirects=True)


def test_the_lead_s_supervisor_gets_the_data_and_who_accessed_it_by_institution_and_role(app, client, login, world):
    login(world["supervisor"])
    response = generate(client, world["case"].id)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "開示報告書（保有個人データの開示）" in page and world["case"].number in page
    assert SUBJECT in page and RECORD in page  # the data held
    history = page.split('data-testid="access-history"', 1)[1].split("</table>", 1)[0]
    rows = history.split("<tr")[2:]
    shakyo = [row for row in rows if "<td>社協</td>" in row]
    assert shakyo and "ケースを閲覧" in shakyo[0] and "つなぎ（社協へ、概要）" in shakyo[0]
    refused = [row for row in rows if 'data-outcome="denied"' in row]
    assert refused and "よその包括" in refused[0] and "拒否" in refused[0]
    # this report's generation, then the reading of it that shows it: last
    assert "開示報告書を作成（開示請求）" in rows[-2] and "主任（スーパーバイザー）" in rows[-2]
    assert "ケースを印刷" in rows[-1]
    # Staff are institutions and roles; the watermark names the supervisor who printed it.
    assert [name for key, name in NAMES.items() if key != "supervisor" and name in page] == []
    assert 'data-testid="watermark"' in page and "高橋 主任 · みどり市福祉課" in page


def test_generating_it_is_audited_under_its_own_tag(app, client, login, world):
    login(world["supervisor"])
    generate(client, world["case"].id)
    [event] = events(app, tag=AuditTag.CASE_DISCLOSED)
    assert event.case_id == world["case"].id and event.case_number == world["case"].number
    assert event.actor_user_id == world["supervisor"].id and event.basis == "own_institution"


@pytest.mark.parametrize("who", ["owner", "partner", "partner_supervisor", "stranger"])
def test_anyone_but_a_supervisor_of_the_lead_institution_gets_404_and_is_recorded(app, client, login, world, who):
    login(world[who])
    response = client.get(f"/cases/{world['case'].id}/disclosure")
    assert response.status_code == 404 and SUBJECT not in response.get_data(as_text=True)
    assert client.post(f"/cases/{world['case'].id}/disclosure", data={"watermark": "person"}).status_code == 404
    refused = events(app, tag=AuditTag.CASE_ACCESS_DENIED, actor_user_id=world[who].id, case_id=world["case"].id)
    assert [e.reason for e in refused][-1] == "case:disclosure:generate"
    assert events(app, tag=AuditTag.CASE_DISCLOSED) == []


@pytest.mark.parametrize("role", ["auditor", "admin"])
def test_roles_that_never_read_cases_get_404_and_are_recorded(app, client, login, world, make_user, make_institution,
                                                              role):
    user = make_user(role, institution=make_institution("監査室"))
    login(user)
    assert client.get(f"/cases/{world['case'].id}/disclosure").status_code == 404
    refused = events(app, tag=AuditTag.CASE_ACCESS_DENIED, actor_user_id=user.id, case_id=world["case"].id)
    assert [e.reason for e in refused] == ["case:disclosure:generate"]


def test_the_case_page_links_the_report_for_the_lead_s_supervisor_only(app, client, login, world):
    login(world["supervisor"])
    assert 'data-testid="disclosure-link"' in client.get(f"/cases/{world['case'].id}").get_data(as_text=True)
    other = app.test_client()
    sign_in(app, other, world["owner"])
    assert 'data-testid="disclosure-link"' not in other.get(f"/cases/{world['case'].id}").get_data(as_text=True)


def test_the_auditor_reads_the_report_s_event_in_words(app, client, login, world, make_user, make_institution):
    login(world["supervisor"])
    generate(client, world["case"].id, watermark="institution")
    auditor = make_user("auditor", institution=make_institution("監査室"))
    reader = app.test_client()
    sign_in(app, reader, auditor)
    page = reader.get(f"/audit/cases/{world['case'].number}").get_data(as_text=True)
    assert "開示報告書を作成（開示請求）" in page and "透かし：機関名のみ" in page
    seq = events(app, tag=AuditTag.CASE_DISCLOSED)[0].seq
    assert f"イベント {seq} の開示報告書を表示・印刷" in page


# -- issue 12 review: generating is a POST (a prefetch records nothing), the report has its own short-lived address


def test_the_get_only_confirms_and_records_nothing(app, client, login, world):
    login(world["supervisor"])
    before = len(events(app, case_id=world["case"].id))
    response = client.get(f"/cases/{world['case'].id}/disclosure")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'data-testid="generate"' in page and 'name="watermark"' in page
    assert SUBJECT not in page and RECORD not in page
    assert events(app, tag=AuditTag.CASE_DISCLOSED) == [] and len(events(app, case_id=world["case"].id)) == before


def test_the_post_records_once_and_redirects_to_the_report_s_own_address(app, client, login, world):
    login(world["supervisor"])
    posted = client.post(f"/cases/{world['case'].id}/disclosure", data={"watermark": "person"})
    [event] = events(app, tag=AuditTag.CASE_DISCLOSED)
    assert posted.status_code == 302
    assert posted.headers["Location"].endswith(f"/cases/{world['case'].id}/disclosure/{event.seq}")
    for _reload in range(2):
        page = client.get(posted.headers["Location"]).get_data(as_text=True)
        assert SUBJECT in page and "高橋 主任 · みどり市福祉課" in page
    assert len(events(app, tag=AuditTag.CASE_DISCLOSED)) == 1  # reloading generates nothing new …
    shown = events(app, tag=AuditTag.CASE_PRINTED, actor_user_id=world["supervisor"].id)
    assert [e.reason for e in shown] == [f"disclosure {event.seq}"] * 2  # … and each showing is recorded


def test_the_hand_over_copy_s_watermark_names_the_institution_only(app, client, login, world):
    login(world["supervisor"])
    page = generate(client, world["case"].id, watermark="institution").get_data(as_text=True)
    watermark = page.split('data-testid="watermark"', 1)[1].split("</div>", 1)[0]
    assert 'data-watermark="institution"' in page and "みどり市福祉課" in watermark
    assert NAMES["supervisor"] not in page and SUBJECT in page
    assert events(app, tag=AuditTag.CASE_DISCLOSED)[0].reason == "watermark institution"


def test_the_report_s_address_is_its_generator_s_and_lasts_a_short_time(app, client, login, world, make_user):
    login(world["supervisor"])
    generate(client, world["case"].id)
    seq = events(app, tag=AuditTag.CASE_DISCLOSED)[0].seq
    colleague = app.test_client()
    sign_in(app, colleague, make_user("supervisor", institution=SimpleNamespace(id=world["supervisor"].institution_id)))
    assert colleague.get(f"/cases/{world['case'].id}/disclosure/{seq}").status_code == 404
    other_event = events(app, tag=AuditTag.CASE_VIEWED, case_id=world["case"].id)[0].seq
    assert client.get(f"/cases/{world['case'].id}/disclosure/{other_event}").status_code == 404
    with clock.moved_to(clock.utcnow() + dt.timedelta(minutes=31)):
        login(world["supervisor"])  # a fresh session: the first one has been idle too long by now
        late = client.get(f"/cases/{world['case'].id}/disclosure/{seq}")
    assert late.status_code == 302 and late.headers["Location"].endswith(f"/cases/{world['case'].id}/disclosure")
    assert SUBJECT not in late.get_data(as_text=True)


def test_a_colleague_refused_someone_s_report_is_recorded(app, client, login, world, make_user):
    """Only its generator opens a generated report; a colleague of the same institution gets 404, recorded."""
    from tests.conftest import sign_in

    login(world["supervisor"])
    generate(client, world["case"].id)
    seq = events(app, tag=AuditTag.CASE_DISCLOSED)[0].seq
    colleague = app.test_client()
    boss2 = make_user("supervisor", institution=SimpleNamespace(id=world["supervisor"].institution_id))
    sign_in(app, colleague, boss2)
    assert colleague.get(f"/cases/{world['case'].id}/disclosure/{seq}").status_code == 404
    refused = [e for e in events(app, actor_user_id=boss2.id) if e.outcome == "denied"]
    assert [(e.tag, e.reason, e.case_id, e.target_type, e.target_id) for e in refused] == [
        ("case:access:denied", "case:disclosure:open", world["case"].id, "audit_event", str(seq))]
