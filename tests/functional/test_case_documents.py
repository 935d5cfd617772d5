"""Consent, the versioned plan and encrypted attachments of a case."""

import io
from urllib.parse import quote, unquote

from sqlalchemy import select, text

from council.access.policy import Action, authorize
from council.audit.models import AuditEvent
from council.cases.models import Attachment, Case, CasePlan, Consent
from council.database import db
from tests.conftest import fresh

PDF = b"%PDF-1.4\n% fictitious test document\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def tags(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent.tag).order_by(AuditEvent.seq)))


def test_consent_recorded_shown_and_withdrawn(app, client, login, make_user, make_case):
    worker = make_user("caseworker")
    case = make_case(worker)
    login(worker)
    form = {"purpose_code": "information_sharing", "purpose": "就労支援のための情報共有",
            "recipients": "みどり市社会福祉協議会",
            "scope": "氏名・連絡先・相談経過", "obtained_on": "令和8年4月3日", "obtained_how": "written"}
    assert client.post(f"/cases/{case.id}/consents", data=form).status_code == 302
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "就労支援のための情報共有" in page and "2026-04-03" in page
    with app.app_context():
        consent = db.session.scalars(select(Consent)).one()
    assert client.post(f"/cases/{case.id}/consents/{consent.id}/withdraw", data={"version": "1"}).status_code == 302
    assert fresh(app, Consent, consent.id).state == "withdrawn"
    assert client.post(f"/cases/{case.id}/consents/{consent.id}/withdraw", data={"version": "2"}).status_code == 302
    assert "case:consent:recorded" in tags(app) and "case:consent:withdrawn" in tags(app)


def test_consent_needs_purpose_recipients_and_scope(client, login, make_user, make_case):
    worker = make_user("caseworker")
    case = make_case(worker)
    login(worker)
    response = client.post(f"/cases/{case.id}/consents", data={"purpose": "目的だけ", "obtained_on": "2026-04-01"})
    assert response.status_code == 400 and "目的だけ" in response.get_data(as_text=True)


def test_plan_versions_and_stale_save(app, client, login, make_user, make_case):
    worker = make_user("caseworker")
    case = make_case(worker)
    login(worker)
    first = {"assessment": "母と二人暮らし", "plan": "月1回訪問", "goals": "外出の機会", "based_on": "0"}
    assert client.post(f"/cases/{case.id}/plan", data=first).status_code == 302
    stale = client.post(f"/cases/{case.id}/plan", data={**first, "assessment": "古い版からの編集"})
    assert stale.status_code == 409
    assert "古い版からの編集" in stale.get_data(as_text=True) and "母と二人暮らし" in stale.get_data(as_text=True)
    second = {**first, "plan": "週1回電話", "based_on": "1"}
    assert client.post(f"/cases/{case.id}/plan", data=second).status_code == 302
    with app.app_context():
        assert db.session.scalars(select(CasePlan.version).order_by(CasePlan.version)).all() == [1, 2]
    assert "週1回電話" in client.get(f"/cases/{case.id}").get_data(as_text=True)


def test_attachment_round_trip_encrypted_keeping_its_name(app, client, login, make_user, make_case):
    worker = make_user("caseworker")
    case = make_case(worker)
    login(worker)
    response = client.post(f"/cases/{case.id}/attachments", content_type="multipart/form-data",
                           data={"file": (io.BytesIO(PDF), "山田太郎_診断書.pdf")})
    assert response.status_code == 302
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "山田太郎_診断書.pdf" in page
    with app.app_context():
        row = db.session.scalars(select(Attachment)).one()
        raw = db.session.execute(text("SELECT content_enc, filename_enc FROM attachment")).one()
    assert b"fictitious" not in bytes(raw[0]) and "山田".encode() not in bytes(raw[1])
    download = client.get(f"/cases/{case.id}/attachments/{row.id}")
    assert download.data == PDF and download.mimetype == "application/pdf"
    # RFC 6266: the real name percent-encoded in filename*, a server-made ASCII name for older clients.
    disposition = download.headers["Content-Disposition"]
    assert disposition == (f'attachment; filename="{case.number}-{row.id}.pdf"; '
                           f"filename*=UTF-8''{quote('山田太郎_診断書.pdf')}")
    assert tags(app)[-1] == "case:attachment:downloaded"


def test_a_download_name_cannot_break_the_header_or_the_path(app, client, login, make_user, make_case):
    from council.cases import documents
    from tests.conftest import db_get

    worker = make_user("caseworker")
    case = make_case(worker)
    login(worker)
    with app.app_context():
        # As a crafted upload could store it: CR/LF, a bidi override, a path and a misleading suffix.
        actor, stored = db_get(app, type(worker), worker.id), db_get(app, Case, case.id)
        row = documents.add_attachment(actor=actor, case=stored, access=authorize(actor, Action.WRITE_RECORD, stored),
                                       filename="..\\..\\報告\r\nSet-Cookie: x=1\u202egnp.html",
                                       content=PDF)
    download = client.get(f"/cases/{case.id}/attachments/{row.id}")
    disposition = download.headers["Content-Disposition"]
    assert "\r" not in disposition and "\n" not in disposition and "Set-Cookie" not in download.headers
    name = unquote(disposition.split("filename*=UTF-8''", 1)[1])
    assert name == "報告Set-Cookie: x=1gnp.html.pdf"  # no control, bidi or path characters; opens as a PDF
    assert f'filename="{case.number}-{row.id}.pdf"' in disposition


def test_attachment_type_is_checked_by_content_not_name(client, login, make_user, make_case):
    worker = make_user("caseworker")
    case = make_case(worker)
    login(worker)
    client.post(f"/cases/{case.id}/attachments", content_type="multipart/form-data",
                data={"file": (io.BytesIO(b"<script>alert(1)</script>"), "report.pdf")})
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "report.pdf" not in page


def test_another_institution_cannot_download(app, client, login, make_user, make_case, make_institution):
    worker = make_user("caseworker")
    case = make_case(worker)
    login(worker)
    client.post(f"/cases/{case.id}/attachments", content_type="multipart/form-data",
                data={"file": (io.BytesIO(PDF), "a.pdf")})
    with app.app_context():
        row = db.session.scalars(select(Attachment)).one()
    other = app.test_client()
    from tests.conftest import sign_in

    sign_in(app, other, make_user("supervisor", institution=make_institution("ほか")))
    assert other.get(f"/cases/{case.id}/attachments/{row.id}").status_code == 404


def test_earlier_plan_versions_stay_readable(app, client, login, make_user, make_case):
    worker = make_user("caseworker")
    case = make_case(worker)
    login(worker)
    for version, assessment in enumerate(["初版の見立て", "二版の見立て"]):
        client.post(f"/cases/{case.id}/plan", data={"assessment": assessment, "plan": "p", "goals": "g",
                                                    "based_on": str(version)})
    page = client.get(f"/cases/{case.id}/plan/history").get_data(as_text=True)
    assert page.count('data-testid="plan-version"') == 2 and "初版の見立て" in page and "二版の見立て" in page


def test_duplicate_warning_shows_the_holders_contact(app, client, login, make_user, make_case, make_institution):
    from council.auth.models import Institution
    from tests.conftest import db_get

    holder_institution = make_institution("保有機関")
    with app.app_context():
        db_get(app, Institution, holder_institution.id).contact = "福祉課 0120-000-000"
        db.session.commit()
    make_case(make_user("caseworker", institution=holder_institution), name="重複 太郎", kana="チョウフク タロウ")
    login(make_user("caseworker"))
    intake = {"name": "重複 太郎", "kana": "ちょうふく たろう", "intake_date": "2026-04-01", "risk": "low",
              "referral_source": "self"}
    page = client.post("/cases/new", data=intake).get_data(as_text=True)
    assert "保有機関" in page and "福祉課 0120-000-000" in page
