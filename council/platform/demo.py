"""``make demo`` for the platform: invented member organisations, places with dates, a project, board topics,
resources and consultation windows — nothing about any person."""

from __future__ import annotations

import datetime as dt

from flask import current_app
from sqlalchemy import select

from council.core.clock import japan_to_utc, japan_today
from council.core.db import utcnow
from council.platform.board import services as board
from council.platform.consult import services as consult
from council.platform.database import db
from council.platform.models import PlatformRole, PlatformUser
from council.platform.organisations import services as organisations
from council.platform.places import services as places
from council.platform.projects import services as projects
from council.platform.resources import services as resources
from council.security import totp

#: Everyone in the platform demo shares this password; it exists only in demo databases.
DEMO_PASSWORD = "demo-platform-2026"  # noqa: S105

ORGANISATIONS = [
    ("NPO法人 みどりの輪", "npo", "北部", ("elderly", "places", "watching"),
     "高齢の方が気軽に集えるサロンと、見守りボランティアの育成をしています。",
     "事務局 電話 0436-00-1111（平日10時〜16時） info@midori-wa.example.jp", "demo-pf-midori"),
    ("社会福祉法人 ひなた会", "social_welfare", "中部", ("children", "food", "poverty"),
     "こども食堂とフードパントリーを運営しています。",
     "〒290-0000 みどり市中央1-2-3 ひなた会 地域支援室 電話 0436-00-2222", "demo-pf-hinata"),
    ("株式会社 みどり交通", "company", "市内全域", ("elderly", "community"),
     "路線バスとタクシーの運行を通じて、外出の機会づくりに協力しています。",
     "CSR推進室 csr@midori-kotsu.example.jp", "demo-pf-kotsu"),
    ("みどり市 福祉総合相談課", "government", "市内全域", ("community", "other"),
     "孤独・孤立対策の庁内外の連携を担当しています。", "電話 0436-00-3333 / 市役所2階", "demo-pf-city"),
]
#: (organisation index, name, kind, area, fields, venue, schedule, audience, how to join, cost, accessibility,
#: dates as (days from today, start hour, end hour))
PLACES = [
    (0, "ふれあいサロン みどり", "place", "北部", ("elderly", "places"), "北部公民館 和室", "毎週水曜 10時〜12時",
     "どなたでも。一人暮らしの方や、家族の介護をしている方も歓迎です。", "直接お越しください。",
     "お茶代100円", "段差なし・車いす可", [(7, 10, 12), (14, 10, 12), (21, 10, 12)]),
    (1, "ひなたこども食堂", "event", "中部", ("children", "food"), "中部コミュニティセンター 調理室",
     "毎月第2・第4土曜 17時〜19時", "子どもと保護者の方。子どもは無料です。",
     "前日までに事務局へ電話でお申し込みください。", "大人300円", "エレベーターあり", [(10, 17, 19), (24, 17, 19)]),
    (1, "フードパントリー", "activity", "中部", ("food", "poverty"), "ひなた会 地域支援室", "毎月第1金曜 13時〜15時",
     "食品の支援が必要な世帯の方。", "当日会場へ。予約は不要です。", "無料", "", [(5, 13, 15)]),
]
TOPICS = [("高齢者の居場所分科会", "サロンや通いの場の運営の工夫を共有します。", 1),
          ("子ども・若者分科会", "こども食堂や学習支援の連携について。", 2),
          ("事務局からのお知らせ", "プラットフォーム全体のお知らせです。", 0)]
WINDOWS = [
    ("みどり市 福祉総合相談センター", "みどり市", "暮らしの困りごと全般、家族のこと、お金のこと",
     "電話 0436-00-4444 / 市役所1階", "平日 8:30〜17:15", 1),
    ("みどり市社会福祉協議会 生活相談", "みどり市社会福祉協議会", "生活費、貸付、ボランティア", "電話 0436-00-5555",
     "平日 9:00〜17:00", 2),
    ("みどり市 こころの電話相談", "みどり市保健センター", "こころの悩み、眠れない、誰かと話したい",
     "0120-000-000（通話無料）", "毎日 17:00〜22:00", 3),
]

def _user(username: str, name: str, role: str, organisation_id: int | None) -> PlatformUser:
    user = PlatformUser(username=username, display_name=name, role=role, organisation_id=organisation_id,
                        failed_logins=0, password_hash=current_app.extensions["account_service"].hasher.hash(
                            DEMO_PASSWORD), password_changed_at=utcnow(), totp_secret=totp.new_secret())
    db.session.add(user)
    db.session.commit()
    return user


def _on(days: int, hour: int) -> dt.datetime:
    return japan_to_utc(japan_today() + dt.timedelta(days=days), dt.time(hour))


def create_demo() -> list[str]:
    """Create the platform demo once (later runs only print the logins); return lines to print."""
    if current_app.config["ENVIRONMENT"] == "production":
        raise RuntimeError("The demo must not be created in production.")
    if db.session.scalar(select(PlatformUser).where(PlatformUser.username == "demo-pf-admin")) is None:
        _fill()
    lines = ["", "Platform demo (/platform): password for every user: " + DEMO_PASSWORD]
    for user in db.session.scalars(select(PlatformUser).where(PlatformUser.username.startswith("demo-pf-"))
                                   .order_by(PlatformUser.id)):
        lines.append(f"  {user.username:<18} {user.role:<19} TOTP key: {user.totp_secret}")
    return lines


def _fill() -> None:
    admin = _user("demo-pf-admin", "プラットフォーム事務局", PlatformRole.ADMIN, None)
    staff = []
    for name, kind, area, fields, description, contact, username in ORGANISATIONS:
        profile = organisations.Profile(name=name, kind=kind, area=area, fields=fields, description=description,
                                        public_contact=contact, website="")
        organisation = organisations.apply(profile, username=username, display_name=f"{name} 事務局")
        user, _token = organisations.approve(actor=admin, organisation=organisation)
        user.password_hash = current_app.extensions["account_service"].hasher.hash(DEMO_PASSWORD)
        user.password_changed_at, user.totp_secret = utcnow(), totp.new_secret()
        db.session.commit()
        staff.append(user)
    _user("demo-pf-member", "みどりの輪 ボランティア係", PlatformRole.MEMBER, staff[0].organisation_id)
    for index, name, kind, area, fields, venue, schedule, audience, join, cost, access, dates in PLACES:
        place = places.create(actor=staff[index], details=places.PlaceDetails(
            name=name, kind=kind, area=area, fields=fields, venue=venue, schedule=schedule, audience=audience,
            how_to_join=join, cost=cost, accessibility=access, description=""))
        for days, start, end in dates:
            places.add_session(actor=staff[index], place=place, starts_at=_on(days, start),
                               ends_at=_on(days, end), note="")
    project = projects.start(actor=staff[0], details=projects.ProjectDetails(
        title="おでかけ応援プロジェクト",
        goal="外出の機会が少ない方が、サロンやこども食堂に通いやすくなる移動手段をつくる。",
        description="交通事業者と居場所の運営団体で、送迎や割引乗車券の仕組みを試します。", status="active"))
    projects.join(actor=staff[2], project=project)
    projects.post_update(actor=staff[2], project=project, body="北部の2路線で、サロンの日に合わせた増便を試行します。")
    topics = [board.save_topic(actor=admin, topic=None, name=name, description=text, position=position)
              for name, text, position in TOPICS]
    board.start_thread(actor=admin, topic=topics[2], title="プラットフォームを開設しました",
                       body="会員団体の皆さま、ご参加ありがとうございます。活動の紹介や協力の呼びかけにご活用ください。",
                       announcement=True)
    thread = board.start_thread(actor=staff[0], topic=topics[0], title="冬場のサロン参加者が減る時期の工夫",
                                body="寒くなると参加が減ります。送迎や電話での声かけなど、工夫があれば教えてください。",
                                announcement=False)
    board.reply(actor=staff[1], thread=thread, body="こども食堂では、前日に案内のチラシを配ると来やすいようです。")
    resources.share(actor=admin, kind="training", title="つながりサポーター養成講座（第1回）",
                    description="孤独・孤立について学び、身近な人の変化に気づくための講座です。", link="",
                    held_on=(japan_today() + dt.timedelta(days=30)), upload=None)
    for name, operator, topics_text, contact, hours, position in WINDOWS:
        consult.save(actor=admin, window=None, details=consult.WindowDetails(
            name=name, operator=operator, topics=topics_text, contact=contact, hours=hours, url="", position=position))
