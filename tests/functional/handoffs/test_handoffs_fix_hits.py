"""Hit tokens of the duplicate check, after review: a case marked 要配慮 since the check is no longer asked about
(referral, question to the holder) but can still be opened in an emergency; a genuine token refused leaves a
denial in the audit trail, a forged one nothing; and the inbox and home pages record the cases their items name."""

from __future__ import annotations

from sqlalchemy import select

from council.audit.models import AuditEvent, AuditEventCase
from council.audit.tags import AuditTag
from council.auth.models import User
from council.cases.duplicates import issue_hit_token
from council.cases.models import Case
from council.database import db
from council.handoffs.requests.models import InformationRequest
from tests.conftest import db_get
from tests.functional.handoffs.handoffs_world import SUBJECT, client_of, handoffs, refer, world_fixture  # noqa: F401

HIT_INVALID = 'data-testid="hit-invalid"'


def _token(app, case_id, user):
    with app.test_request_context():
        return issue_hit_token(case_id, db_get(app, User, user.id))


def _restrict(app, case_id):
    with app.app_context():
        case = db.session.get(Case, case_id)
        case.restricted, case.restricted_reason = True, "dv"
        db.session.commit()


def _denials(app, user) -> list[tuple[int | None, str]]:
    with app.app_context():
        return list(db.session.execute(select(AuditEvent.case_id, AuditEvent.reason).where(
            AuditEvent.outcome == "denied", AuditEvent.tag == AuditTag.CASE_ACCESS_DENIED,
            AuditEvent.actor_user_id == user.id).order_by(AuditEvent.seq)).all())


def _listed(app, user, reason: str) -> list[list[int]]:
    """The cases each list event of ``user`` with ``reason`` named, oldest first."""
    with app.app_context():
        events = db.session.scalars(select(AuditEvent.seq).where(
            AuditEvent.tag == AuditTag.CASE_LISTED, AuditEvent.actor_user_id == user.id, AuditEvent.reason == reason)
            .order_by(AuditEvent.seq)).all()
        return [sorted(db.session.scalars(select(AuditEventCase.case_id).where(AuditEventCase.event_seq == seq)))
                for seq in events]


def _questions(app, case_id) -> int:
    with app.app_context():
        return len(db.session.scalars(select(InformationRequest).where(InformationRequest.case_id == case_id)).all())


def test_a_case_marked_restricted_after_the_check_is_no_longer_asked_about(app, world):
    asker = world.users["unrelated"]
    token = _token(app, world.case.id, asker)
    client = client_of(app, asker)
    assert client.get(f"/handoffs/ask-referral?hit={token}").status_code == 200  # before: the page works
    _restrict(app, world.case.id)

    page = client.get(f"/handoffs/ask-referral?hit={token}")
    assert page.status_code == 404 and "福祉事務所" not in page.get_data(as_text=True)
    assert client.post("/handoffs/ask-referral", data={"hit": token}).status_code == 404
    ask = client.get(f"/requests/ask?hit={token}")
    assert ask.status_code == 400 and HIT_INVALID in ask.get_data(as_text=True)
    assert "福祉事務所" not in ask.get_data(as_text=True)
    sent = client.post(f"/requests/ask?hit={token}", data={"kind": "status", "question": "様子は", "due_on": ""})
    assert sent.status_code == 400

    assert [h for h in handoffs(app, world.case.id) if h.kind == "referral_request"] == []
    assert _questions(app, world.case.id) == 0
    assert _denials(app, asker) == [(world.case.id, AuditTag.HANDOFF_SENT)] * 2 + [
        (world.case.id, AuditTag.REQUEST_SENT)] * 2


def test_break_glass_by_hit_still_opens_a_case_marked_restricted_after_the_check(app, world):
    asker = world.users["unrelated"]
    token = _token(app, world.case.id, asker)
    _restrict(app, world.case.id)
    client = client_of(app, asker)
    page = client.get(f"/break-glass/?hit={token}").get_data(as_text=True)
    assert "held by 福祉事務所" in page and 'name="case_number"' not in page
    opened = client.post("/break-glass/", data={"hit": token, "risk": "body", "reason": "連絡が取れず命の危険がある",
                                                "confirm": "y"})
    assert opened.status_code == 302
    assert SUBJECT in client.get(f"/cases/{world.case.id}").get_data(as_text=True)
    assert _denials(app, asker) == []


def test_another_users_hit_is_refused_and_recorded(app, world):
    token = _token(app, world.case.id, world.users["partner"])
    other = world.users["unrelated"]
    client = client_of(app, other)
    assert client.get(f"/handoffs/ask-referral?hit={token}").status_code == 404
    ask = client.get(f"/requests/ask?hit={token}")
    assert ask.status_code == 400 and HIT_INVALID in ask.get_data(as_text=True)
    page = client.get(f"/break-glass/?hit={token}").get_data(as_text=True)
    assert "The link from the duplicate check has expired. Enter the case number instead." in page
    assert _denials(app, other) == [(world.case.id, AuditTag.HANDOFF_SENT), (world.case.id, AuditTag.REQUEST_SENT),
                                    (world.case.id, AuditTag.BREAK_GLASS_OPENED)]


def test_a_forged_hit_is_refused_the_same_way_and_records_nothing(app, world):
    asker = world.users["unrelated"]
    forged = _token(app, world.case.id, asker)[:-3] + "xyz"
    client = client_of(app, asker)
    assert client.get(f"/handoffs/ask-referral?hit={forged}").status_code == 404
    ask = client.get(f"/requests/ask?hit={forged}")
    assert ask.status_code == 400 and HIT_INVALID in ask.get_data(as_text=True)
    assert _denials(app, asker) == []


def test_a_hit_on_another_councils_case_is_refused_and_recorded_without_its_number(app, world):
    stranger = world.users["other council"]
    token = _token(app, world.case.id, stranger)
    client = client_of(app, stranger)
    assert client.get(f"/handoffs/ask-referral?hit={token}").status_code == 404
    assert client.get(f"/requests/ask?hit={token}").status_code == 400
    assert _denials(app, stranger) == [(world.case.id, AuditTag.HANDOFF_SENT), (world.case.id, AuditTag.REQUEST_SENT)]
    with app.app_context():
        numbers = db.session.scalars(select(AuditEvent.case_number).where(AuditEvent.actor_user_id == stranger.id,
                                                                          AuditEvent.outcome == "denied")).all()
    assert set(numbers) == {None}


def test_the_inbox_and_home_pages_record_the_cases_their_items_name(app, world):
    assert refer(client_of(app, world.users["lead"]), world).status_code == 302
    partner = world.users["partner"]
    client = client_of(app, partner)
    with app.app_context():
        number = db.session.get(Case, world.case.id).number
    inbox = client.get("/inbox").get_data(as_text=True)
    assert number in inbox
    assert _listed(app, partner, "inbox") == [[world.case.id]]
    assert number in client.get("/").get_data(as_text=True)
    assert _listed(app, partner, "inbox") == [[world.case.id], [world.case.id]]


def test_an_inbox_naming_no_case_records_nothing(app, world):
    idle = world.users["unrelated"]
    client = client_of(app, idle)
    assert client.get("/inbox").status_code == 200
    assert client.get("/").status_code == 200
    assert _listed(app, idle, "inbox") == []
