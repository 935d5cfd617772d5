"""A refused form comes back with its error summary at the top of that form, linked to each field (issue 8).

The page is served again (not redirected), with what was typed, and the form's action opens it at the
summary. A refusal by a service (a stale edit, a rule of the case's life) joins the summary too: a flash at
the top of a long page is where nobody is looking.
"""

import re

from sqlalchemy import func, select

from council.cases.models import Case, SupportRecord
from council.database import db
from council.platform.board.models import Post
from council.platform.database import db as platform_db
from tests.conftest import fresh


def summary(page: str, form_id: str) -> str:
    """The error summary of form ``form_id`` on ``page`` ('' when there is none)."""
    found = re.search(rf'<div class="error-summary" id="{form_id}-errors".*?</div>', page, re.S)
    return found[0] if found else ""


def test_a_status_change_without_a_reason_shows_the_summary_at_the_status_form(app, client, login, make_user,
                                                                                make_case):
    worker = make_user("caseworker")
    case = make_case(worker)
    login(worker)
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert f'action="/cases/{case.id}/status#status-form-errors"' in page
    assert 'data-error-summary' not in page  # nothing refused yet, nothing shown (and no script)

    response = client.post(f"/cases/{case.id}/status", data={"status": "closed", "reason": "", "version": "1"})
    page = response.get_data(as_text=True)
    found = summary(page, "status-form")
    assert response.status_code == 400 and 'href="#reason"' in found
    assert 'role="alert"' in found and 'tabindex="-1"' in found
    assert '<option selected value="closed">' in page  # the choice is kept
    assert "/static/forms.js" in page and "nonce=" in page
    # The summary sits inside the status form, before its fields.
    form = page.split('<form id="status-form"', 1)[1].split("</form>", 1)[0]
    assert form.index("status-form-errors") < form.index('name="reason"')
    assert fresh(app, Case, case.id).status == "intake"


def test_a_refusal_by_the_service_joins_the_summary(app, client, login, make_user, make_case):
    worker = make_user("caseworker")
    case = make_case(worker)
    login(worker)
    client.post(f"/cases/{case.id}/status", data={"status": "assessment", "reason": "面談", "version": "1"})
    stale = client.post(f"/cases/{case.id}/status", data={"status": "closed", "reason": "転居のため終結",
                                                          "version": "1"})
    page = stale.get_data(as_text=True)
    found = summary(page, "status-form")
    assert stale.status_code == 409 and "<li>" in found and "転居のため終結" in page
    assert 'class="flash flash-error"' not in page  # said once, where the user is


def test_a_record_deleted_without_a_reason_opens_its_own_form_with_the_summary(app, client, login, make_user,
                                                                                make_case):
    worker = make_user("caseworker")
    case = make_case(worker)
    login(worker)
    with app.app_context():
        row = db.session.scalars(select(SupportRecord).where(SupportRecord.case_id == case.id)).one()
    response = client.post(f"/cases/{case.id}/records/{row.id}/delete", data={"reason": "  "})
    page = response.get_data(as_text=True)
    found = summary(page, f"delete-form-{row.id}")
    assert response.status_code == 400 and f'href="#reason-{row.id}"' in found
    assert f'id="reason-{row.id}"' in page and "<details open>" in page
    assert fresh(app, SupportRecord, row.id).deleted_at is None


def test_a_records_delete_form_carries_the_pages_csrf_token(app, client, login, make_user, make_case):
    # Each record's delete form is plain markup (no form object built per page; issue 13): what it posts, as the
    # browser would, must pass CSRF, and a post without the token must not delete.
    worker = make_user("caseworker")
    case = make_case(worker)
    login(worker)
    with app.app_context():
        row = db.session.scalars(select(SupportRecord).where(SupportRecord.case_id == case.id)).one()
    app.config["WTF_CSRF_ENABLED"] = True
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    form = re.search(rf'<form id="delete-form-{row.id}".*?</form>', page, re.S)[0]
    token = re.search(r'name="csrf_token" value="([^"]+)"', form)[1]
    assert client.post(f"/cases/{case.id}/records/{row.id}/delete", data={"reason": "重複"}).status_code == 400
    assert fresh(app, SupportRecord, row.id).deleted_at is None
    response = client.post(f"/cases/{case.id}/records/{row.id}/delete", data={"csrf_token": token, "reason": "重複"})
    assert response.status_code == 302 and fresh(app, SupportRecord, row.id).deleted_at is not None


def test_an_upload_without_a_file_is_refused_at_the_upload_form(client, login, make_user, make_case):
    worker = make_user("caseworker")
    case = make_case(worker)
    login(worker)
    response = client.post(f"/cases/{case.id}/attachments", data={})
    assert response.status_code == 400 and 'href="#file"' in summary(response.get_data(as_text=True),
                                                                      "attachment-form")


def test_intake_lists_every_missing_field_and_keeps_the_rest(client, login, make_user):
    login(make_user("caseworker"))
    response = client.post("/cases/new", data={"address": "みどり市緑町4-5-6", "intake_date": "2026-04-01",
                                               "risk": "medium"})
    page = response.get_data(as_text=True)
    found = summary(page, "intake-form")
    assert response.status_code == 400 and 'href="#name"' in found and 'href="#kana"' in found
    assert 'value="みどり市緑町4-5-6"' in page and 'action="#intake-form-errors"' in page


def test_a_wrong_password_is_said_in_the_summary_of_the_sign_in_form(client, make_user):
    user = make_user("caseworker")
    response = client.post("/login", data={"username": user.username, "password": "not the password"})
    page = response.get_data(as_text=True)
    assert response.status_code == 401 and "<li>" in summary(page, "login-form")
    assert f'value="{user.username}"' in page


def test_the_pledge_says_what_to_do_in_both_languages(client, login, make_user):
    from tests.conftest import english

    user = make_user("caseworker", pledged=False)
    login(user)
    page = client.post("/pledge", data={}).get_data(as_text=True)
    assert 'href="#accept"' in summary(page, "pledge-form") and "問題があります" in page
    english(client)
    page = client.post("/pledge", data={}).get_data(as_text=True)
    found = summary(page, "pledge-form")
    assert "There is a problem" in found and "Tick the box to accept the pledge." in found


def test_platform_forms_show_the_summary_too(platform_app, make_organisation, make_platform_user, platform_login):
    admin = platform_login(make_platform_user("admin"))
    response = admin.post("/board/topics", data={"name": "", "description": ""})
    assert 'href="#name"' in summary(response.get_data(as_text=True), "topic-form")
    response = admin.post("/board/topics", data={"name": "高齢者分科会", "description": "", "position": "1"})
    topic_id = int(response.headers["Location"].rsplit("/", 1)[1])
    member = platform_login(make_platform_user("member", organisation=make_organisation()))
    response = member.post(f"/board/topics/{topic_id}/new", data={"title": "夏祭りの協力", "body": "人手を募集します"})
    thread_id = int(response.headers["Location"].rsplit("/", 1)[1])
    with platform_app.app_context():
        post_id = platform_db.session.scalar(select(func.max(Post.id)))

    reply = member.post(f"/board/threads/{thread_id}/reply", data={"body": "連絡は090-1234-5678まで"})
    page = reply.get_data(as_text=True)
    assert 'href="#body"' in summary(page, "reply-form") and "090-1234-5678" in page  # kept, highlighted

    report = member.post(f"/board/posts/{post_id}/report", data={"reason": ""})
    page = report.get_data(as_text=True)
    assert f'href="#report-{post_id}"' in summary(page, f"report-form-{post_id}") and "<details open>" in page
    assert f'<label for="report-{post_id}">' in page and f'id="report-{post_id}"' in page

    member.post(f"/board/posts/{post_id}/report", data={"reason": "宣伝のため"})
    hidden = admin.post(f"/board/posts/{post_id}/hide?back=moderation", data={"reason": ""})
    assert f'href="#hide-{post_id}"' in summary(hidden.get_data(as_text=True), f"hide-form-{post_id}")
