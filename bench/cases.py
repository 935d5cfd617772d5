"""Case pages at scale (issue #3, DESIGN §8): search, case list, case page and ledger import on 100k cases.

    .venv/bin/python bench/cases.py [--cases 100000] [--records 10] [--runs 20] [--backend both]
                                    [--import-rows 10000] [--postgres URL] [--shared 0.05]
                                    [--measure search,list,view,import]

For each backend (a temporary SQLite file, and a throw-away PostgreSQL database) it

1. builds N real cases: each with its own data key wrapped by the app's keyring (``vault().new_case_key``),
   every personal field sealed with that case's FieldCipher bound to the same table, column and row id as
   ``services.store_person`` / ``records._add_record`` use, blind indexes from ``vault().person_indexes``,
   one subject person, about R support records, 1-3 categories, an assigned caseworker; cases are spread over
   the ten institutions of one council, and a --shared fraction of them (5%) is shared with another
   institution of the council through a case grant (rows as ``access.grants`` writes them: half full, half
   summary, half with an expiry; a few already ended or expired, which must not count). Rows go in with
   SQLAlchemy Core bulk inserts in batches with explicit ids (so values can be encrypted before the insert);
   PostgreSQL's id sequences are moved past them and the
   tables VACUUM ANALYZEd (what autovacuum does after a bulk load) and checkpointed. SQLite is left without
   ANALYZE, as the app leaves it. One more case gets 50 support records and two household members for the
   case page;
2. signs a caseworker and a supervisor of one institution in once, through the real /login forms, and then
   times the real routes with Flask's test client (server side: routing, session check, permission gate,
   query, decryption, audit event and its commit, template) — each measurement in a fresh child process so
   that its peak RSS (VmHWM) is its own, started once the machine is idle (on a shared machine other people's
   test runs would otherwise land in the medians):
   - POST /cases/search by kana, as the caseworker (target ≤ 10 ms);
   - GET /cases/ (50 rows, decrypted names), as the supervisor of an institution holding ~N/10 cases and
     receiving ~N/200 shares (≤ 50 ms);
   - GET /cases/<id> with 50 support records, as the caseworker assigned to it (≤ 30 ms);
   - ``council.cases.importer.import_ledger`` of a generated .xlsx of --import-rows rows into the council
     that holds the N cases (one run, rows/s; the ledger's people share no name, kana or phone with the built
     ones, so its duplicate check refuses nothing), then 2,000 and --import-rows rows again, each into an
     empty council of its own, under tracemalloc, to compare the peaks;
3. prints a table: median and p90 of --runs requests, SQL statements per request, the child's peak RSS,
   and the tracemalloc peak of one request (Python allocations made while serving it) or of a whole import.

The database and the instance folder (keys) are deleted at the end.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
import types
from pathlib import Path

import pyotp
from openpyxl import Workbook
from scratch import postgres_database  # noqa: E402  (bench/scratch.py, beside this file)
from sqlalchemy import event, func, insert, select, text

from council import create_app
from council.access.models import CaseGrant
from council.access.reads import operator_access, record_read
from council.audit.events import AuditTag
from council.auth.models import Council, Institution, PledgeAcceptance, User
from council.auth.pledge import CURRENT_VERSION
from council.auth.services import accounts
from council.cases.dates import to_wareki
from council.cases.importer import import_ledger
from council.cases.ledger_import import HEADER
from council.cases.models import Case, CaseAssignment, CaseCategory, CaseNumberCounter, Person, SupportRecord
from council.cases.vault import vault
from council.core.clock import JAPAN, japan_today
from council.core.db import utcnow
from council.database import db
from council.instance import create_keys
from council.security.passwords import Argon2Parameters

DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/postgres"
PASSWORD = "correct horse battery staple"
BATCH = 2000  # cases per bulk insert (about 10 support records each)
COOKIE = "council"
#: A row of the case list: its number, linked for a full reach, plain for a summary share.
CASE_ROW = re.compile(r'<td>(?:<a href="/cases/\d+">)?\d{4}-\d{4}')

# -- fictitious people ---------------------------------------------------------------------------------------


def _pairs(text: str) -> list[tuple[str, str]]:
    """``漢字:カナ`` words, separated by spaces or newlines."""
    return [tuple(word.split(":")) for word in text.split()]


SURNAMES = _pairs("""
佐藤:サトウ 鈴木:スズキ 高橋:タカハシ 田中:タナカ 伊藤:イトウ 渡辺:ワタナベ 山本:ヤマモト 中村:ナカムラ 小林:コバヤシ
加藤:カトウ 吉田:ヨシダ 山田:ヤマダ 佐々木:ササキ 山口:ヤマグチ 松本:マツモト 井上:イノウエ 木村:キムラ 林:ハヤシ
斎藤:サイトウ 清水:シミズ 山崎:ヤマザキ 森:モリ 池田:イケダ 橋本:ハシモト 阿部:アベ 石川:イシカワ 山下:ヤマシタ
中島:ナカジマ 石井:イシイ 小川:オガワ 前田:マエダ 岡田:オカダ 長谷川:ハセガワ 藤田:フジタ 後藤:ゴトウ 近藤:コンドウ
村上:ムラカミ 遠藤:エンドウ 青木:アオキ 坂本:サカモト 斉藤:サイトウ 福田:フクダ 太田:オオタ 西村:ニシムラ 藤井:フジイ
金子:カネコ 岡本:オカモト 藤原:フジワラ 中野:ナカノ 三浦:ミウラ 原田:ハラダ 中川:ナカガワ 松田:マツダ 竹内:タケウチ
小野:オノ 田村:タムラ 中山:ナカヤマ 和田:ワダ 石田:イシダ 森田:モリタ 上田:ウエダ 原:ハラ 内田:ウチダ 柴田:シバタ
酒井:サカイ 宮崎:ミヤザキ 横山:ヨコヤマ 高木:タカギ 安藤:アンドウ 宮本:ミヤモト 大野:オオノ 小島:コジマ 谷口:タニグチ
今井:イマイ 工藤:クドウ 高田:タカダ 増田:マスダ 丸山:マルヤマ 杉山:スギヤマ 村田:ムラタ 大塚:オオツカ 小山:コヤマ
藤本:フジモト 平野:ヒラノ 新井:アライ 河野:コウノ 上野:ウエノ 武田:タケダ 野口:ノグチ 松井:マツイ 千葉:チバ
岩崎:イワサキ 菅原:スガワラ 木下:キノシタ 久保:クボ 佐野:サノ 野村:ノムラ 松尾:マツオ 菊地:キクチ 杉本:スギモト
""")
MALE = _pairs("""
太郎:タロウ 一郎:イチロウ 健太:ケンタ 翔太:ショウタ 大輔:ダイスケ 拓也:タクヤ 誠:マコト 浩:ヒロシ 茂:シゲル 勇:イサム
清:キヨシ 博:ヒロシ 隆:タカシ 修:オサム 実:ミノル 進:ススム 正男:マサオ 和夫:カズオ 武:タケシ 明:アキラ 健一:ケンイチ
雄一:ユウイチ 直樹:ナオキ 達也:タツヤ 和也:カズヤ 翔:ショウ 蓮:レン 悠真:ユウマ 陽翔:ハルト 大和:ヤマト 湊:ミナト
颯太:ソウタ 優斗:ユウト 悠斗:ユウト 陸:リク 光:ヒカル 亮:リョウ 剛:ツヨシ 聡:サトシ 豊:ユタカ 昭:アキラ 稔:ミノル
""")
FEMALE = _pairs("""
花子:ハナコ 幸子:サチコ 和子:カズコ 節子:セツコ 洋子:ヨウコ 恵子:ケイコ 京子:キョウコ 美智子:ミチコ 久美子:クミコ
由美子:ユミコ 裕子:ユウコ 真由美:マユミ 明美:アケミ 直美:ナオミ 智子:トモコ 陽子:ヨウコ 恵:メグミ 愛:アイ 舞:マイ
彩:アヤ 美咲:ミサキ さくら:サクラ 陽菜:ヒナ 結衣:ユイ 葵:アオイ 凛:リン 美羽:ミウ 芽依:メイ 千尋:チヒロ 優子:ユウコ
春香:ハルカ 麻衣:マイ 奈々:ナナ 由紀:ユキ 静香:シズカ トメ:トメ ハル:ハル キヨ:キヨ 千代:チヨ 文子:フミコ 富子:トミコ
""")
#: Surnames of the ledger files only: no ledger person shares a name, kana or phone with a built case, so the
#: import's duplicate check (a person already held in the council is an error) finds nothing to refuse.
LEDGER_SURNAMES = _pairs("""
宇佐美:ウサミ 風間:カザマ 東海林:ショウジ 五十嵐:イガラシ 早乙女:サオトメ 小野寺:オノデラ 菅野:カンノ 桑原:クワバラ
大和田:オオワダ 二階堂:ニカイドウ 相沢:アイザワ 秋山:アキヤマ 浅野:アサノ 荒木:アラキ 飯田:イイダ 市川:イチカワ
岩田:イワタ 大川:オオカワ 片山:カタヤマ 北村:キタムラ 熊谷:クマガイ 黒田:クロダ 小松:コマツ 榊原:サカキバラ
島田:シマダ 関口:セキグチ 高野:タカノ 土屋:ツチヤ 戸田:トダ 永井:ナガイ 西田:ニシダ 野田:ノダ 服部:ハットリ
樋口:ヒグチ 福島:フクシマ 堀:ホリ 松岡:マツオカ 水野:ミズノ 望月:モチヅキ 矢野:ヤノ
""")
TOWNS = ["本町", "緑町", "栄町", "旭町", "若葉台", "桜ケ丘", "中央", "東町", "西町", "南町", "北町", "青葉町", "松原",
         "八幡", "新田", "五井", "姉ケ崎", "辰巳台", "国分寺台", "牛久"]
BUILDINGS = ["コーポみどり", "ハイツ栄", "メゾン桜", "グリーンハイム", "市営住宅旭", "サンライズ五井"]
RELATIONS = ["母", "父", "長男", "長女", "次男", "妻", "夫", "祖母", "姉", "弟"]
NOTES = ["", "", "", "耳が遠いため大きな声で話すこと。", "午前中は通院のため不在が多い。", "電話よりも訪問を希望。",
         "犬を飼っている。", "夜間は長男が在宅。"]
KINDS = ["visit", "phone", "office", "accompany", "meeting", "other"]
KIND_WEIGHTS = [30, 35, 15, 8, 10, 2]
STATUSES = ["intake", "assessment", "support", "monitoring", "closed"]
STATUS_WEIGHTS = [5, 10, 35, 25, 25]
CATEGORIES = ["経済的困窮", "ひきこもり", "8050世帯", "ヤングケアラー", "単身高齢", "障害", "精神保健", "DV・虐待",
              "住まい", "就労", "子育て", "社会的孤立", "その他"]
INSTITUTIONS = [  # (name, kind): ten 構成機関 of one council
    ("みどり市役所 福祉総合相談課", "government"), ("みどり市社会福祉協議会", "social_welfare_council"),
    ("みどり市地域包括支援センター中央", "community_support_center"),
    ("みどり市地域包括支援センター東部", "community_support_center"), ("NPO法人 よりそいネットみどり", "npo"),
    ("社会福祉法人 みどり福祉会", "social_welfare_corporation"), ("みどり市保健センター", "government"),
    ("みどり中央病院 医療相談室", "medical"), ("みどり市教育委員会 学校支援室", "school"),
    ("みどり市生活自立相談支援センター", "government"),
]
CASEWORKERS_PER_INSTITUTION = 5
SITUATION = ["室内は片付いており体調も安定している様子", "郵便物が玄関にたまっていた", "表情は明るく会話も弾んだ",
             "食事が十分に取れていないとのこと", "母親の介護で疲れがみられる", "昼夜逆転の生活が続いている",
             "家賃の滞納が二か月分あると話す", "通院を中断していることが分かった"]
TOPIC = ["生活費", "家賃の支払い", "就労", "通院", "介護サービスの利用", "子どもの登校", "近隣とのトラブル",
         "障害福祉サービス", "年金の手続き", "食料支援"]
ACTION = ["社会福祉協議会の緊急小口資金を案内した", "地域包括支援センターへつなぐことを提案し本人の了承を得た",
          "次回の面談日を調整した", "ハローワークへの同行を約束した", "フードバンクの食料を手渡した",
          "主治医への相談を勧めた", "家計の見直しを一緒に行った", "民生委員に見守りを依頼した"]
PLACE = ["市役所の生活福祉課", "ハローワーク", "みどり中央病院", "地域包括支援センター", "年金事務所", "不動産会社"]
POLICY = ["当面は週一回の電話連絡を続ける", "月一回の訪問で見守りを行う", "就労準備支援事業の利用を検討する",
          "家族への支援も並行して行う", "次回会議で支援計画を見直す"]
WHEN = ["来週", "二週間後", "月末", "来月上旬"]


class People:
    """Fictitious Japanese persons: kanji and kana names, birth dates, sex, address and phone."""

    def __init__(self, rng: random.Random, *, surnames=SURNAMES, area_code: str = "0436"):
        self.rng, self.surnames, self.area_code = rng, surnames, area_code

    def person(self, *, born_after: int = 1935, born_before: int = 2008) -> dict:
        rng = self.rng
        surname, surname_kana = rng.choice(self.surnames)
        female = rng.random() < 0.5
        given, given_kana = rng.choice(FEMALE if female else MALE)
        space = "　" if rng.random() < 0.2 else " "  # some people type a full-width space
        born = dt.date(born_after, 1, 1) + dt.timedelta(days=rng.randrange((born_before - born_after) * 365))
        return {"name": f"{surname}{space}{given}", "kana": f"{surname_kana} {given_kana}",
                "surname_kana": surname_kana, "birth": born, "sex": "female" if female else "male",
                "address": self.address(), "phone": self.phone()}

    def address(self) -> str:
        rng = self.rng
        text = f"みどり市{rng.choice(TOWNS)}{rng.randint(1, 5)}丁目{rng.randint(1, 30)}-{rng.randint(1, 20)}"
        if rng.random() < 0.35:
            text += f" {rng.choice(BUILDINGS)}{rng.randint(1, 4)}0{rng.randint(1, 9)}号室"
        return text

    def phone(self) -> str:
        rng = self.rng
        if self.area_code == "0436" and rng.random() < 0.6:
            return f"0{rng.choice('987')}0-{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}"
        return f"{self.area_code}-{rng.randint(20, 99)}-{rng.randint(1000, 9999)}"

    def body(self, kind: str) -> str:
        rng = self.rng
        text = {
            "visit": f"自宅を訪問。本人と玄関先で{rng.randint(10, 60)}分ほど話す。{rng.choice(SITUATION)}。"
                     f"{rng.choice(TOPIC)}について心配があるとのことで、{rng.choice(ACTION)}。次回は{rng.choice(WHEN)}に再訪予定。",
            "phone": f"本人より電話。{rng.choice(TOPIC)}について相談あり。{rng.choice(SITUATION)}。"
                     f"{rng.choice(ACTION)}。",
            "office": f"本人が来所。{rng.choice(TOPIC)}の手続きについて説明し、{rng.choice(ACTION)}。",
            "accompany": f"{rng.choice(PLACE)}へ同行。{rng.choice(TOPIC)}の相談に同席し、{rng.choice(ACTION)}。",
            "meeting": f"支援調整会議。{rng.choice(INSTITUTIONS)[0]}と情報共有し、{rng.choice(POLICY)}ことを確認。",
            "other": f"関係機関より連絡。{rng.choice(SITUATION)}との情報提供あり。",
        }[kind]
        return text + (f"{rng.choice(POLICY)}。" if rng.random() < 0.5 else "")


# -- building ---------------------------------------------------------------------------------------------


def make_app(folder: Path, url: str):
    return create_app({"INSTANCE_PATH": folder, "DATABASE_URL": url, "CREATE_DATABASE": True,
                       "WTF_CSRF_ENABLED": False,
                       "PASSWORD_HASH": Argon2Parameters(memory_cost=64, iterations=1, lanes=1)})


def create_council(app, name: str) -> int:
    """Another council with the same ten institutions and no cases (for the memory runs of the import)."""
    with app.app_context():
        council = Council(name=name)
        db.session.add(council)
        for institution_name, kind in INSTITUTIONS:
            db.session.add(Institution(council=council, name=institution_name, kind=kind))
        db.session.commit()
        return council.id


def create_people(app) -> dict:
    """The council, its ten institutions, a supervisor and five caseworkers each (all signed the pledge)."""
    rng = random.Random(7)
    with app.app_context():
        council = Council(name="みどり市孤独・孤立対策地域協議会")
        db.session.add(council)
        password_hash = accounts().hasher.hash(PASSWORD)
        institutions, staff = [], {}
        for number, (name, kind) in enumerate(INSTITUTIONS):
            institution = Institution(council=council, name=name, kind=kind, is_coordinator=number == 0)
            db.session.add(institution)
            db.session.flush()
            institutions.append(institution.id)
            staff[institution.id] = {"supervisor": None, "caseworkers": []}
            for role, count in (("supervisor", 1), ("caseworker", CASEWORKERS_PER_INSTITUTION)):
                for n in range(count):
                    surname, _ = rng.choice(SURNAMES)
                    given, _ = rng.choice(rng.choice([MALE, FEMALE]))
                    user = User(username=f"{role}{number:02d}{n}", display_name=f"{surname} {given}",
                                institution_id=institution.id, role=role, failed_logins=0,
                                password_hash=password_hash, totp_secret=pyotp.random_base32(32))
                    db.session.add(user)
                    db.session.flush()
                    db.session.add(PledgeAcceptance(user_id=user.id, version=CURRENT_VERSION, accepted_at=utcnow()))
                    if role == "supervisor":
                        staff[institution.id]["supervisor"] = user.id
                    else:
                        staff[institution.id]["caseworkers"].append(user.id)
        db.session.commit()
        return {"council": council.id, "institutions": institutions, "staff": staff}


class Builder:
    """Encrypts and bulk-inserts cases, persons, categories, assignments and support records."""

    def __init__(self, people: dict, *, seed: int = 42):
        self.people = people
        self.rng = random.Random(seed)
        self.fake = People(self.rng)
        self.tables = {"case_file": Case.__table__, "case_category": CaseCategory.__table__,
                       "case_assignment": CaseAssignment.__table__, "person": Person.__table__,
                       "support_record": SupportRecord.__table__, "case_grant": CaseGrant.__table__}
        self.counter_table = CaseNumberCounter.__table__
        self.next_id = dict.fromkeys(self.tables, 1)
        self.numbers: dict[int, int] = {}  # year -> last case number given
        self.pending: dict[str, list[dict]] = {name: [] for name in self.tables}
        self.today = japan_today()

    def _id(self, table: str) -> int:
        value = self.next_id[table]
        self.next_id[table] = value + 1
        return value

    def add_case(self, *, intake: dt.date, institution: int, caseworker: int, records: int, status: str | None = None,
                 household: int = 0) -> tuple[int, dict]:
        """Queue one case (encrypted) for the next flush; returns its id and its subject's plaintext."""
        rng, fake = self.rng, self.fake
        case_id = self._id("case_file")
        self.numbers[intake.year] = number = self.numbers.get(intake.year, 0) + 1
        # The app's own key path: a fresh data key, wrapped by the current KEK and bound to the case id.
        holder = types.SimpleNamespace(id=case_id, wrapped_key=None, key_version=None)
        cipher = vault().new_case_key(holder)
        vault().forget(holder)

        status = status or rng.choices(STATUSES, STATUS_WEIGHTS)[0]
        span = max(1, min((self.today - intake).days, 730))
        moments = sorted(dt.datetime.combine(intake + dt.timedelta(days=rng.randrange(span)),
                                             dt.time(rng.randint(9, 17), rng.choice((0, 15, 30, 45))), JAPAN)
                         for _ in range(records))
        last_contact = moments[-1].date() if moments else intake
        closed_on = last_contact + dt.timedelta(days=rng.randint(1, 30)) if status == "closed" else None
        if closed_on and closed_on > self.today:
            closed_on = self.today
        key_person = ""
        if rng.random() < 0.3:
            surname, _ = rng.choice(SURNAMES)
            given, _ = rng.choice(rng.choice([MALE, FEMALE]))
            key_person = f"{surname} {given}（{rng.choice(RELATIONS)}）"
        self.pending["case_file"].append({
            "id": case_id, "council_id": self.people["council"], "number": f"{intake.year}-{number:04d}",
            "status": status, "lead_institution_id": institution, "risk": rng.choices(["high", "medium", "low"],
                                                                                      [15, 55, 30])[0],
            "intake_date": intake,
            "next_review_date": None if closed_on else last_contact + dt.timedelta(days=rng.randint(14, 90)),
            "last_contact_date": last_contact,
            "key_person_enc": cipher.encrypt(key_person or None, table="case_file", column="key_person",
                                             row_id=case_id),
            "closure_reason_enc": cipher.encrypt("支援目標を達成したため終結。" if closed_on else None,
                                                 table="case_file", column="closure_reason", row_id=case_id),
            "closed_on": closed_on,
            "purge_after": closed_on + dt.timedelta(days=5 * 365 + 1) if closed_on else None,
            "purged_at": None, "wrapped_key": holder.wrapped_key, "key_version": holder.key_version,
            "created_at": dt.datetime.combine(intake, dt.time(9), JAPAN), "created_by": caseworker, "version": 1,
        })
        for category in rng.sample(CATEGORIES, rng.choice((1, 1, 2, 2, 2, 3))):
            self.pending["case_category"].append({"id": self._id("case_category"), "case_id": case_id,
                                                  "category": category})
        self.pending["case_assignment"].append({"id": self._id("case_assignment"), "case_id": case_id,
                                                "user_id": caseworker})
        subject = fake.person()
        self._person(cipher, case_id, "subject", subject, relationship="", notes=rng.choice(NOTES))
        for _ in range(household):
            member = fake.person()
            member["name"] = subject["name"].split()[0] + " " + member["name"].split()[-1]
            member["kana"] = subject["surname_kana"] + " " + member["kana"].split()[-1]
            member["address"] = subject["address"]
            self._person(cipher, case_id, "household", member, relationship=rng.choice(RELATIONS), notes="")
        for moment in moments:
            record_id = self._id("support_record")
            kind = rng.choices(KINDS, KIND_WEIGHTS)[0]
            self.pending["support_record"].append({
                "id": record_id, "case_id": case_id, "occurred_at": moment, "kind": kind, "author_id": caseworker,
                "institution_id": institution,
                "body_enc": cipher.encrypt(fake.body(kind), table="support_record", column="body", row_id=record_id),
                "created_at": moment, "updated_at": None, "deleted_at": None, "deleted_by": None,
                "delete_reason_enc": None, "version": 1,
            })
        return case_id, subject

    def _person(self, cipher, case_id: int, kind: str, data: dict, *, relationship: str, notes: str) -> None:
        """As services.store_person: every field sealed for person.<column> of this row, plus blind indexes."""
        person_id = self._id("person")
        birth_iso = data["birth"].isoformat()

        def seal(column: str, value: str) -> bytes | None:
            return cipher.encrypt(value or None, table="person", column=column, row_id=person_id)

        row = {"id": person_id, "case_id": case_id, "relationship_kind": kind,
               "relationship_enc": seal("relationship", relationship), "name_enc": seal("name", data["name"]),
               "kana_enc": seal("kana", data["kana"]), "birth_date_enc": seal("birth_date", birth_iso),
               "sex_enc": seal("sex", data["sex"]), "address_enc": seal("address", data["address"]),
               "phone_enc": seal("phone", data["phone"]), "notes_enc": seal("notes", notes)}
        row.update(vault().person_indexes(name=data["name"], kana=data["kana"], birth_iso=birth_iso,
                                          phone=data["phone"]))
        self.pending["person"].append(row)

    def share(self, case_id: int, *, lead: int, creator: int) -> None:
        """Queue a grant of the case to another institution of the council, as handoffs will make them."""
        rng, now = self.rng, utcnow()
        recipient = rng.choice([i for i in self.people["institutions"] if i != lead])
        starts = now - dt.timedelta(days=rng.randint(1, 400))
        expires = starts + dt.timedelta(days=rng.choice((90, 180, 365, 730))) if rng.random() < 0.5 else None
        ended = now - dt.timedelta(days=1) if rng.random() < 0.05 else None
        self.pending["case_grant"].append({
            "id": self._id("case_grant"), "case_id": case_id, "institution_id": recipient, "user_id": None,
            "scope": rng.choice(("full", "summary")), "basis": f"referral:{case_id}",
            "legal_basis": "council_sharing", "consent_id": None, "starts_at": starts, "expires_at": expires,
            "ended_at": ended, "ended_by": creator if ended else None, "end_reason": "revoked" if ended else None,
            "created_at": starts, "created_by": creator})

    def flush(self) -> None:
        with db.engine.begin() as connection:
            for name, table in self.tables.items():  # parents first
                if self.pending[name]:
                    connection.execute(insert(table), self.pending[name])
                    self.pending[name] = []

    def finish(self) -> None:
        """Case-number counters as the app would have left them; sequences past the explicit ids; statistics."""
        self.flush()
        with db.engine.begin() as connection:
            connection.execute(insert(self.counter_table), [
                {"council_id": self.people["council"], "year": year, "last": last}
                for year, last in sorted(self.numbers.items())])
            if connection.dialect.name == "postgresql":
                for name in self.tables:
                    connection.execute(text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                                            f"(SELECT max(id) FROM {name}))"))
        if db.engine.dialect.name == "postgresql":
            # What autovacuum would do soon after a bulk load; done now so it does not run during the timings.
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(text("VACUUM (ANALYZE)"))
                connection.execute(text("CHECKPOINT"))
        # Let the bulk load's writes reach the disk now, not behind the commits being timed.
        os.sync()


def build(app, people: dict, *, cases: int, records: int, shared: float) -> dict:
    """N cases spread over the institutions and the last ~7.5 years, plus the 50-record case. Returns facts."""
    builder = Builder(people)
    rng = builder.rng
    first = dt.date(2019, 4, 1)
    days = (builder.today - first).days
    with app.app_context():
        intakes = sorted(first + dt.timedelta(days=rng.randrange(days)) for _ in range(cases))
        began = time.perf_counter()
        for done, intake in enumerate(intakes, start=1):
            institution = rng.choice(people["institutions"])
            caseworker = rng.choice(people["staff"][institution]["caseworkers"])
            case_id, _ = builder.add_case(intake=intake, institution=institution, caseworker=caseworker,
                                          records=rng.randint(max(0, records - 3), records + 3))
            if rng.random() < shared:
                builder.share(case_id, lead=institution, creator=caseworker)
            if done % BATCH == 0:
                builder.flush()
                if done % (BATCH * 10) == 0:
                    rate = done / (time.perf_counter() - began)
                    print(f"    {done:>7,} cases  ({rate:,.0f} cases/s)", flush=True)
        # The case for the case page: 50 records over the last year, subject and two household members,
        # in the first institution, assigned to its first caseworker.
        institution = people["institutions"][0]
        caseworker = people["staff"][institution]["caseworkers"][0]
        big_id, subject = builder.add_case(intake=builder.today - dt.timedelta(days=365), institution=institution,
                                           caseworker=caseworker, records=50, status="support", household=2)
        builder.finish()
        held = db.session.scalar(select(func.count()).select_from(Case)
                                 .where(Case.lead_institution_id == institution))
        received = db.session.scalar(select(func.count()).select_from(CaseGrant)
                                     .where(CaseGrant.institution_id == institution))
        big_number = db.session.get(Case, big_id).number
    return {"big_case": big_id, "big_number": big_number, "search_kana": subject["kana"],
            "subject_name": subject["name"], "institution": institution, "institution_cases": held,
            "institution_shares": received, "grants": builder.next_id["case_grant"] - 1,
            "supervisor": people["staff"][institution]["supervisor"], "caseworker": caseworker,
            "council": people["council"], "institutions": people["institutions"], "cases": cases + 1,
            "records": builder.next_id["support_record"] - 1}


def first_listed_name(app, facts: dict) -> str:
    """The decrypted subject name of the newest case of the institution: the list page must show it."""
    with app.app_context():
        case = db.session.scalars(select(Case).where(Case.lead_institution_id == facts["institution"])
                                  .order_by(Case.intake_date.desc(), Case.id.desc()).limit(1)).one()
        # Read as the operator reads for the statistics: the read is recorded, then the vault opens the name.
        record_read(tag=AuditTag.CASE_VIEWED, actor=None, case=case, access=operator_access(case.id))
        return vault().text(case.subject, "name")


def sign_in(app, user_id: int) -> str:
    """Both sign-in steps through the real forms; returns the session cookie."""
    with app.app_context():
        user = db.session.get(User, user_id)
        username, secret = user.username, user.totp_secret
    client = app.test_client()
    response = client.post("/login", data={"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.status_code
    response = client.post("/login/code", data={"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302 and "/login" not in response.headers["Location"], response.status_code
    return client.get_cookie(COOKIE).value


# -- ledger files -------------------------------------------------------------------------------------------


def write_ledger(path: Path, rows: int, seed: int) -> None:
    """A council ledger as Excel holds it: the ten columns, 西暦 and 和暦 dates mixed, phones as text."""
    rng = random.Random(seed)
    fake = People(rng, surnames=LEDGER_SURNAMES, area_code="0439")
    today = japan_today()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("台帳")
    sheet.append(list(HEADER))
    for _ in range(rows):
        person = fake.person()
        intake = today - dt.timedelta(days=rng.randrange(1, 2000))

        def written(day: dt.date) -> str:
            return to_wareki(day) if rng.random() < 0.5 else f"{day.year}/{day.month}/{day.day}"

        sheet.append([person["name"], person["kana"], written(person["birth"]),
                      "女" if person["sex"] == "female" else "男", person["address"], person["phone"],
                      fake.body(rng.choice(["phone", "office", "visit"])),
                      "、".join(rng.sample(CATEGORIES, rng.choice((1, 2)))), rng.choice(INSTITUTIONS)[0],
                      written(intake)])
    workbook.save(path)


# -- measuring (in a child process) ------------------------------------------------------------------------


def peak_rss() -> int:
    """Bytes: this process's peak resident set (VmHWM). ru_maxrss is no use in a child: Linux carries the
    parent's peak over through fork and exec."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _count_statements(app) -> list[int]:
    counter = [0]
    engine = app.extensions["council.db"][0]
    event.listen(engine, "before_cursor_execute", lambda *args: counter.__setitem__(0, counter[0] + 1))
    return counter


def worker(spec: dict) -> dict:
    """One measurement in this (fresh) process; returns its figures."""
    app = make_app(Path(spec["folder"]), spec["url"])
    statements = _count_statements(app)
    if spec["kind"] == "import":
        return _import(app, spec, statements)
    client = app.test_client()
    client.set_cookie(COOKIE, spec["cookie"])
    if spec["kind"] == "search":
        def request():
            return client.post("/cases/search", data={"kana": spec["kana"]})
    elif spec["kind"] == "list":
        def request():
            return client.get("/cases/")
    else:
        def request():
            return client.get(f"/cases/{spec['case_id']}")

    def check(response) -> None:
        page = response.get_data(as_text=True)
        assert response.status_code == 200, response.status_code
        if spec["kind"] == "search":
            assert f">{spec['expect']}</a>" in page, "search did not find the case"
        elif spec["kind"] == "list":
            assert spec["expect"] in page, "list does not show the decrypted name"
            assert len(CASE_ROW.findall(page)) == 50, "the list does not show 50 cases"
        else:
            assert spec["expect"] in page and page.count('data-testid="record"') == 50

    for _ in range(3):  # warm-up: templates compiled, KEK read, connections open
        check(request())
    timings = []
    for _ in range(spec["runs"]):
        before = statements[0]
        began = time.perf_counter()
        response = request()
        timings.append(time.perf_counter() - began)
        per_request = statements[0] - before
        check(response)
    tracemalloc.start()
    check(request())
    traced_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {"timings": timings, "statements": per_request, "traced_peak": traced_peak,
            "maxrss": peak_rss(), "load": os.getloadavg()[0]}


def _import(app, spec: dict, statements: list[int]) -> dict:
    with app.app_context():
        council = db.session.get(Council, spec["council"])
        rss_before = peak_rss()
        if spec["traced"]:
            tracemalloc.start()
        began = time.perf_counter()
        result = import_ledger(Path(spec["path"]), council=council, actor=None)
        elapsed = time.perf_counter() - began
        traced_peak = tracemalloc.get_traced_memory()[1] if spec["traced"] else None
        tracemalloc.stop()
        assert result.imported == spec["rows"], result
    return {"timings": [elapsed], "statements": statements[0], "traced_peak": traced_peak, "rss_before": rss_before,
            "maxrss": peak_rss(), "rows": spec["rows"], "load": os.getloadavg()[0]}


def _cpu_times() -> tuple[int, int]:
    fields = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return sum(fields), fields[3] + fields[4]  # total, idle + iowait


def wait_for_quiet(limit: float = 0.15, patience: float = 600) -> float:
    """Wait (at most ``patience`` seconds) until the machine is idle — less than ``limit`` of all cores busy over
    two seconds — so that other people's work on a shared machine does not end up in the medians. Returns the
    busy fraction last seen (Linux; elsewhere no wait and 0)."""
    if not Path("/proc/stat").exists():
        return 0.0
    deadline = time.monotonic() + patience
    while True:
        total, idle = _cpu_times()
        time.sleep(2)
        total2, idle2 = _cpu_times()
        busy = 1 - (idle2 - idle) / max(total2 - total, 1)
        if busy < limit or time.monotonic() > deadline:
            return busy
        print(f"   (machine {busy:.0%} busy; waiting for it to settle)", flush=True)


def in_child(spec: dict) -> dict:
    done = subprocess.run([sys.executable, __file__, "--worker", json.dumps(spec)], capture_output=True, text=True,
                          check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{spec['kind']} failed:\n{done.stdout}\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# -- one backend -------------------------------------------------------------------------------------------


def run_backend(name: str, url: str, folder: Path, args, ledgers: dict[int, Path]) -> dict:
    print(f"\n== {name}: building {args.cases:,} cases with ~{args.records} support records each", flush=True)
    app = make_app(folder, url)
    began = time.perf_counter()
    people = create_people(app)
    facts = build(app, people, cases=args.cases, records=args.records, shared=args.shared)
    build_seconds = time.perf_counter() - began
    print(f"   built {facts['cases']:,} cases and {facts['records']:,} support records in {build_seconds:.0f} s "
          f"({facts['cases'] / build_seconds:,.0f} cases/s); institution {facts['institution']} holds "
          f"{facts['institution_cases']:,} cases and receives {facts['institution_shares']:,} of the "
          f"{facts['grants']:,} grants", flush=True)
    expected_first = first_listed_name(app, facts)
    cookies = {"caseworker": sign_in(app, facts["caseworker"]), "supervisor": sign_in(app, facts["supervisor"])}
    # The timed import goes into the council of 100k cases (its duplicate check looks at all of them); the two
    # memory runs each into an empty council of their own, so that they differ only in the file's length.
    councils = {"import": facts["council"], "import_small_traced": create_council(app, "比較用協議会A"),
                "import_traced": create_council(app, "比較用協議会B")}
    db.dispose(app)
    base = {"folder": str(folder), "url": url, "runs": args.runs}
    results = {"build_seconds": build_seconds, "build_maxrss": peak_rss(),
               **{key: facts[key] for key in ("cases", "records", "institution_cases", "institution_shares",
                                               "grants")}}
    plans = [
        ("search", {"kind": "search", "cookie": cookies["caseworker"], "kana": facts["search_kana"],
                    "expect": facts["big_number"]}),
        ("list", {"kind": "list", "cookie": cookies["supervisor"], "expect": expected_first}),
        ("view", {"kind": "view", "cookie": cookies["caseworker"], "case_id": facts["big_case"],
                  "expect": facts["subject_name"]}),
    ]
    for key, spec in [plan for plan in plans if plan[0] in args.measure]:
        busy_before = wait_for_quiet(patience=args.patience)
        results[key] = in_child({**base, **spec})
        results[key]["busy_before"] = busy_before
        print(f"   {key:<7} median {statistics.median(results[key]['timings']) * 1000:7.2f} ms", flush=True)
    for key, rows, traced in (("import", args.import_rows, False), ("import_small_traced", 2000, True),
                              ("import_traced", args.import_rows, True)):
        if "import" not in args.measure:
            break
        results[key] = in_child({**base, "kind": "import", "path": str(ledgers[rows]), "rows": rows,
                                 "traced": traced, "council": councils[key]})
        print(f"   {key:<7} {rows:,} rows in {results[key]['timings'][0]:.1f} s"
              f"{' (under tracemalloc)' if traced else ''}", flush=True)
    return results


# -- report ------------------------------------------------------------------------------------------------


def mib(value: float | None) -> str:
    return "—" if value is None else f"{value / 2**20:,.1f} MiB"


def report(all_results: dict[str, dict], args) -> None:
    print(f"\nServer side, Flask test client through the real routes; median and p90 of {args.runs} requests after 3 "
          "warm-ups.\nSQL: statements per request. Peak RSS: VmHWM of the child process that ran only that "
          "measurement.\nTraced: tracemalloc peak of one more request (Python allocations made while serving it). "
          "Each request measurement waits until the machine is idle (<15% CPU busy);\nload: 1-minute load average when "
          f"the measurement ended ({os.cpu_count()} cores).")
    header = f"{'backend':<11} {'measurement':<36} {'median':>9} {'p90':>9} {'target':>10} {'SQL':>4} " \
             f"{'peak RSS':>10} {'traced':>10} {'load':>5}"
    print(header)
    print("-" * len(header))
    labels = {"search": ("POST /cases/search (kana), caseworker", 10),
              "list": ("GET /cases/ (50 names), supervisor", 50),
              "view": ("GET /cases/<id> (50 records)", 30)}
    for backend, results in all_results.items():
        for key, (label, target) in labels.items():
            if key not in results:
                continue
            figures = results[key]
            timings = sorted(figures["timings"])
            p90 = statistics.quantiles(timings, n=10)[-1] if len(timings) > 1 else timings[0]
            median = statistics.median(timings) * 1000
            verdict = f"≤{target} {'ok' if median <= target else 'MISS'}"
            print(f"{backend:<11} {label:<36} {median:7.1f}ms {p90 * 1000:7.1f}ms {verdict:>10} "
                  f"{figures['statements']:>4} {mib(figures['maxrss']):>10} {mib(figures['traced_peak']):>10} "
                  f"{figures['load']:>5.1f}")
        print(f"{backend:<11} built {results['cases']:,} cases and {results['records']:,} support records in "
              f"{results['build_seconds']:.0f} s (peak RSS {mib(results['build_maxrss'])}); the measured "
              f"institution holds {results['institution_cases']:,} cases and receives "
              f"{results['institution_shares']:,} of the {results['grants']:,} grants")
        if "import" not in results:
            continue
        timed = results["import"]
        rows, seconds = timed["rows"], timed["timings"][0]
        label = f"import_ledger, {rows:,}-row .xlsx"
        print(f"{backend:<11} {label:<36} {seconds:8.1f}s {rows / seconds:>6,.0f}/s {'':>10} "
              f"{timed['statements'] / rows:>4.0f} {mib(timed['maxrss']):>10} {'':>10} {timed['load']:>5.1f}")
        for key in ("import_small_traced", "import_traced"):
            figures = results[key]
            label = f"  the same under tracemalloc, {figures['rows']:,} rows"
            print(f"{backend:<11} {label:<36} {'':>9} {'':>9} {'':>10} {'':>4} {mib(figures['maxrss']):>10} "
                  f"{mib(figures['traced_peak']):>10} {figures['load']:>5.1f}")
    if all("import" in results for results in all_results.values()):
        print("Import rows: SQL is statements per imported row; peak RSS of the timed import's process before the "
              "import started: " + ", ".join(f"{backend} {mib(results['import']['rss_before'])}"
                                             for backend, results in all_results.items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--records", type=int, default=10, help="support records per case, on average")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--import-rows", type=int, default=10_000)
    parser.add_argument("--postgres", default=DEFAULT_PG)
    parser.add_argument("--shared", type=float, default=0.05, help="fraction of cases shared with another institution")
    parser.add_argument("--measure", type=lambda text: set(text.split(",")),
                        default={"search", "list", "view", "import"},
                        help="comma-separated: search, list, view, import")
    parser.add_argument("--patience", type=float, default=600,
                        help="seconds to wait for an idle machine before each request measurement")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(json.loads(args.worker))))
        return

    work = Path(tempfile.mkdtemp(prefix="council-bench-"))
    results = {}
    try:
        ledgers = {}
        for rows in sorted({2000, args.import_rows}):
            ledgers[rows] = work / f"ledger-{rows}.xlsx"
            write_ledger(ledgers[rows], rows, seed=rows)
        if args.backend in ("sqlite", "both"):
            folder = work / "sqlite"
            create_keys(folder)
            results["SQLite"] = run_backend("SQLite", f"sqlite:///{folder}/bench.db", folder, args, ledgers)
            report({"SQLite": results["SQLite"]}, args)
        if args.backend in ("postgresql", "both"):
            with postgres_database(args.postgres) as url:
                folder = work / "postgresql"
                create_keys(folder)
                results["PostgreSQL"] = run_backend("PostgreSQL", url, folder, args, ledgers)
                report({"PostgreSQL": results["PostgreSQL"]}, args)
        if len(results) > 1:
            report(results, args)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
