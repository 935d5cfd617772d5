"""Members collaborate on the platform: apply, approval, staff, places and the calendar, projects, the board,
resources and the consultation windows — with every free-text field behind the PII guard."""

import io

from sqlalchemy import func, select

from council.platform.audit import PlatformTag
from council.platform.board.models import Post
from council.platform.database import db
from council.platform.models import PlatformAuditEvent, PlatformUser
from council.platform.organisations.models import Organisation
from council.platform.places.models import Place, PlaceSession
from tests.conftest import count, english, fresh
from tests.unit.platform.test_resource_content import pdf_with_text

APPLICATION = {"name": "NPO法人ひだまり", "kind": "npo", "area": "北部", "fields": ["elderly", "places"],
               "description": "五井地区で高齢者サロンを開いています。",
               "public_contact": "事務局 0436-22-1111 info@hidamari.example.jp",
               "website": "", "display_name": "事務局 担当", "username": "hidamari"}
PLACE = {"name": "ひだまりサロン", "kind": "place", "area": "北部", "fields": ["elderly"], "venue": "五井公民館 2階",
         "schedule": "毎週水曜 10時〜12時", "audience": "どなたでも。一人暮らしの高齢の方も歓迎です。",
         "how_to_join": "直接お越しください", "cost": "100円", "accessibility": "エレベーターあり", "description": ""}


def _tags(platform_app) -> list[str]:
    with platform_app.app_context():
        return list(db.session.scalars(select(PlatformAuditEvent.tag).order_by(PlatformAuditEvent.seq)))


def test_an_organisation_applies_is_approved_and_its_admin_invites_staff(platform_app, make_platform_user,
                                                                         platform_login):
    anonymous = platform_app.test_client()
    response = anonymous.post("/organisations/apply", data=APPLICATION)
    assert response.headers["Location"] == "/organisations/applied"
    assert "ひだまり" not in anonymous.get("/organisations/").get_data(as_text=True)  # not public before approval

    admin = platform_login(make_platform_user("admin"))
    queue = admin.get("/organisations/review").get_data(as_text=True)
    assert "NPO法人ひだまり" in queue and "hidamari" in queue
    with platform_app.app_context():
        organisation_id = db.session.scalar(select(Organisation.id))
    page = admin.post(f"/organisations/{organisation_id}/approve",
                      data={f"approve-{organisation_id}-username": "hidamari"}).get_data(as_text=True)
    link = page.split('data-testid="setup-link">', 1)[1].split("<", 1)[0]
    assert "/setup/" in link
    assert "NPO法人ひだまり" in anonymous.get("/organisations/").get_data(as_text=True)
    assert admin.post(f"/organisations/{organisation_id}/approve",
                      data={f"approve-{organisation_id}-username": "hidamari2"}).status_code == 404  # decided once only

    with platform_app.app_context():
        founder = db.session.scalar(select(PlatformUser).where(PlatformUser.username == "hidamari"))
        assert founder.role == "organisation_admin" and founder.organisation_id == organisation_id
    founder_client = platform_login(_with_password(platform_app, founder))
    response = founder_client.post("/organisations/mine/invite", data={"display_name": "ボランティア 係",
                                                                      "username": "hidamari-staff", "role": "member"})
    assert 'data-testid="setup-link"' in response.get_data(as_text=True)
    with platform_app.app_context():
        staff = db.session.scalar(select(PlatformUser).where(PlatformUser.username == "hidamari-staff"))
        assert staff.organisation_id == organisation_id and staff.role == "member"
    staff_client = platform_login(_with_password(platform_app, staff))
    assert staff_client.get("/organisations/mine/edit").status_code == 403  # members do not edit the profile
    assert {"platform:organisation:applied", "platform:organisation:approved",
            "platform:member:invited"} <= set(_tags(platform_app))


def _with_password(platform_app, user):
    from council.security.passwords import PasswordHasher
    from tests.conftest import PASSWORD

    with platform_app.app_context():
        row = db.session.get(PlatformUser, user.id)
        row.password_hash = PasswordHasher(platform_app.config["PASSWORD_HASH"]).hash(PASSWORD)
        db.session.commit()
        db.session.refresh(row)
        db.session.expunge(row)
        return row


def test_a_declined_application_never_becomes_public(platform_app, make_organisation, make_platform_user,
                                                     platform_login):
    pending = make_organisation("株式会社テスト", approved=False)
    admin = platform_login(make_platform_user("admin"))
    response = admin.post(f"/organisations/{pending.id}/decline", data={"reason": "活動実態が確認できないため"})
    assert response.status_code == 302
    assert fresh(platform_app, Organisation, pending.id).status == "declined"
    assert platform_app.test_client().get(f"/organisations/{pending.id}").status_code == 404


def test_applying_with_a_phone_number_in_the_description_is_refused_and_nothing_is_stored(platform_app):
    client = english(platform_app.test_client())
    data = {**APPLICATION, "description": "サロン利用者の田中さんの携帯 090-1234-5678 にご連絡ください"}
    response = client.post("/organisations/apply", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'data-testid="pii-found"' in page
    assert "<mark" in page and "090-1234-5678</" in page.replace('<span class="visually-hidden">]</span>', "")
    assert "NPO法人ひだまり" in page  # what was typed is kept
    assert count(platform_app, Organisation) == 0
    with platform_app.app_context():
        refusal = db.session.scalar(select(PlatformAuditEvent).where(
            PlatformAuditEvent.tag == PlatformTag.TEXT_REFUSED))
        assert refusal.target_id == "organisation.apply" and "phone" in refusal.reason
        assert "090" not in (refusal.reason or "") and "田中" not in (refusal.reason or "")


def test_phone_and_email_are_allowed_in_the_public_contact_only(platform_app):
    client = platform_app.test_client()
    assert client.post("/organisations/apply", data=APPLICATION).status_code == 302
    assert count(platform_app, Organisation) == 1


def test_staff_publish_a_place_with_dates_and_the_calendar_lists_them(platform_app, make_organisation,
                                                                      make_platform_user, platform_login):
    organisation = make_organisation()
    client = platform_login(make_platform_user("member", organisation=organisation))
    response = client.post("/places/new", data=PLACE)
    place_id = int(response.headers["Location"].rsplit("/", 1)[1])
    response = client.post(f"/places/{place_id}/sessions", data={"day": "2030-04-10", "starts": "10:00",
                                                                 "ends": "12:00", "note": "春の茶話会"})
    assert response.status_code == 302
    with platform_app.app_context():
        session = db.session.scalar(select(PlaceSession))
        assert session.starts_at.isoformat() == "2030-04-10T01:00:00+00:00"  # 10:00 in Japan
    public = platform_app.test_client()
    assert "ひだまりサロン" in public.get("/places/?area=北部").get_data(as_text=True)
    assert "ひだまりサロン" not in public.get("/places/?area=南部").get_data(as_text=True)
    feed = public.get("/places/calendar.ics")
    body = feed.get_data(as_text=True)
    assert feed.mimetype == "text/calendar" and body.startswith("BEGIN:VCALENDAR\r\n")
    assert "DTSTART:20300410T010000Z" in body and "SUMMARY:ひだまりサロン" in body
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))


def test_only_the_organising_organisation_and_platform_admins_edit_a_place(platform_app, make_organisation,
                                                                          make_platform_user, platform_login):
    ours, theirs = make_organisation("NPO法人A"), make_organisation("NPO法人B")
    owner = platform_login(make_platform_user("member", organisation=ours))
    place_id = int(owner.post("/places/new", data=PLACE).headers["Location"].rsplit("/", 1)[1])
    other = platform_login(make_platform_user("organisation_admin", organisation=theirs))
    assert other.get(f"/places/{place_id}/edit").status_code == 404
    assert other.post(f"/places/{place_id}/delete").status_code == 404
    assert platform_login(make_platform_user("admin")).get(f"/places/{place_id}/edit").status_code == 200


def test_a_stale_place_edit_is_refused_and_keeps_the_typed_text(platform_app, make_organisation, make_platform_user,
                                                                platform_login):
    organisation = make_organisation()
    client = platform_login(make_platform_user("member", organisation=organisation))
    place_id = int(client.post("/places/new", data=PLACE).headers["Location"].rsplit("/", 1)[1])
    assert client.post(f"/places/{place_id}/edit", data={**PLACE, "schedule": "毎週木曜", "version": "1"}).status_code \
        == 302
    page = client.post(f"/places/{place_id}/edit", data={**PLACE, "schedule": "毎週金曜", "version": "1"})
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "毎週金曜" in text and "毎週木曜" in text
    assert fresh(platform_app, Place, place_id).schedule == "毎週木曜"


def test_organisations_run_a_project_together(platform_app, make_organisation, make_platform_user, platform_login):
    lead, partner = make_organisation("NPO法人A"), make_organisation("株式会社B")
    lead_client = platform_login(make_platform_user("member", organisation=lead))
    response = lead_client.post("/projects/new", data={"title": "地域の見守りマップ", "goal": "見守りの輪を広げる",
                                                       "description": "", "status": "active"})
    project_id = int(response.headers["Location"].rsplit("/", 1)[1])
    partner_client = platform_login(make_platform_user("member", organisation=partner))
    assert partner_client.post(f"/projects/{project_id}/updates", data={"body": "参加します"}).status_code == 200
    assert partner_client.post(f"/projects/{project_id}/join").status_code == 302
    assert partner_client.post(f"/projects/{project_id}/updates",
                               data={"body": "配布先の店舗を10件確保しました。"}).status_code == 302
    page = lead_client.get(f"/projects/{project_id}").get_data(as_text=True)
    assert "株式会社B" in page and "配布先の店舗を10件確保しました。" in page
    assert partner_client.get(f"/projects/{project_id}/edit").status_code == 404
    refused = partner_client.post(f"/projects/{project_id}/updates",
                                  data={"body": "相談者は80代の女性で、夫を亡くして一人暮らしです。"})
    assert 'data-testid="pii-found"' in refused.get_data(as_text=True)
    assert "夫を亡くして" not in lead_client.get(f"/projects/{project_id}").get_data(as_text=True)


def test_board_moderation_hides_a_reported_post(platform_app, make_organisation, make_platform_user, platform_login):
    admin = platform_login(make_platform_user("admin"))
    response = admin.post("/board/topics", data={"name": "高齢者分科会", "description": "", "position": "1"})
    topic_id = int(response.headers["Location"].rsplit("/", 1)[1])
    member = platform_login(make_platform_user("member", organisation=make_organisation()))
    assert member.post("/board/topics", data={"name": "x"}).status_code == 403
    response = member.post(f"/board/topics/{topic_id}/new", data={"title": "夏祭りの協力", "body": "人手を募集します",
                                                                  "announcement": "y"})
    assert response.status_code == 200  # members cannot post announcements
    response = member.post(f"/board/topics/{topic_id}/new", data={"title": "夏祭りの協力", "body": "人手を募集します"})
    thread_id = int(response.headers["Location"].rsplit("/", 1)[1])
    member.post(f"/board/threads/{thread_id}/reply", data={"body": "宣伝ばかりの投稿です"})
    with platform_app.app_context():
        post_id = db.session.scalar(select(func.max(Post.id)))
    member.post(f"/board/posts/{post_id}/report", data={"reason": "宣伝のため"})
    assert "宣伝のため" in admin.get("/board/moderation").get_data(as_text=True)
    admin.post(f"/board/posts/{post_id}/hide", data={"reason": "掲示板の趣旨に合わないため"})
    page = member.get(f"/board/threads/{thread_id}").get_data(as_text=True)
    assert "宣伝ばかりの投稿です" not in page and "掲示板の趣旨に合わないため" in page
    assert "宣伝ばかりの投稿です" not in admin.get(f"/board/threads/{thread_id}").get_data(as_text=True)
    assert fresh(platform_app, Post, post_id).body == ""  # taken down means gone from the database too
    assert "宣伝のため" not in admin.get("/board/moderation").get_data(as_text=True)
    admin.post(f"/board/threads/{thread_id}/title", data={"title": "夏祭りの協力（タイトル修正）"})
    assert "夏祭りの協力（タイトル修正）" in member.get(f"/board/topics/{topic_id}").get_data(as_text=True)
    admin.post(f"/board/threads/{thread_id}/lock")
    admin.post(f"/board/threads/{thread_id}/lock")  # a second click keeps it locked
    member.post(f"/board/threads/{thread_id}/reply", data={"body": "追記です"})
    assert "追記です" not in member.get(f"/board/threads/{thread_id}").get_data(as_text=True)
    assert {"platform:board:post_reported", "platform:board:post_hidden",
            "platform:board:thread_locked"} <= set(_tags(platform_app))


def test_a_resource_file_with_a_personal_file_name_or_content_is_refused(platform_app, make_organisation,
                                                                        make_platform_user, platform_login):
    client = platform_login(make_platform_user("member", organisation=make_organisation()))
    pdf = pdf_with_text("Training for volunteers, 20 May 2030, 10:00-12:00")
    response = client.post("/resources/new", content_type="multipart/form-data", data={
        "kind": "document", "title": "記録", "description": "",
        "file": (io.BytesIO(pdf), "田中花子さん_相談記録.pdf")})
    assert 'data-testid="pii-found"' in response.get_data(as_text=True)
    response = client.post("/resources/new", content_type="multipart/form-data", data={
        "kind": "document", "title": "名簿", "description": "",
        "file": (io.BytesIO(pdf_with_text("Members: call 090-1234-5678")), "meibo.pdf")})
    assert "電話番号" in response.get_data(as_text=True)
    response = client.post("/resources/new", content_type="multipart/form-data", data={
        "kind": "training", "title": "つながりサポーター養成講座", "description": "市民向けの講座です",
        "held_on": "2030-05-20",
        "file": (io.BytesIO(pdf), "2030年度_養成講座_チラシ.pdf")})
    assert response.status_code == 302
    listing = client.get("/resources/").get_data(as_text=True)
    assert "つながりサポーター養成講座" in listing and "2030年度_養成講座_チラシ.pdf" in listing
    with platform_app.app_context():
        from council.platform.resources.models import Resource

        resource_id = db.session.scalar(select(Resource.id))
    download = client.get(f"/resources/{resource_id}/file")
    assert download.data == pdf and "attachment" in download.headers["Content-Disposition"]
    assert platform_app.test_client().get("/resources/").status_code == 302  # members only


def test_consultation_windows_are_public_and_have_no_form(platform_app, make_platform_user, platform_login):
    admin = platform_login(make_platform_user("admin"))
    response = admin.post("/consult/manage/new", data={"name": "福祉総合相談センター", "operator": "市原市",
                                                       "topics": "暮らしの困りごと全般", "contact": "0436-23-0000",
                                                       "hours": "平日 8:30〜17:15", "url": "", "position": "1"})
    assert response.status_code == 302
    page = platform_app.test_client().get("/consult/").get_data(as_text=True)
    assert "福祉総合相談センター" in page and "0436-23-0000" in page
    assert "<form" not in page.split('<main', 1)[1]  # nothing on the page collects anything


def test_one_address_cannot_flood_the_application_form(platform_app):
    from council.platform.organisations.services import APPLICATIONS_PER_HOUR

    client = platform_app.test_client()
    data = {**APPLICATION, "description": "連絡は 090-1234-5678 まで"}
    for _attempt in range(APPLICATIONS_PER_HOUR):
        assert client.post("/organisations/apply", data=data).status_code == 200  # refused by the guard
    response = client.post("/organisations/apply", data=APPLICATION)
    assert response.status_code == 429 and "NPO法人ひだまり" in response.get_data(as_text=True)
    assert count(platform_app, Organisation) == 0


def test_a_name_field_may_hold_a_name_but_nothing_else_personal(platform_app):
    client = platform_app.test_client()
    response = client.post("/organisations/apply", data={**APPLICATION, "display_name": "山田花子 090-1234-5678"})
    assert 'data-testid="pii-found"' in response.get_data(as_text=True)
    assert client.post("/organisations/apply", data={**APPLICATION, "display_name": "山田 花子"}).status_code == 302


def test_an_overlong_text_is_refused_without_running_the_guard(platform_app, monkeypatch):
    import council.platform.guarding as guarding

    calls = []
    monkeypatch.setattr(guarding, "check_fields",
                        lambda texts, **rules: calls.extend(map(len, texts.values())) or {name: [] for name in texts})
    response = platform_app.test_client().post("/organisations/apply",
                                               data={**APPLICATION, "description": "あ" * 50_000})
    assert response.status_code == 200 and 50_000 not in calls


def test_organisation_admins_manage_members_but_not_each_other(platform_app, make_organisation, make_platform_user,
                                                               platform_login):
    organisation = make_organisation()
    founder = make_platform_user("organisation_admin", organisation=organisation)
    co_admin = platform_login(make_platform_user("organisation_admin", organisation=organisation))
    member = make_platform_user("member", organisation=organisation)
    assert co_admin.post(f"/organisations/mine/staff/{founder.id}/link").status_code == 404
    assert co_admin.post(f"/organisations/mine/staff/{founder.id}/disable").status_code == 404
    for _twice in range(2):  # a double click does not turn the account back on
        assert co_admin.post(f"/organisations/mine/staff/{member.id}/disable").status_code == 302
    assert fresh(platform_app, PlatformUser, member.id).disabled_at is not None
    co_admin.post(f"/organisations/mine/staff/{member.id}/enable")
    assert fresh(platform_app, PlatformUser, member.id).disabled_at is None


def test_a_platform_admin_can_take_down_a_place_and_a_project_update(platform_app, make_organisation,
                                                                     make_platform_user, platform_login):
    owner = platform_login(make_platform_user("member", organisation=make_organisation()))
    place_id = int(owner.post("/places/new", data=PLACE).headers["Location"].rsplit("/", 1)[1])
    project_id = int(owner.post("/projects/new", data={"title": "見守り", "goal": "見守りの輪", "description": "",
                                                       "status": "active"}).headers["Location"].rsplit("/", 1)[1])
    owner.post(f"/projects/{project_id}/updates", data={"body": "進捗です"})
    admin = platform_login(make_platform_user("admin"))
    with platform_app.app_context():
        from council.platform.projects.models import ProjectUpdate

        update_id = db.session.scalar(select(ProjectUpdate.id))
    assert admin.post(f"/projects/{project_id}/updates/{update_id}/remove").status_code == 302
    assert "進捗です" not in owner.get(f"/projects/{project_id}").get_data(as_text=True)
    assert admin.post(f"/places/{place_id}/delete").status_code == 302
    assert platform_app.test_client().get(f"/places/{place_id}").status_code == 404


def test_a_tampered_version_is_a_stale_edit_not_an_error(platform_app, make_organisation, make_platform_user,
                                                         platform_login):
    client = platform_login(make_platform_user("member", organisation=make_organisation()))
    place_id = int(client.post("/places/new", data=PLACE).headers["Location"].rsplit("/", 1)[1])
    response = client.post(f"/places/{place_id}/edit", data={**PLACE, "version": "abc"})
    assert response.status_code == 200 and 'class="stored"' in response.get_data(as_text=True)
