"""Platform forms read their fields together (issue 14): a phone number split between a thread's title and its
body is refused in both fields, highlighted in each, audited without the text, and nothing is stored."""

from sqlalchemy import select

from council.platform.audit import PlatformTag
from council.platform.board.models import Post
from council.platform.database import db
from council.platform.models import PlatformAuditEvent
from tests.conftest import count, english


def _topic(platform_app, make_platform_user, platform_login) -> int:
    admin = platform_login(make_platform_user("admin"))
    response = admin.post("/board/topics", data={"name": "高齢者分科会", "description": "", "position": "1"})
    return int(response.headers["Location"].rsplit("/", 1)[1])


def test_a_phone_number_split_between_title_and_body_is_refused(platform_app, make_organisation,
                                                                make_platform_user, platform_login):
    topic_id = _topic(platform_app, make_platform_user, platform_login)
    member = english(platform_login(make_platform_user("member", organisation=make_organisation())))
    posts_before = count(platform_app, Post)
    response = member.post(f"/board/topics/{topic_id}/new",
                           data={"title": "見守りの件、連絡は090-4417", "body": "2386までお願いします"})
    page = response.get_data(as_text=True).replace('<span class="visually-hidden">]</span>', "")
    assert response.status_code == 200 and 'data-testid="pii-found"' in page
    assert "090-4417</" in page and "2386</" in page  # each field highlights its part
    assert "split between them" in page
    assert count(platform_app, Post) == posts_before
    with platform_app.app_context():
        refusal = db.session.scalar(select(PlatformAuditEvent).where(
            PlatformAuditEvent.tag == PlatformTag.TEXT_REFUSED).order_by(PlatformAuditEvent.seq.desc()))
        assert refusal.reason == "phone" and "4417" not in (refusal.target_id + refusal.reason)


def test_title_and_body_that_are_fine_together_are_posted(platform_app, make_organisation, make_platform_user,
                                                          platform_login):
    topic_id = _topic(platform_app, make_platform_user, platform_login)
    member = platform_login(make_platform_user("member", organisation=make_organisation()))
    response = member.post(f"/board/topics/{topic_id}/new",
                           data={"title": "夏祭り 8月2日 10時", "body": "0歳から参加できます。参加費100円です。"})
    assert response.status_code == 302
