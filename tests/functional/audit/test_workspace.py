"""The auditor's workspace answers "who looked at case X and why" in Japanese: plain words for every event, a
filter by user name that says when it finds nobody, Japan dates, paging, and nothing of the case's content."""

import datetime as dt
import re

import pytest
from sqlalchemy import select, update

from council.access import grants
from council.access.models import LegalBasis
from council.audit.events import AuditTag, record
from council.audit.models import AuditEvent
from council.auth.models import Institution, User
from council.cases.models import Case
from council.core import clock
from council.database import db
from tests.conftest import db_get, sign_in

SUBJECT = "山田 太郎"


@pytest.fixture
def auditor(make_user, make_institution):
    return make_user("auditor", institution=make_institution("監査室"))


def seqs(page: str) -> list[int]:
    return [int(s) for s in re.findall(r'<tr data-seq="(\d+)"', page)]


def rows(page: str) -> str:
    """The events table's rows (a history page has a summary table above it)."""
    return page.split('data-testid="events"', 1)[1].split("<tbody>", 1)[1].split("</tbody>", 1)[0]


def events(app, **where) -> list[AuditEvent]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent).filter_by(**where).order_by(AuditEvent.seq)))


@pytest.fixture
def looked_at(app, make_user, make_case, make_institution):
    """Case X: its caseworker opened it and listed it, 社協 read it by a referral's summary share, a worker of
    another institution was refused it twice. Another case, seen by the same caseworker, is not X's business."""
    home = make_institution("みどり市福祉課")
    worker = make_user("caseworker", institution=home, username="sato")
    with app.app_context():
        db.session.execute(update(User).where(User.id == worker.id).values(display_name="佐藤 花子"))
        db.session.commit()
    case, other = make_case(worker), make_case(worker, name="別人 次郎", kana="ベツジン ジロウ")
    shakyo = make_institution("社協")
    partner = make_user("caseworker", institution=shakyo, username="suzuki")
    stranger = make_user("caseworker", institution=make_institution("よその包括"), username="tanaka")
    with app.test_request_context():
        grants.grant(actor=db_get(app, User, worker.id), case=db_get(app, Case, case.id), scope="summary",
                     basis="referral:77", legal_basis=LegalBasis.COUNCIL_SHARING,
                     institution=db_get(app, Institution, shakyo.id))
        db.session.commit()
    for user, paths in ((worker, [f"/cases/{case.id}", f"/cases/{other.id}", "/cases/"]),
                        (partner, [f"/cases/{case.id}"]),
                        (stranger, [f"/cases/{case.id}", f"/cases/{case.id}/print"])):
        client = app.test_client()
        sign_in(app, client, user)
        for path in paths:
            client.get(path)
    return {"case": case, "other": other, "worker": worker, "partner": partner, "stranger": stranger}


def test_who_looked_at_the_case_and_why_including_who_was_refused(app, client, login, auditor, looked_at):
    case = looked_at["case"]
    login(auditor)
    page = client.get(f"/audit/cases/{case.number}").get_data(as_text=True)
    assert f"ケース {case.number} を見た人" in page
    summary = page.split('data-testid="who-looked"', 1)[1].split("</table>", 1)[0]
    lines = {username: line for line in summary.split("<tr>")[2:]
             for username in ("sato", "suzuki", "tanaka") if f"({username})" in line}
    assert set(lines) == {"sato", "suzuki", "tanaka"}
    assert "佐藤 花子" in lines["sato"] and "みどり市福祉課" in lines["sato"] and "担当者として" in lines["sato"]
    assert "社協" in lines["suzuki"] and "つなぎ（社協へ、概要）" in lines["suzuki"]
    assert "よその包括" in lines["tanaka"] and 'status-bad">2<' in lines["tanaka"]  # refused twice
    listed = rows(page)
    assert "ケース一覧を閲覧" in listed and "ケースへのアクセスを拒否" in listed and "拒否" in listed
    expected = {e.seq for e in events(app, case_id=case.id) if e.tag != AuditTag.AUDIT_LOG_VIEWED}
    assert expected <= set(seqs(page))
    assert not {e.seq for e in events(app, case_id=looked_at["other"].id)} & set(seqs(page))
    assert SUBJECT not in page and "別人" not in page  # case numbers only, never content
    viewed = events(app, tag=AuditTag.AUDIT_LOG_VIEWED, actor_user_id=auditor.id)
    assert viewed[-1].case_number == case.number  # reading the history is audited, with the case


def test_the_log_speaks_japanese_not_codes(client, login, auditor, looked_at):
    login(auditor)
    page = client.get(f"/audit/?case={looked_at['case'].number}").get_data(as_text=True)
    shown = rows(page)
    for words in ("ケースを閲覧", "ケースを作成", "ケースを共有", "担当者として", "つなぎ（社協へ、概要）", "許可",
                  "拒否", "求めた操作：概要の閲覧", "佐藤 花子", "(sato)", "みどり市福祉課"):
        assert words in shown, words
    visible = re.sub(r'<[^>]+>', " ", shown)  # the codes stay in attributes for the curious, not in the text
    assert "case:file:viewed" not in visible and "own_institution" not in visible and "referral:77" not in visible


def test_the_user_filter_takes_a_username_or_a_name_and_says_when_it_finds_nobody(app, client, login, auditor,
                                                                                  looked_at):
    login(auditor)
    worker = looked_at["worker"]
    theirs = {e.seq for e in events(app, actor_user_id=worker.id)}
    by_username = client.get("/audit/?user=sato").get_data(as_text=True)
    assert set(seqs(by_username)) == theirs
    by_name = client.get("/audit/?user=佐藤 花子").get_data(as_text=True)
    assert set(seqs(by_name)) == theirs
    nobody = client.get("/audit/?user=no-such-person").get_data(as_text=True)
    assert 'data-testid="unknown-user"' in nobody and "「no-such-person」" in nobody
    assert seqs(nobody) == []  # not ignored: an unknown name finds nothing rather than everything
    suggestions = by_username.split('<datalist id="council-users">', 1)[1].split("</datalist>", 1)[0]
    assert 'value="sato"' in suggestions and "佐藤 花子" in suggestions


def test_another_council_s_user_is_no_suggestion_and_not_found(client, login, auditor, make_user, make_institution):
    make_user("caseworker", institution=make_institution("よその市", council="別の協議会"), username="elsewhere")
    login(auditor)
    page = client.get("/audit/?user=elsewhere").get_data(as_text=True)
    suggestions = page.split('<datalist id="council-users">', 1)[1].split("</datalist>", 1)[0]
    assert 'data-testid="unknown-user"' in page and "elsewhere" not in suggestions


def test_the_user_filter_suggests_a_few_of_the_council_s_users_as_the_auditor_types(app, client, login, auditor,
                                                                                   make_user, make_institution):
    """What the field's list shows while typing (suggestions.js asks audit.user_suggestions): users whose username
    or name contains what was typed, those that begin with it first, former users said so, never another
    council's, and never more than a few."""
    from council.audit.services import SUGGESTION_LIMIT

    home = make_institution("みどり市福祉課")
    former = make_user("caseworker", institution=home, username="kato", enrolled=False)
    make_user("caseworker", institution=home, username="yamakato", enrolled=False)
    make_user("caseworker", institution=make_institution("よその市", council="別の協議会"), username="katou",
              enrolled=False)
    with app.app_context():
        db.session.execute(update(User).where(User.id == former.id).values(display_name="加藤 一郎",
                                                                          disabled_at=clock.utcnow()))
        db.session.commit()
    login(auditor)

    def suggested(typed: str) -> list[dict]:
        response = client.get("/audit/user-suggestions", query_string={"q": typed})
        assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
        return response.get_json()["users"]

    assert suggested("kato") == [{"value": "kato", "label": "加藤 一郎 · みどり市福祉課 (元利用者)"},
                                 {"value": "yamakato", "label": "テスト 利用者 · みどり市福祉課"}]
    assert [u["value"] for u in suggested("加藤")] == ["kato"]
    assert suggested(" ") == [] and suggested("%") == []  # nothing typed; a LIKE wildcard is a character
    for number in range(SUGGESTION_LIMIT + 5):
        make_user("caseworker", institution=home, username=f"kato{number:02d}", enrolled=False)
    assert len(suggested("kato")) == SUGGESTION_LIMIT


def test_the_date_filter_is_a_japan_date_at_23_30_utc(app, client, login, auditor, looked_at):
    """The suite's clock is 23:30 UTC: in Japan it is already 08:30 the next day."""
    login(auditor)
    japan_today, utc_today = clock.japan_today(), clock.utcnow().date()
    assert japan_today == utc_today + dt.timedelta(days=1)
    today = client.get(f"/audit/?kind=case&since={japan_today}&until={japan_today}").get_data(as_text=True)
    assert len(seqs(today)) == len([e for e in events(app) if e.tag.startswith("case:")
                                    and e.council_id == auditor.council_id])
    yesterday = client.get(f"/audit/?kind=case&since={utc_today}&until={utc_today}").get_data(as_text=True)
    assert seqs(yesterday) == []
    assert "08:3" in rows(today) or "08:4" in rows(today)  # times in Japan time too


@pytest.mark.parametrize(("query", "expected"), [
    ("outcome=denied", {"case:access:denied"}),
    ("flagged=1", {"case:access:denied"}),
    ("kind=lists", {"case:list:viewed"}),
    ("kind=refused", {"case:access:denied"}),
    ("basis=referral", {"case:grant:created", "case:file:viewed"}),
])
def test_each_filter_finds_what_it_says(client, login, auditor, looked_at, query, expected):
    login(auditor)
    page = client.get(f"/audit/?{query}").get_data(as_text=True)
    assert set(re.findall(r'data-tag="([^"]+)"', page)) == expected


def test_the_institution_filter_is_the_actor_s_institution_then(app, client, login, auditor, looked_at):
    login(auditor)
    institution = looked_at["stranger"].institution_id
    page = client.get(f"/audit/?institution={institution}").get_data(as_text=True)
    assert set(seqs(page)) == {e.seq for e in events(app, actor_institution_id=institution)}
    assert seqs(page)


def test_the_user_s_page_lists_every_case_they_accessed_with_bases(client, login, auditor, looked_at):
    login(auditor)
    worker, case, other = looked_at["worker"], looked_at["case"], looked_at["other"]
    page = client.get(f"/audit/users/{worker.id}").get_data(as_text=True)
    accessed = page.split('data-testid="cases-accessed"', 1)[1].split("</table>", 1)[0]
    assert case.number in accessed and other.number in accessed and "担当者として" in accessed
    assert "ケース一覧を閲覧" in rows(page)
    assert SUBJECT not in page


def test_a_former_user_is_marked(app, client, login, auditor, looked_at):
    with app.app_context():
        db.session.execute(update(User).where(User.id == looked_at["stranger"].id).values(
            disabled_at=clock.utcnow()))
        db.session.commit()
    login(auditor)
    page = client.get(f"/audit/cases/{looked_at['case'].number}").get_data(as_text=True)
    line = next(line for line in page.split("<tr") if "(tanaka)" in line)
    assert 'data-testid="former"' in line and "元利用者" in line
    assert "(sato)" in page and page.count('data-testid="former"') == page.count("(tanaka)")


def test_paging_walks_the_chain_by_keyset(app, client, login, auditor):
    with app.test_request_context():
        actor = db_get(app, User, auditor.id)
        for n in range(130):
            record(tag=AuditTag.CASE_SEARCHED, actor=actor, reason=f"n{n}")
        db.session.commit()
    login(auditor)
    first = client.get("/audit/?kind=lists").get_data(as_text=True)
    assert len(seqs(first)) == 100 and seqs(first) == sorted(seqs(first), reverse=True)
    older_link = re.search(r'href="([^"]+)" rel="next"', first).group(1).replace("&amp;", "&")
    assert "before=" in older_link and "page=" not in older_link
    second = client.get(older_link).get_data(as_text=True)
    assert len(seqs(second)) == 30 and max(seqs(second)) < min(seqs(first))
    assert 'rel="next"' not in second
    newer_link = re.search(r'href="([^"]+)" rel="prev"', second).group(1).replace("&amp;", "&")
    assert seqs(client.get(newer_link).get_data(as_text=True)) == seqs(first)


def test_an_unknown_case_number_says_so(client, login, auditor):
    login(auditor)
    assert 'data-testid="unknown-case"' in client.get("/audit/?case=2026-9999").get_data(as_text=True)
    page = client.get("/audit/cases/2026-9999")
    assert page.status_code == 200 and "この協議会にケース 2026-9999 はありません" in page.get_data(as_text=True)


def test_another_council_s_case_and_user_stay_hidden(client, login, make_user, make_case, make_institution,
                                                     looked_at):
    elsewhere = make_user("auditor", institution=make_institution("監査室", council="別の協議会"))
    login(elsewhere)
    page = client.get(f"/audit/cases/{looked_at['case'].number}").get_data(as_text=True)
    assert 'data-testid="unknown-case"' in page and seqs(page) == []
    assert client.get(f"/audit/users/{looked_at['worker'].id}").status_code == 404


ROUTES = ["/audit/", "/audit/export.csv", "/audit/cases/2026-0001", "/audit/users/1", "/audit/checkpoints",
          "/audit/user-suggestions?q=a"]


@pytest.mark.parametrize("role", ["caseworker", "supervisor", "coordinator", "member", "admin"])
def test_other_roles_are_refused_every_page_of_the_workspace(client, login, make_user, role):
    login(make_user(role))
    assert [client.get(path).status_code for path in ROUTES] == [403] * len(ROUTES)


def test_the_details_column_reads_in_japanese_with_japan_times(app, client, login, auditor, looked_at):
    """A share's reason is recorded in English with UTC times; the auditor reads it in Japanese, in Japan time."""
    [share] = events(app, tag=AuditTag.GRANT_CREATED)
    recorded = re.search(r"from (\S+) until", share.reason).group(1)
    japan = clock.in_japan(dt.datetime.fromisoformat(recorded)).strftime("%Y-%m-%d %H:%M")
    login(auditor)
    page = client.get(f"/audit/cases/{looked_at['case'].number}").get_data(as_text=True)
    details = rows(page).split(f'data-seq="{share.seq}"', 1)[1].split("</tr>", 1)[0]
    assert f"共有 {share.reason.split()[1].rstrip(':')}：" in details and "概要" in details and japan in details
    assert recorded not in details and " to institution" not in details and "+00:00" not in details
    listed = rows(page).split(f'data-seq="{events(app, tag=AuditTag.CASE_LISTED)[0].seq}"', 1)[1].split("</tr>")[0]
    assert "件のケースを表示" in listed and " shown" not in listed
