"""An auditor's review comment may name a person: it is sealed at rest under the review's own data key (nowhere in
the database files in plaintext, before or after a correction), and the reviewer or another auditor of the council
corrects it — audited as ``audit:review:edited``, the comment never in the chain; a stale correction is refused with
the typed text kept; another council's auditor cannot reach it."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select, text

from council.audit.events import AuditTag
from council.audit.models import AuditEvent
from council.audit.reviews import sealing
from council.audit.reviews.models import AuditReview
from council.cases.vault import vault
from council.crypto.errors import DecryptionFailed
from council.database import db
from tests.conftest import sign_in

FIRST = "山田太郎さん（090-1234-5678）の件：番号の打ち間違いと担当者に確認"
CORRECTED = "佐藤花子さんの件と取り違え。担当者に再確認した"


@pytest.fixture
def refused(app, make_user, make_case, make_institution) -> int:
    """A refused case request: the event the auditors review."""
    case = make_case(make_user("caseworker", institution=make_institution("みどり市福祉課")))
    stranger = app.test_client()
    sign_in(app, stranger, make_user("caseworker", institution=make_institution("よその包括")))
    assert stranger.get(f"/cases/{case.id}").status_code == 404
    with app.app_context():
        return db.session.scalar(select(AuditEvent.seq).where(AuditEvent.tag == AuditTag.CASE_ACCESS_DENIED))


@pytest.fixture
def auditors(make_user, make_institution):
    office = make_institution("監査室")
    return make_user("auditor", institution=office, username="kansa1"), \
        make_user("auditor", institution=office, username="kansa2")


def _raw(app):
    with app.app_context():
        return db.session.execute(text("SELECT comment, comment_enc, wrapped_key, key_version, version "
                                       "FROM audit_review")).one()


def _nowhere_in_plaintext(app, *texts: str) -> None:
    plain, sealed, wrapped, _version, _row_version = _raw(app)
    assert plain is None and sealed and wrapped
    for written in texts:
        assert written.encode() not in bytes(sealed)
    url = app.config["DATABASE_URL"]
    if url.startswith("sqlite"):
        database = Path(url.split("///", 1)[1])
        for path in database.parent.glob(f"{database.name}*"):  # the file, its WAL and journal
            for written in texts:
                assert written.encode() not in path.read_bytes(), path.name


def _reviewed_in_plaintext(app, client, login, refused: int, auditors) -> None:
    """The first auditor's comment on ``refused``, then kept in plaintext as a database migrated from before 0023
    holds it."""
    login(auditors[0])
    _review(client, refused)
    with app.app_context():
        db.session.execute(text("UPDATE audit_review SET comment = :text, comment_enc = NULL, wrapped_key = NULL, "
                                "key_version = NULL"), {"text": FIRST})
        db.session.commit()


def _review(client, seq: int, comment: str = FIRST):
    return client.post(f"/audit/events/{seq}", data={"comment": comment, "source": "list:refusals"})


def test_a_comment_is_shown_to_auditors_and_sealed_at_rest(app, client, login, refused, auditors):
    login(auditors[0])
    assert _review(client, refused).status_code == 302
    assert FIRST in client.get(f"/audit/events/{refused}").get_data(as_text=True)
    _nowhere_in_plaintext(app, FIRST, "090-1234-5678")
    [reviewed] = [e for e in _events(app) if e.tag == AuditTag.AUDIT_EVENT_REVIEWED]
    assert "山田" not in (reviewed.reason or "")


def test_another_auditor_corrects_the_comment_and_the_old_text_is_gone(app, client, login, refused, auditors):
    login(auditors[0])
    _review(client, refused)
    other = app.test_client()
    sign_in(app, other, auditors[1])
    form = other.get(f"/audit/events/{refused}").get_data(as_text=True)
    assert 'id="edit-form"' in form and 'name="version" type="hidden" value="1"' in form
    saved = other.post(f"/audit/events/{refused}/comment", data={"comment": CORRECTED, "version": "1"})
    assert saved.status_code == 302
    page = client.get(f"/audit/events/{refused}").get_data(as_text=True)
    assert CORRECTED in page and FIRST not in page and 'data-testid="review-edited"' in page
    _nowhere_in_plaintext(app, FIRST, CORRECTED, "090-1234-5678")
    edited = [e for e in _events(app) if e.tag == AuditTag.AUDIT_REVIEW_EDITED]
    assert [(e.actor_user_id, e.target_id) for e in edited] == [(auditors[1].id, str(refused))]
    assert "佐藤" not in edited[0].reason and "山田" not in edited[0].reason
    with app.test_request_context():
        assert sealing.comment_of(db.session.scalar(select(AuditReview))) == CORRECTED


def test_a_stale_correction_is_refused_with_the_typed_text_kept(app, client, login, refused, auditors):
    login(auditors[0])
    _review(client, refused)
    client.post(f"/audit/events/{refused}/comment", data={"comment": CORRECTED, "version": "1"})
    late = client.post(f"/audit/events/{refused}/comment", data={"comment": "遅れて書いた訂正", "version": "1"})
    page = late.get_data(as_text=True)
    assert late.status_code == 409 and 'data-testid="error-summary"' in page and "遅れて書いた訂正" in page
    assert CORRECTED in page.split('data-testid="review-comment">', 1)[1]  # what is stored now
    empty = client.post(f"/audit/events/{refused}/comment", data={"comment": " ", "version": "2"})
    assert empty.status_code == 400 and "確認した内容を書いてください" in empty.get_data(as_text=True)
    assert _raw(app).version == 2


def test_another_council_s_auditor_cannot_correct_it(app, client, login, refused, auditors, make_user,
                                                     make_institution):
    login(auditors[0])
    _review(client, refused)
    outsider = app.test_client()
    sign_in(app, outsider, make_user("auditor", institution=make_institution("監査室", council="別の協議会")))
    assert outsider.post(f"/audit/events/{refused}/comment", data={"comment": "x", "version": "1"}).status_code == 404
    assert FIRST in client.get(f"/audit/events/{refused}").get_data(as_text=True)
    denied = [e for e in _events(app) if e.tag == AuditTag.AUDIT_EVENT_DENIED]
    assert [e.target_id for e in denied] == [str(refused)]


def test_a_comment_saved_in_plaintext_before_is_sealed_at_start_up(app, client, login, refused, auditors):
    _reviewed_in_plaintext(app, client, login, refused, auditors)
    with app.test_request_context():
        assert sealing.seal_plaintext_comments() == 1
        assert sealing.seal_plaintext_comments() == 0  # idempotent
    plain, sealed, wrapped, _version, _row_version = _raw(app)
    assert plain is None and sealed and wrapped
    assert FIRST in client.get(f"/audit/events/{refused}").get_data(as_text=True)


def test_a_review_key_never_unwraps_as_another_kind_of_key(app, client, login, refused, auditors):
    login(auditors[0])
    _review(client, refused)
    with app.app_context():
        review = db.session.scalar(select(AuditReview))
        for label in (b"council/meeting-dek", b"council/incident-dek"):
            with pytest.raises(DecryptionFailed):
                vault().keyring.unwrap_for(review.wrapped_key, label=label, owner_id=review.id,
                                           version=review.key_version)


def _events(app) -> list[AuditEvent]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq)))
