"""Information requests (情報提供依頼) as their users meet them: the lead asks a member institution, which sees the
question and the summary — nothing more — and answers on the case as itself, or declines; the sender cancels; a
request past its due date shows as overdue in both inboxes, then expires; a worker shown a case by the duplicate
check asks its holder without seeing it. SQLite and PostgreSQL (the ``app`` fixture)."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest
from sqlalchemy import select, update

from council.access.models import CaseGrant
from council.access.policy import Action, authorize
from council.audit.events import AuditTag
from council.audit.models import AuditEvent
from council.auth.models import Institution, User
from council.cases import documents
from council.cases.duplicates import issue_hit_token
from council.cases.models import Attachment, Case, SupportRecord
from council.core import clock
from council.database import db
from council.handoffs.requests.models import InformationRequest
from tests.conftest import db_get, english, fresh, sign_in

SUBJECT, ADDRESS, FIRST_RECORD = "山田 太郎", "みどり市本町1-2-3", "初回相談。母親から電話。"
QUESTION, ANSWER = "最近の来所の様子を教えてください", "先月二回来所。就労の相談をしていました。"


@pytest.fixture
def council(app, make_institution, make_user, make_case):
    """A case of the welfare office (福祉事務所), registered as a council case, with a file; a 社協 caseworker to
    ask; an unrelated institution; another council."""
    office, shakyo = make_institution("福祉事務所"), make_institution("社会福祉協議会")
    lead = make_user("caseworker", institution=office)
    case = make_case(lead, name=SUBJECT)
    with app.app_context():
        actor, stored = db_get(app, User, lead.id), db_get(app, Case, case.id)
        stored.council_case_at, stored.council_case_by, stored.council_case_basis = clock.utcnow(), lead.id, \
            "coordinator"
        db.session.commit()
        documents.add_attachment(actor=actor, case=stored, access=authorize(actor, Action.WRITE_RECORD, stored),
                                 filename="面談メモ.pdf", content=b"%PDF-1.4 x")
    return {"lead": lead, "case": case, "office": office, "shakyo": shakyo,
            "receiver": make_user("caseworker", institution=shakyo),
            "unrelated": make_user("caseworker", institution=make_institution("ほかの機関")),
            "elsewhere": make_user("supervisor", institution=make_institution("よその機関", council="よその協議会"))}


_signed_in: dict = {}


@pytest.fixture(autouse=True)
def _fresh_clients():
    _signed_in.clear()
    yield
    _signed_in.clear()


def client_of(app, user, *, again: bool = False):
    """A client with ``user`` signed in; the same one for the same user (a TOTP code is good once), unless
    ``again`` (after the clock moved past the session's idle limit)."""
    key = (id(app), user.id)
    if again or key not in _signed_in:
        client = english(app.test_client())
        assert sign_in(app, client, user).status_code == 302
        _signed_in[key] = client
    return _signed_in[key]


def due(days: int = 14) -> str:
    return (clock.japan_today() + dt.timedelta(days=days)).isoformat()


def send(app, world, **overrides):
    data = {"request-to_institution": str(world["shakyo"].id), "request-kind": "information",
            "request-question": QUESTION, "request-due_on": due(), "request-legal_basis": "council_sharing"}
    data.update({f"request-{key}": value for key, value in overrides.items()})
    return client_of(app, world["lead"]).post(f"/requests/{world['case'].id}/new", data=data)


def the_request(app) -> InformationRequest:
    with app.app_context():
        return db.session.scalars(select(InformationRequest).order_by(InformationRequest.id.desc())).first()


def events(app, tag) -> list[AuditEvent]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent).where(AuditEvent.tag == str(tag))))


def test_the_receiver_sees_the_question_and_the_summary_and_nothing_else(app, council):
    assert send(app, council).status_code == 302
    row, case = the_request(app), council["case"]
    receiver = client_of(app, council["receiver"])
    page = receiver.get(f"/cases/{case.id}").get_data(as_text=True)
    assert QUESTION in page and case.number in page
    assert [text for text in (SUBJECT, ADDRESS, FIRST_RECORD, "面談メモ.pdf") if text in page] == []
    with app.app_context():
        record_id = db.session.scalar(select(SupportRecord.id).where(SupportRecord.case_id == case.id))
        attachment_id = db.session.scalar(select(Attachment.id).where(Attachment.case_id == case.id))
    for path in (f"/cases/{case.id}/attachments/{attachment_id}", f"/cases/{case.id}/records/{record_id}/history",
                 f"/cases/{case.id}/records/{record_id}/edit", f"/cases/{case.id}/edit", f"/cases/{case.id}/plan"):
        assert receiver.get(path).status_code == 404, path
    [sent] = events(app, AuditTag.REQUEST_SENT)
    assert sent.case_id == case.id and QUESTION not in (sent.reason or "")
    assert f"request {row.id}: information" in sent.reason


def test_the_answer_lands_on_the_case_as_a_record_of_the_receiving_institution_and_the_share_ends(app, council):
    send(app, council)
    row, case = the_request(app), council["case"]
    receiver = client_of(app, council["receiver"])
    response = receiver.post(f"/requests/{case.id}/{row.id}/answer", data={f"answer-{row.id}-answer": ANSWER})
    assert response.status_code == 302 and response.headers["Location"].endswith("/requests/")
    assert receiver.get(f"/cases/{case.id}").status_code == 404  # the receiver's part is done
    page = client_of(app, council["lead"]).get(f"/cases/{case.id}").get_data(as_text=True)
    record = re.search(r'<li data-testid="record">(?:(?!</li>).)*?' + ANSWER, page, re.S)
    assert record and ANSWER in record.group(0) and "社会福祉協議会" in record.group(0)
    assert "Information provided (情報提供)" in page and "Answered (回答済)" in page
    with app.app_context():
        written = db.session.get(SupportRecord, fresh(app, InformationRequest, row.id).answer_record_id)
        assert written.institution_id == council["shakyo"].id and written.author_id == council["receiver"].id
        assert written.kind == "information_answer"
        grant = db.session.get(CaseGrant, row.grant_id)
        assert grant.ended_at is not None and grant.end_reason == "request_answered"
    assert len(events(app, AuditTag.REQUEST_ANSWERED)) == 1


def test_a_declined_request_leaves_no_access_and_tells_the_sender_why(app, council):
    send(app, council)
    row, case = the_request(app), council["case"]
    receiver = client_of(app, council["receiver"])
    assert receiver.post(f"/requests/{case.id}/{row.id}/decline",
                         data={f"decline-{row.id}-reason": "担当者が不在のため"}).status_code == 302
    assert receiver.get(f"/cases/{case.id}").status_code == 404
    page = client_of(app, council["lead"]).get(f"/cases/{case.id}").get_data(as_text=True)
    assert "担当者が不在のため" in page and "Declined (辞退)" in page


def test_a_cancelled_request_leaves_no_access(app, council):
    send(app, council)
    row, case = the_request(app), council["case"]
    lead = client_of(app, council["lead"])
    assert lead.post(f"/requests/{row.id}/cancel").status_code == 302
    receiver = client_of(app, council["receiver"])
    assert receiver.get(f"/cases/{case.id}").status_code == 404
    assert receiver.post(f"/requests/{case.id}/{row.id}/answer",
                         data={f"answer-{row.id}-answer": ANSWER}).status_code == 404
    assert "Cancelled (取消)" in lead.get(f"/cases/{case.id}").get_data(as_text=True)


@pytest.mark.parametrize("who", ["unrelated", "elsewhere"])
def test_others_get_404_everywhere_and_the_refusal_is_recorded(app, council, who):
    send(app, council)
    row, case = the_request(app), council["case"]
    other = client_of(app, council[who])
    assert other.get(f"/cases/{case.id}").status_code == 404
    assert other.post(f"/requests/{case.id}/{row.id}/answer",
                      data={f"answer-{row.id}-answer": ANSWER}).status_code == 404
    assert other.post(f"/requests/{case.id}/new", data={"request-question": QUESTION}).status_code == 404
    assert other.post(f"/requests/{row.id}/cancel").status_code == 404
    assert QUESTION not in other.get("/requests/").get_data(as_text=True)
    with app.app_context():
        denied = db.session.scalars(select(AuditEvent.reason).where(
            AuditEvent.tag == AuditTag.CASE_ACCESS_DENIED, AuditEvent.actor_user_id == council[who].id)).all()
    assert len(denied) == 4


def test_the_receiver_cannot_cancel_and_the_sender_cannot_answer(app, council):
    send(app, council)
    row, case = the_request(app), council["case"]
    assert client_of(app, council["receiver"]).post(f"/requests/{row.id}/cancel").status_code == 404
    refused = client_of(app, council["lead"]).post(f"/requests/{case.id}/{row.id}/answer",
                                                   data={f"answer-{row.id}-answer": ANSWER})
    assert refused.status_code == 400 and "This request was not sent to your institution." in refused.get_data(
        as_text=True)
    assert fresh(app, InformationRequest, row.id).state == "sent"


def test_a_refused_request_keeps_what_was_typed_and_says_why(app, council):
    response = send(app, council, due_on=(clock.japan_today() - dt.timedelta(days=1)).isoformat())
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and 'data-testid="error-summary"' in page and QUESTION in page
    assert f"today is {clock.japan_today().isoformat()} in Japan" in page
    with app.app_context():
        db_get(app, Case, council["case"].id).council_case_at = None
        db.session.commit()
    page = send(app, council).get_data(as_text=True)
    assert "needs a registered council case" in page and QUESTION in page
    page = send(app, council, legal_basis="emergency").get_data(as_text=True)
    assert "Write why life or body is at risk." in page
    assert the_request(app) is None


def test_a_consent_must_name_the_receiver(app, council):
    case = council["case"]
    with app.app_context():
        actor, stored = db_get(app, User, council["lead"].id), db_get(app, Case, case.id)
        consent = documents.record_consent(
            actor=actor, case=stored, access=authorize(actor, Action.EDIT_DETAILS, stored), purpose_code="referral",
            purpose="つなぎのため", recipients="包括", scope="概要", obtained_on=clock.japan_today(),
            obtained_how="written", given_by="person", recipient_institution_ids=[council["unrelated"].institution_id])
    page = send(app, council, legal_basis="consent", consent=str(consent.id)).get_data(as_text=True)
    assert "The consent does not name 社会福祉協議会 as a recipient." in page and the_request(app) is None


def test_one_request_reader_never_reads_another_request(app, council):
    """Two institutions asked about one case: each sees its own question only."""
    send(app, council)
    send(app, council, to_institution=str(council["unrelated"].institution_id), question="別の機関への質問です")
    page = client_of(app, council["receiver"]).get(f"/cases/{council['case'].id}").get_data(as_text=True)
    assert QUESTION in page and "別の機関への質問です" not in page


def test_past_its_due_date_a_request_is_overdue_in_both_inboxes_then_expires(app, council):
    send(app, council, due_on=due(0))  # due today in Japan
    row, case = the_request(app), council["case"]
    lead, receiver = client_of(app, council["lead"]), client_of(app, council["receiver"])
    assert "Information request to answer: case" in receiver.get("/").get_data(as_text=True)
    with clock.moved_to(clock.utcnow() + dt.timedelta(days=1)):
        lead, receiver = client_of(app, council["lead"], again=True), client_of(app, council["receiver"], again=True)
        for client in (lead, receiver):
            home = client.get("/").get_data(as_text=True)
            assert f"Overdue information request: case {case.number}" in home
        assert "Overdue (期限超過)" in receiver.get(f"/cases/{case.id}").get_data(as_text=True)
        assert receiver.post(f"/requests/{case.id}/{row.id}/answer",
                             data={f"answer-{row.id}-answer": ANSWER}).status_code == 302  # late, but answered
    assert fresh(app, InformationRequest, row.id).state == "answered"


def test_after_the_grace_an_unanswered_request_expires_and_its_share_lapses(app, council):
    send(app, council, due_on=due(0))
    row, case = the_request(app), council["case"]
    receiver = client_of(app, council["receiver"])
    assert QUESTION in receiver.get(f"/cases/{case.id}").get_data(as_text=True)
    with clock.moved_to(clock.utcnow() + dt.timedelta(days=8)):
        receiver = client_of(app, council["receiver"], again=True)
        assert receiver.get(f"/cases/{case.id}").status_code == 404
        listed = receiver.get("/requests/").get_data(as_text=True)
        assert 'data-state="expired"' in listed and "Expired (期限切れ)" in listed
        lead = client_of(app, council["lead"], again=True)
        assert "Expired (期限切れ)" in lead.get(f"/cases/{case.id}").get_data(as_text=True)
        assert lead.post(f"/requests/{row.id}/cancel").status_code == 302
    assert fresh(app, InformationRequest, row.id).state == "sent"  # nothing to cancel any more


def test_the_list_shows_what_was_sent_and_received(app, council):
    send(app, council)
    sent = client_of(app, council["lead"]).get("/requests/").get_data(as_text=True)
    received = client_of(app, council["receiver"]).get("/requests/").get_data(as_text=True)
    assert 'data-testid="sent-request" data-state="sent"' in sent and council["case"].number in sent
    assert 'data-testid="received-request" data-state="sent"' in received and "福祉事務所" in received
    assert QUESTION not in sent + received


# -- asking a case's holder from the duplicate check ------------------------------------------------------------


def ask(app, world, asker):
    client = client_of(app, asker)
    with app.test_request_context():
        token = issue_hit_token(world["case"].id, asker)
    form = client.get(f"/requests/ask?hit={token}")
    assert form.status_code == 200 and "福祉事務所" in form.get_data(as_text=True)
    assert world["case"].number not in form.get_data(as_text=True) and SUBJECT not in form.get_data(as_text=True)
    response = client.post(f"/requests/ask?hit={token}", data={"kind": "information", "question": QUESTION,
                                                                "due_on": due()})
    assert response.status_code == 302
    return client


def test_a_worker_asks_the_holder_and_reads_only_the_answer_and_the_summary(app, council):
    asker = council["unrelated"]
    client = ask(app, council, asker)
    case, row = council["case"], the_request(app)
    assert client.get(f"/cases/{case.id}").status_code == 404  # nothing until the holder answers
    listed = client.get("/requests/").get_data(as_text=True)
    assert "a case held by 福祉事務所" in listed and case.number not in listed
    lead = client_of(app, council["lead"])
    assert QUESTION in lead.get(f"/cases/{case.id}").get_data(as_text=True)
    prefix = f"answer-{row.id}"
    assert lead.post(f"/requests/{case.id}/{row.id}/answer",
                     data={f"{prefix}-answer": ANSWER, f"{prefix}-legal_basis": "council_sharing"}).status_code == 302
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert QUESTION in page and ANSWER in page and case.number in page
    assert [text for text in (SUBJECT, ADDRESS, FIRST_RECORD) if text in page] == []
    assert "An information request was answered: case" in client.get("/").get_data(as_text=True)
    with app.app_context():
        grant = db.session.get(CaseGrant, fresh(app, InformationRequest, row.id).grant_id)
        assert grant.institution_id == asker.institution_id and grant.scope == "request"
        assert grant.basis == f"request:{row.id}" and grant.ended_at is None


def test_a_declined_question_to_the_holder_shows_the_asker_nothing(app, council):
    client = ask(app, council, council["unrelated"])
    case, row = council["case"], the_request(app)
    lead = client_of(app, council["lead"])
    assert lead.post(f"/requests/{case.id}/{row.id}/decline",
                     data={f"decline-{row.id}-reason": "本人の同意がないため"}).status_code == 302
    assert client.get(f"/cases/{case.id}").status_code == 404
    listed = client.get("/requests/").get_data(as_text=True)
    assert "Declined (辞退)" in listed and "本人の同意がないため" not in listed


def test_the_asker_may_withdraw_an_open_question(app, council):
    client = ask(app, council, council["unrelated"])
    row = the_request(app)
    assert client.post(f"/requests/{row.id}/cancel").status_code == 302
    assert fresh(app, InformationRequest, row.id).state == "cancelled"


def test_a_hit_token_of_someone_else_or_no_token_asks_nothing(app, council):
    other = client_of(app, council["unrelated"])
    with app.test_request_context():
        token = issue_hit_token(council["case"].id, council["receiver"])
    for path in ("/requests/ask", f"/requests/ask?hit={token}", "/requests/ask?hit=forged"):
        response = other.post(path, data={"kind": "information", "question": QUESTION, "due_on": due()})
        assert response.status_code == 400 and 'data-testid="hit-invalid"' in response.get_data(as_text=True)
    assert the_request(app) is None


def test_the_holder_cannot_ask_itself(app, council):
    client = client_of(app, council["lead"])
    with app.test_request_context():
        token = issue_hit_token(council["case"].id, council["lead"])
    response = client.post(f"/requests/ask?hit={token}", data={"kind": "information", "question": QUESTION,
                                                                "due_on": due()})
    assert response.status_code == 400 and "Your own institution holds this case" in response.get_data(as_text=True)


def test_a_restricted_case_is_shared_by_a_supervisor_only(app, council, make_user):
    with app.app_context():
        db.session.execute(update(Case).where(Case.id == council["case"].id).values(restricted=True))
        db.session.commit()
    assert "only a supervisor" in send(app, council).get_data(as_text=True)
    supervisor = make_user("supervisor", institution=council["office"])
    response = client_of(app, supervisor).post(f"/requests/{council['case'].id}/new", data={
        "request-to_institution": str(council["shakyo"].id), "request-kind": "opinion",
        "request-question": QUESTION, "request-due_on": due(), "request-legal_basis": "council_sharing"})
    assert response.status_code == 302 and the_request(app).kind == "opinion"


def test_institution_ids_in_the_form_cannot_reach_another_council(app, council):
    with app.app_context():
        foreign = db.session.scalar(select(Institution.id).where(Institution.name == "よその機関"))
    response = send(app, council, to_institution=str(foreign))
    assert response.status_code == 400 and 'data-testid="error-summary"' in response.get_data(as_text=True)
    assert the_request(app) is None


def test_the_intakes_duplicate_check_leads_to_asking_the_holder(app, council):
    """The offer on the intake page (cases/new.html) opens this feature's form for the hit it carries."""
    client = client_of(app, council["unrelated"])
    page = client.post("/cases/new", data={
        "name": SUBJECT, "kana": "ヤマダ タロウ", "birth_date": "1975-06-01", "intake_date": due(0),
        "categories": ["単身高齢"], "risk": "medium", "referral_source": "self", "summary": "本人来所。",
        "summary_kind": "office", "summary_at": f"{due(0)}T08:00"}).get_data(as_text=True)
    offer = re.search(r'href="(/requests/ask\?hit=[^"]+)" data-testid="hit-offer"', page)
    assert offer, "the duplicate check offers to ask the holder"
    form = client.get(unescape(offer.group(1)))
    assert form.status_code == 200 and "福祉事務所" in form.get_data(as_text=True)
    assert council["case"].number not in form.get_data(as_text=True)
