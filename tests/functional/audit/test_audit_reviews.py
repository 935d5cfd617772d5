"""The auditor's reviews, anomalies and sampling pages: what to review first, marked reviewed with a comment (in its
own table, audited; the log never changes), rules explained in Japanese, a reproducible sample — and never a word of
a case's content."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

from council.access import grants
from council.access.models import LegalBasis
from council.audit.events import AuditTag, record
from council.audit.models import AuditEvent
from council.audit.reviews.models import AuditReview
from council.auth import admin
from council.auth.models import Institution, User
from council.cases.models import Case
from council.core import clock
from council.database import db
from council.handoffs.breakglass import services as breakglass
from tests.conftest import db_get, sign_in

SUBJECT = "山田 太郎"


def events(app, **where) -> list[AuditEvent]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent).filter_by(**where).order_by(AuditEvent.seq)))


def seqs(page: str, testid: str) -> list[int]:
    part = page.split(f'data-testid="{testid}"', 1)[1].split("</section>", 1)[0].split("</table>", 1)[0]
    return [int(s) for s in re.findall(r'data-seq="(\d+)"', part)]


@pytest.fixture
def auditor(make_user, make_institution):
    return make_user("auditor", institution=make_institution("監査室"), username="kansa")


@pytest.fixture
def story(app, make_user, make_case, make_institution):
    """Yesterday in Japan: a case; a stranger refused it; a share on 緊急; a break-glass; an account created by an
    administrator that read the case an hour later, at night."""
    yesterday = clock.japan_today() - dt.timedelta(days=1)
    with clock.moved_to(clock.japan_to_utc(yesterday, dt.time(10))):
        home = make_institution("みどり市福祉課")
        worker = make_user("caseworker", institution=home, username="sato")
        case = make_case(worker)
        stranger = make_user("caseworker", institution=make_institution("よその包括"), username="tanaka")
        client = app.test_client()
        sign_in(app, client, stranger)
        assert client.get(f"/cases/{case.id}").status_code == 404
        shakyo = make_institution("社協")
        nurse = make_user("caseworker", institution=shakyo, username="suzuki")
        administrator = make_user("admin", institution=home, username="boss")
        with app.test_request_context():
            grants.grant(actor=db_get(app, User, worker.id), case=db_get(app, Case, case.id), scope="summary",
                         basis="referral:5", legal_basis=LegalBasis.EMERGENCY,
                         institution=db_get(app, Institution, shakyo.id))
            db.session.commit()
            glass = breakglass.break_glass(actor=db_get(app, User, nurse.id), case=db_get(app, Case, case.id),
                                           risk="life", reason="安否不明", via="number")
            created, _token = admin.create_user(actor=db_get(app, User, administrator.id),
                                                institution=db_get(app, Institution, home.id), username="newbie",
                                                display_name="新人 一郎", role="supervisor")
            db.session.commit()
            created_id, glass_id = created.id, glass.id
    with clock.moved_to(clock.japan_to_utc(yesterday, dt.time(22))), app.app_context():
        record(tag=AuditTag.CASE_VIEWED, actor=db_get(app, User, created_id), case=db_get(app, Case, case.id),
               basis="own_institution")
        db.session.commit()
    return {"case": case, "stranger": stranger, "created": created_id, "glass": glass_id, "day": yesterday}


def test_the_review_lists_show_what_to_look_at_first(app, client, login, story, auditor):
    login(auditor)
    page = client.get("/audit/reviews").get_data(as_text=True)
    assert "要確認" in page or "確認" in page
    refused = events(app, tag=AuditTag.CASE_ACCESS_DENIED)[0]
    assert refused.seq in seqs(page, "list-refusals")
    share = [e for e in events(app, tag=AuditTag.GRANT_CREATED) if "; emergency;" in (e.reason or "")][0]
    assert seqs(page, "list-emergency_shares") == [share.seq]
    assert seqs(page, "list-break_glass") == [events(app, tag=AuditTag.BREAK_GLASS_OPENED)[0].seq]
    assert f"/break-glass/review/{story['glass']}" in page
    created = events(app, tag=AuditTag.USER_CREATED, target_id=str(story["created"]))[0]
    assert seqs(page, "list-new_accounts") == [created.seq]
    assert SUBJECT not in page and "安否不明" not in page  # metadata only
    listed = events(app, tag=AuditTag.AUDIT_REVIEWS_LISTED)[-1]
    assert listed.actor_user_id == auditor.id
    found = "break_glass 1 emergency_shares 1 refusals 1 new_accounts 1"
    assert listed.reason.endswith(f"..{clock.japan_today()}: {found}")


def test_an_event_is_marked_reviewed_with_a_comment_once_and_the_review_is_audited(app, client, login, story,
                                                                                    auditor):
    refused = events(app, tag=AuditTag.CASE_ACCESS_DENIED)[0]
    login(auditor)
    form = client.get(f"/audit/events/{refused.seq}?source=list:refusals").get_data(as_text=True)
    assert "ケースへのアクセスを拒否" in form and "(tanaka)" in form
    empty = client.post(f"/audit/events/{refused.seq}", data={"comment": "  ", "source": "list:refusals"})
    assert empty.status_code == 400 and "確認した内容を書いてください" in empty.get_data(as_text=True)
    done = client.post(f"/audit/events/{refused.seq}", data={"comment": "番号の打ち間違いと本人に確認",
                                                              "source": "list:refusals"}, follow_redirects=True)
    page = done.get_data(as_text=True)
    assert "番号の打ち間違いと本人に確認" in page and "確認済み" in page
    with app.app_context():
        review = db.session.scalar(select(AuditReview))
        assert (review.event_seq, review.reviewer_id, review.source) == (refused.seq, auditor.id, "list:refusals")
    audited = events(app, tag=AuditTag.AUDIT_EVENT_REVIEWED)
    assert [(e.target_id, e.actor_user_id) for e in audited] == [(str(refused.seq), auditor.id)]
    assert "打ち間違い" not in (audited[0].reason or "")  # the comment stays out of the chain
    assert events(app, seq=refused.seq)[0].outcome == "denied"  # the reviewed event is untouched
    again = client.post(f"/audit/events/{refused.seq}", data={"comment": "二度目"})
    assert again.status_code == 409
    lists = client.get("/audit/reviews").get_data(as_text=True)
    assert 'data-testid="reviewed"' in lists.split('data-testid="list-refusals"', 1)[1].split("</section>")[0]


def test_another_council_s_event_is_not_found(app, client, login, make_user, make_institution, story):
    outsider = make_user("auditor", institution=make_institution("よその監査", council="よその協議会"))
    login(outsider)
    refused = events(app, tag=AuditTag.CASE_ACCESS_DENIED)[0]
    assert client.get(f"/audit/events/{refused.seq}").status_code == 404
    assert client.post(f"/audit/events/{refused.seq}", data={"comment": "x"}).status_code == 404
    asked = [e for e in events(app, tag=AuditTag.AUDIT_EVENT_DENIED) if e.actor_user_id == outsider.id]
    assert [(e.target_id, e.council_id) for e in asked] == [(str(refused.seq), outsider.council_id)] * 2
    # The refusals list shows this council's refused events only: the two just recorded, not the other council's.
    assert sorted(seqs(client.get("/audit/reviews").get_data(as_text=True), "list-refusals")) == [e.seq for e in asked]


def test_the_anomalies_page_explains_each_rule_in_japanese_and_lists_findings(app, client, login, story, auditor):
    login(auditor)
    page = client.get("/audit/anomalies").get_data(as_text=True)
    for title in ("いつもより多いアクセス", "執務時間外", "短時間に多数のケース", "失った根拠", "拒否の繰り返し"):
        assert title in page, title
    assert page.count('data-testid="explanation"') == 5 and "20:00" in page
    night = seqs(page, "rule-outside_hours")
    assert events(app, tag=AuditTag.CASE_VIEWED, actor_user_id=story["created"])[0].seq in night
    assert SUBJECT not in page
    ran = events(app, tag=AuditTag.AUDIT_ANOMALIES_LISTED)[-1]
    assert "outside_hours 1" in ran.reason or "outside_hours" in ran.reason


def test_a_sample_is_reproducible_from_its_seed_and_the_draw_is_audited(app, client, login, story, auditor):
    login(auditor)
    first = client.get("/audit/sample?draw=1&n=2")
    assert first.status_code == 302 and "seed=" in first.headers["Location"]
    seed = int(re.search(r"seed=(\d+)", first.headers["Location"]).group(1))
    one = client.get(f"/audit/sample?seed={seed}&n=2").get_data(as_text=True)
    two = client.get(f"/audit/sample?seed={seed}&n=2").get_data(as_text=True)
    drawn = seqs(one, "sample")
    assert len(drawn) == 2 and drawn == seqs(two, "sample")
    assert f"シード {seed}" in one and SUBJECT not in one
    everything = seqs(client.get(f"/audit/sample?seed={seed}&n=200").get_data(as_text=True), "sample")
    assert set(drawn) <= set(everything)
    draws = events(app, tag=AuditTag.AUDIT_SAMPLE_DRAWN)
    assert len(draws) == 3 and f"seed {seed}" in draws[0].reason
    assert " ".join(map(str, drawn)) in draws[0].reason


@pytest.mark.parametrize("role", ["caseworker", "supervisor", "coordinator", "member", "admin"])
def test_other_roles_are_refused_the_review_pages(client, login, make_user, role):
    login(make_user(role))
    paths = ["/audit/reviews", "/audit/anomalies", "/audit/sample", "/audit/events/1"]
    assert [client.get(path).status_code for path in paths] == [403] * len(paths)
    assert client.post("/audit/events/1", data={"comment": "x"}).status_code == 403


@pytest.mark.parametrize(("query", "field", "typed", "message"), [
    ("seed=12ab&n=2", "seed", "12ab", "シードは9桁以内の整数です"),
    ("seed=1234567890&n=2", "seed", "1234567890", "シードは9桁以内の整数です"),
    ("seed=42&n=999", "n", "999", "1から200までの整数を入力してください"),
    ("seed=42&n=0", "n", "0", "1から200までの整数を入力してください"),
    ("draw=1&n=-3", "n", "-3", "1から200までの整数を入力してください"),
])
def test_a_bad_seed_or_size_is_an_error_on_its_field_with_the_typed_value_kept(app, client, login, story, auditor,
                                                                                 query, field, typed, message):
    login(auditor)
    response = client.get(f"/audit/sample?{query}")
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and 'data-testid="error-summary"' in page and message in page
    assert f'href="#{field}"' in page  # the summary links to the field
    assert f'id="{field}" inputmode="numeric" name="{field}" type="text" value="{typed}"' in page
    assert 'data-testid="sample"' not in page  # nothing drawn in place of what was asked
    assert events(app, tag=AuditTag.AUDIT_SAMPLE_DRAWN) == []
