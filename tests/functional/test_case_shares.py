"""Cases shared with another institution, as its staff see them; consent that carries a share, and its withdrawal."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

from council.access import grants
from council.access.policy import Action, authorize
from council.audit.models import AuditEvent
from council.auth.models import Institution, User
from council.cases.models import Attachment, Case, Consent, SupportRecord
from council.core.clock import utcnow
from council.database import db
from tests.conftest import db_get, english, fresh, sign_in


@pytest.fixture
def shared(app, make_institution, make_user, make_case):
    """A case of the home institution (with a file), and a caseworker of a partner institution."""
    owner = make_user("caseworker", institution=make_institution("ホーム機関"))
    partner = make_institution("つなぎ先の相談窓口")
    reader = make_user("caseworker", institution=partner)
    case = make_case(owner, name="共有 花子", kana="キョウユウ ハナコ")
    with app.app_context():
        from council.cases import documents

        actor, stored = db_get(app, User, owner.id), db_get(app, Case, case.id)
        documents.add_attachment(actor=actor, case=stored, access=authorize(actor, Action.WRITE_RECORD, stored),
                                 filename="a.pdf", content=b"%PDF-1.4 x")

    def share(scope: str, **kwargs):
        with app.app_context():
            row = grants.grant(actor=db_get(app, User, owner.id), case=db_get(app, Case, case.id), scope=scope,
                               basis=kwargs.pop("basis", "referral:1"),
                               legal_basis=kwargs.pop("legal_basis", "council_sharing"),
                               institution=db_get(app, Institution, partner.id), **kwargs)
            db.session.commit()
            return row.id

    return {"owner": owner, "partner": partner, "reader": reader, "case": case, "share": share}


def client_of(app, user):
    client = english(app.test_client())
    assert sign_in(app, client, user).status_code == 302
    return client


def row_of(page: str, number: str) -> str:
    match = re.search(rf"<tr>\s*<td>[^\n]*{re.escape(number)}.*?</tr>", page, re.S)
    assert match, f"{number} is not listed"
    return match.group(0)


#: What the home institution wrote into the shared case: a summary reader must see none of it.
WITHHELD = ("共有 花子", "キョウユウ", "みどり市本町1-2-3", "090-1234-5678", "初回相談。母親から電話。",
            "訪問。部屋は片付いていた。", "a.pdf", "背景の見立て", "半年後に就労", "山田 一郎（叔父）", "同居の弟",
            "就労支援のため")


def _fill(app, client, case, owner) -> None:
    """The owner writes what a full page shows: a record, the plan, the contact person and key person, a household
    member, consent (the file is the fixture's)."""
    base = f"/cases/{case.id}"
    assert client.post(f"{base}/records", data={"occurred_at": "2026-04-05T10:00", "kind": "visit",
                                                "body": "訪問。部屋は片付いていた。"}).status_code == 302
    assert client.post(f"{base}/plan", data={"assessment": "背景の見立て", "plan": "週1回の電話で見守る",
                                             "goals": "半年後に就労", "based_on": "0"}).status_code == 302
    version = fresh(app, Case, case.id).version
    assert client.post(f"{base}/edit", data={"categories": ["ひきこもり", "8050世帯"], "risk": "high",
                                             "key_person": "山田 一郎（叔父）", "contact_person": "長男 共有 太郎",
                                             "referral_source": "family", "assigned": [owner.id],
                                             "version": str(version)}
                       ).status_code == 302
    assert client.post(f"{base}/persons/new", data={"name": "同居の弟", "kana": "ドウキョ", "relationship": "弟"}
                       ).status_code == 302
    assert client.post(f"{base}/consents", data={
        "purpose_code": "referral", "purpose": "就労支援のため", "recipients": "相談窓口", "scope": "概要",
        "obtained_on": "2026-04-03", "obtained_how": "written", "given_by": "person"}).status_code == 302


def test_a_summary_share_shows_the_summary_and_nothing_personal(app, shared):
    case = shared["case"]
    _fill(app, client_of(app, shared["owner"]), case, shared["owner"])
    client = client_of(app, shared["reader"])
    assert case.number not in client.get("/cases/").get_data(as_text=True)
    shared["share"]("summary")
    page = client.get("/cases/").get_data(as_text=True)
    row = row_of(page, case.number)
    assert "Shared with you (Summary)" in row and "共有 花子" not in page
    assert f'href="/cases/{case.id}"' in row  # the case page opens: it shows the summary
    for path in (f"/cases/{case.id}", f"/cases/{case.id}/print"):
        response = client.get(path)
        html = response.get_data(as_text=True)
        assert response.status_code == 200, path
        assert case.number in html and "ひきこもり・8050世帯" in html and "High" in html, path
        assert "週1回の電話で見守る" in html and "長男 共有 太郎" in html, path  # the plan itself, who made contact
        assert [text for text in WITHHELD if text in html] == [], path  # not even in the raw HTML
    assert "shared with you as a summary" in client.get(f"/cases/{case.id}").get_data(as_text=True)
    with app.app_context():
        attachment = db.session.scalar(select(Attachment.id).where(Attachment.case_id == case.id))
        record = db.session.scalar(select(SupportRecord.id).where(SupportRecord.case_id == case.id))
    for path in (f"/cases/{case.id}/plan/history", f"/cases/{case.id}/attachments/{attachment}",
                 f"/cases/{case.id}/edit", f"/cases/{case.id}/plan", f"/cases/{case.id}/records/{record}/edit",
                 f"/cases/{case.id}/records/{record}/history"):
        assert client.get(path).status_code == 404, path
    assert client.post(f"/cases/{case.id}/records", data={"occurred_at": "2026-04-05T10:00", "kind": "phone",
                                                           "body": "x"}).status_code == 404
    # Searching by name would tell the reader what the summary withholds: not found.
    found = client.post("/cases/search", data={"kana": "キョウユウ ハナコ"}).get_data(as_text=True)
    assert case.number not in found
    with app.app_context():
        reads = db.session.scalars(select(AuditEvent).where(AuditEvent.case_id == case.id,
                                                            AuditEvent.actor_user_id == shared["reader"].id,
                                                            AuditEvent.outcome == "allowed")).all()
    assert [(e.tag, e.basis) for e in reads] == [("case:file:viewed", "referral:1"),
                                                  ("case:file:printed", "referral:1"),
                                                  ("case:file:viewed", "referral:1")]


def test_a_full_share_opens_the_case_and_lets_the_partner_write_but_not_close(app, shared):
    case = shared["case"]
    shared["share"]("full", expires_at=None)
    client = client_of(app, shared["reader"])
    row = row_of(client.get("/cases/").get_data(as_text=True), case.number)
    assert "共有 花子" in row and f'href="/cases/{case.id}"' in row and "Shared with you (Full)" in row
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "共有 花子" in page and "みどり市本町1-2-3" in page
    assert "a referral (つなぎ) shared it with you" in page.replace("&#39;", "'")
    assert client.post(f"/cases/{case.id}/records", data={"occurred_at": "2026-04-05T10:00", "kind": "phone",
                                                           "body": "つなぎ先から電話"}).status_code == 302
    closing = client.post(f"/cases/{case.id}/status", data={"status": "closed", "reason": "終結", "version": "1"})
    assert closing.status_code == 400
    assert "Only the lead institution closes this case." in closing.get_data(as_text=True)
    with app.app_context():
        assert db_get(app, Case, case.id).status != "closed"
    owner = client_of(app, shared["owner"])
    assert owner.post(f"/cases/{case.id}/status", data={"status": "closed", "reason": "終結",
                                                        "version": "1"}).status_code == 302


def test_an_expired_share_is_gone_from_the_list_and_the_page(app, shared):
    case = shared["case"]
    shared["share"]("full", starts_at=utcnow() - dt.timedelta(days=8), expires_at=utcnow() - dt.timedelta(days=1))
    client = client_of(app, shared["reader"])
    assert case.number not in client.get("/cases/").get_data(as_text=True)
    assert client.get(f"/cases/{case.id}").status_code == 404


def test_consent_names_member_institutions_and_its_withdrawal_ends_the_share(app, shared, make_institution):
    case, partner = shared["case"], shared["partner"]
    owner = client_of(app, shared["owner"])
    form = owner.get(f"/cases/{case.id}/consents").get_data(as_text=True)
    assert 'type="checkbox"' in form and "つなぎ先の相談窓口" in form and "ホーム機関" not in form
    consent = {"purpose_code": "referral", "purpose": "就労支援のため", "recipients": "つなぎ先の相談窓口",
               "scope": "氏名・相談経過", "obtained_on": "2026-04-03", "obtained_how": "written", "given_by": "person"}
    elsewhere = make_institution("よその協議会の機関", council="よその協議会")
    refused = owner.post(f"/cases/{case.id}/consents", data={**consent, "recipient_institutions": [elsewhere.id]})
    assert refused.status_code == 400 and "就労支援のため" in refused.get_data(as_text=True)
    assert owner.post(f"/cases/{case.id}/consents", data={**consent, "recipient_institutions": [partner.id]}
                      ).status_code == 302
    page = owner.get(f"/cases/{case.id}").get_data(as_text=True)
    assert '<span data-testid="consent-purpose">Referral to another institution (つなぎ)</span>' in page
    assert '<span data-testid="consent-recipients">つなぎ先の相談窓口</span>' in page
    with app.app_context():
        stored = db.session.scalars(select(Consent).where(Consent.case_id == case.id)).one()
        assert stored.recipient_institution_ids == [partner.id] and stored.purpose_code == "referral"
        consent_id = stored.id
        stored_consent = db_get(app, Consent, consent_id)
        grants.grant(actor=db_get(app, User, shared["owner"].id), case=db_get(app, Case, case.id), scope="full",
                     basis=f"consent:{consent_id}", legal_basis="consent", consent=stored_consent,
                     institution=db_get(app, Institution, partner.id))
        db.session.commit()
    reader = client_of(app, shared["reader"])
    assert reader.get(f"/cases/{case.id}").status_code == 200
    withdrawn = owner.post(f"/cases/{case.id}/consents/{consent_id}/withdraw", data={"version": "1"},
                           follow_redirects=True).get_data(as_text=True)
    assert "The consent was marked as withdrawn." in withdrawn and "The share resting on it has ended." in withdrawn
    assert reader.get(f"/cases/{case.id}").status_code == 404
    assert case.number not in reader.get("/cases/").get_data(as_text=True)
