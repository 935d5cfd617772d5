"""A council for the ledger's tests: a coordinator institution, two member institutions, three cases whose every
column has something to show, and helpers that read the ledger's table, CSV and .xlsx back as rows of text."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from html.parser import HTMLParser

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from council.access.models import CaseGrant
from council.auth.models import Institution, User
from council.cases.models import Case, CaseCategory, Consent
from council.core.clock import japan_today, utcnow
from council.database import db
from council.meetings.models import MeetingItem, MeetingTask
from tests.conftest import db_get, sign_in

SUBJECT = ("山田 太郎", "ヤマダ タロウ", "090-1234-5678", "みどり市本町1-2-3")
KEY_PERSON = "長男 山田一郎"
OWN_KEY_PERSON = "民生委員 佐藤花子"


class _Table(HTMLParser):
    """The ledger's rows as {column key: text}, without what is not the cell's text (``data-extra`` elements:
    buttons, highlights, the key person's name)."""

    def __init__(self):
        super().__init__()
        self.rows: list[dict[str, str]] = []
        self.headings: list[str] = []
        self._col: str | None = None
        self._skip = 0
        self._in_head = False
        self._thead = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self._skip:
            self._skip += tag not in ("input", "br")
            return
        self._thead = self._thead or tag == "thead"
        if "data-extra" in attrs:
            self._skip = 1
        elif tag == "tr" and attrs.get("data-testid") == "ledger-row":
            self.rows.append({})
        elif tag in ("td", "th") and "data-col" in attrs:
            self._col, self._in_head = attrs["data-col"], self._thead  # a row's case number is its <th>
            if self._in_head:
                self.headings.append("")
            else:
                self.rows[-1][self._col] = ""

    def handle_endtag(self, tag):
        if self._skip:
            self._skip -= tag not in ("input", "br")
            return
        if tag in ("td", "th"):
            self._col = None
        self._thead = self._thead and tag != "thead"

    def handle_data(self, data):
        if self._col is None or self._skip:
            return
        if self._in_head:
            self.headings[-1] += data
        else:
            self.rows[-1][self._col] += data


def table_of(page: str) -> tuple[list[str], list[dict[str, str]]]:
    """The headings and rows of the ledger's table in ``page``, each cell's text stripped."""
    parser = _Table()
    parser.feed(page)
    strip = " ".join
    return ([strip(h.split()) for h in parser.headings],
            [{key: strip(value.split()) for key, value in row.items()} for row in parser.rows])


def csv_rows(body: bytes) -> list[list[str]]:
    assert body.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def xlsx_rows(body: bytes) -> list[list[str]]:
    sheet = load_workbook(io.BytesIO(body), read_only=True).worksheets[0]
    return [["" if value is None else str(value) for value in row] for row in sheet.iter_rows(values_only=True)]


def client_of(app, user):
    client = app.test_client()
    sign_in(app, client, user)
    return client


@dataclass
class LedgerWorld:
    coordinator: User
    caseworker: User
    coordinator_institution: Institution
    shakyo: Institution
    houkatsu: Institution
    #: registered, key person a family member, shared with 地域包括 (and an open request), consent in force, tasks
    shared: Case
    #: the coordinator institution's own case (its key person's name may be read)
    own: Case
    #: overdue review, consent withdrawn, no tasks
    late: Case


def _add(app, *rows):
    with app.app_context():
        for row in rows:
            db.session.add(row)
        db.session.commit()


def _set(app, case, **values):
    with app.app_context():
        stored = db_get(app, Case, case.id)
        for key, value in values.items():
            setattr(stored, key, value)
        db.session.commit()


def grant_row(case, *, institution=None, user=None, basis="referral:1", scope="summary", created_by, ended=False):
    now = utcnow()
    return CaseGrant(case_id=case.id, institution_id=institution.id if institution else None,
                     user_id=user.id if user else None, scope=scope, basis=basis, legal_basis="emergency",
                     starts_at=now - dt.timedelta(days=1), created_by=created_by.id,
                     ended_at=now - dt.timedelta(hours=1) if ended else None)


@pytest.fixture(name="ledger_world")
def ledger_world_fixture(app, make_user, make_institution, make_case, make_meeting) -> LedgerWorld:
    coordinator_institution = make_institution("調整機関 市福祉課", coordinator=True)
    shakyo, houkatsu = make_institution("市社会福祉協議会", kind="social_welfare_council"), \
        make_institution("北部地域包括支援センター", kind="community_support_center")
    coordinator = make_user("coordinator", institution=coordinator_institution)
    caseworker = make_user("caseworker", institution=shakyo)
    own_worker = make_user("caseworker", institution=coordinator_institution)
    today = japan_today()
    shared = make_case(caseworker, key_person=KEY_PERSON, risk="high", categories=["ひきこもり", "8050世帯"],
                       next_review_date=today + dt.timedelta(days=30))
    own = make_case(own_worker, name="鈴木 次郎", kana="スズキ ジロウ", key_person=OWN_KEY_PERSON, risk="low",
                    categories=["単身高齢"], next_review_date=today + dt.timedelta(days=60))
    late = make_case(caseworker, name="田中 三郎", kana="タナカ サブロウ", risk="medium", categories=["就労"],
                     next_review_date=today - dt.timedelta(days=3))
    _set(app, shared, key_person_role="family", council_case_at=utcnow() - dt.timedelta(days=10),
         council_case_by=coordinator.id, council_case_basis="coordinator", last_review_on=dt.date(2026, 6, 1),
         status="support")
    _set(app, own, key_person_role="commissioner", council_case_at=utcnow(), council_case_by=coordinator.id,
         council_case_basis="meeting:7")
    meeting = make_meeting(coordinator, cases=[shared])
    with app.app_context():
        item_id = db.session.scalar(select(MeetingItem.id).where(MeetingItem.meeting_id == meeting.id))
    worker_of_houkatsu = make_user("caseworker", institution=houkatsu)
    _add(app,
         grant_row(shared, institution=houkatsu, created_by=caseworker),
         grant_row(shared, user=worker_of_houkatsu, basis="request:5", scope="request", created_by=caseworker),
         grant_row(shared, institution=coordinator_institution, basis="referral:2", created_by=caseworker, ended=True),
         Consent(case_id=shared.id, state="obtained", obtained_on=dt.date(2026, 4, 2)),
         Consent(case_id=late.id, state="withdrawn", obtained_on=dt.date(2026, 4, 2), withdrawn_on=dt.date(2026, 5, 1)),
         *[MeetingTask(case_id=shared.id, meeting_id=meeting.id, item_id=item_id, institution_id=shakyo.id,
                       due_date=due, created_by=coordinator.id, completed_at=done)
           for due, done in ((today - dt.timedelta(days=1), None), (today + dt.timedelta(days=5), None),
                             (today - dt.timedelta(days=9), utcnow()))])
    return LedgerWorld(coordinator=coordinator, caseworker=caseworker, coordinator_institution=coordinator_institution,
                       shakyo=shakyo, houkatsu=houkatsu, shared=shared, own=own, late=late)


def add_bare_cases(app, institution, count: int, *, start: int = 1, category: str = "その他") -> list[int]:
    """``count`` cases of ``institution`` with metadata only (no person, no key): the ledger reads no content, so a
    page of fifty needs none. Numbers 2025-0001 … in intake order."""
    with app.app_context():
        ids = []
        for n in range(start, start + count):
            case = Case(council_id=institution.council_id, number=f"2025-{n:04d}", status="intake",
                        lead_institution_id=institution.id, risk="low", intake_date=dt.date(2025, 1, 1)
                        + dt.timedelta(days=n), category_rows=[CaseCategory(category=category)])
            db.session.add(case)
            db.session.flush()
            ids.append(case.id)
        db.session.commit()
        return ids
