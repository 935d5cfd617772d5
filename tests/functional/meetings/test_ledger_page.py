"""The progress ledger (進行管理台帳) as the coordinator reads it: every column's value, the key person's name only
where the coordinator's reach opens it, sort, filter and paging, and who may not open it at all. Both databases."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from council.access.models import CaseGrant
from council.audit.models import AuditEvent, AuditEventCase
from council.core.clock import japan_date, japan_today
from council.database import db
from tests.conftest import db_get, english
from tests.functional.meetings.ledger_world import (  # noqa: F401  (ledger_world_fixture: the fixture)
    KEY_PERSON,
    OWN_KEY_PERSON,
    SUBJECT,
    add_bare_cases,
    client_of,
    grant_row,
    ledger_world_fixture,
    table_of,
)


def _rows(client, query: str = "") -> list[dict[str, str]]:
    response = client.get(f"/cases/ledger{query}")
    assert response.status_code == 200
    return table_of(response.get_data(as_text=True))[1]


def _by_number(rows):
    return {row["number"]: row for row in rows}


def test_every_column_shows_its_value(app, ledger_world):
    world = ledger_world
    client = english(client_of(app, world.coordinator))
    rows = _by_number(_rows(client))
    today = japan_today()
    with app.app_context():
        registered_on = japan_date(db_get(app, type(world.shared), world.shared.id).council_case_at).isoformat()
    assert rows[world.shared.number] == {
        "number": world.shared.number, "lead": "市社会福祉協議会",
        # the institution grant and the request grant to a user of the same institution; the ended grant is gone
        "involved": "北部地域包括支援センター",
        "registered": f"{registered_on} by the coordinator", "key_person": "Family (家族・親族)",
        "status": "In support", "risk": "High", "categories": "ひきこもり・8050世帯", "intake": "2026-04-01",
        "last_contact": "2026-04-01", "days": str((today - dt.date(2026, 4, 1)).days), "last_review": "2026-06-01",
        "next_review": (today + dt.timedelta(days=30)).isoformat(), "tasks": "2 (1 overdue)", "requests": "1",
        "consent": "In force"}
    assert rows[world.late.number]["consent"] == "Withdrawn"
    assert rows[world.late.number]["registered"] == "Not registered"
    assert rows[world.late.number]["tasks"] == "0" and rows[world.late.number]["requests"] == "0"
    assert rows[world.own.number]["consent"] == "None recorded"
    assert rows[world.own.number]["registered"].endswith("by meeting 7")


def test_an_overdue_review_is_highlighted(app, ledger_world):
    page = client_of(app, ledger_world.coordinator).get("/cases/ledger").get_data(as_text=True)
    late_row = next(part for part in page.split("<tr") if ledger_world.late.number in part)
    shared_row = next(part for part in page.split("<tr") if ledger_world.shared.number in part)
    assert 'data-testid="review-overdue"' in late_row and 'class="status-bad"' in late_row
    assert 'data-testid="review-overdue"' not in shared_row


def test_no_personal_field_without_a_content_reach(app, ledger_world):
    """The coordinator reaches the member institution's case by the ledger only: no name, kana, phone, address or
    key person's name anywhere on the page; its own institution's case shows its key person's name."""
    page = client_of(app, ledger_world.coordinator).get("/cases/ledger").get_data(as_text=True)
    for value in (*SUBJECT, KEY_PERSON, "田中 三郎", "鈴木 次郎"):
        assert value not in page
    assert OWN_KEY_PERSON in page


def test_a_full_share_shows_the_key_persons_name(app, ledger_world):
    world = ledger_world
    with app.app_context():
        db.session.add(grant_row(world.shared, institution=world.coordinator_institution, scope="full",
                                 basis="referral:9", created_by=world.caseworker))
        db.session.commit()
    page = client_of(app, world.coordinator).get("/cases/ledger").get_data(as_text=True)
    assert KEY_PERSON in page
    assert SUBJECT[0] not in page  # the ledger opens the key person's column, nothing else


def test_a_summary_share_does_not_open_the_key_persons_name(app, ledger_world):
    """DESIGN §5's summary holds the contact person, not the key person."""
    world = ledger_world
    with app.app_context():
        db.session.add(grant_row(world.shared, institution=world.coordinator_institution, scope="summary",
                                 basis="referral:9", created_by=world.caseworker))
        db.session.commit()
    assert KEY_PERSON not in client_of(app, world.coordinator).get("/cases/ledger").get_data(as_text=True)


def test_the_page_is_audited_with_the_cases_it_showed(app, ledger_world):
    world = ledger_world
    client_of(app, world.coordinator).get("/cases/ledger")
    with app.app_context():
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.tag == "case:list:viewed",
                                                            AuditEvent.actor_user_id == world.coordinator.id)
                                   .order_by(AuditEvent.seq.desc())).first()
        shown = set(db.session.scalars(select(AuditEventCase.case_id).where(AuditEventCase.event_seq == event.seq)))
    assert shown == {world.shared.id, world.own.id, world.late.id}
    assert "ledger page 1: 3 shown" in event.reason


@pytest.mark.parametrize(("key", "direction", "expected"), [
    ("number", "asc", ["shared", "own", "late"]),
    ("number", "desc", ["late", "own", "shared"]),
    ("risk", "asc", ["shared", "late", "own"]),  # high, medium, low
    ("next_review", "asc", ["late", "shared", "own"]),
    ("tasks", "desc", ["shared", "late", "own"]),
    ("consent", "desc", ["shared", "late", "own"]),  # in force, withdrawn, none
    ("lead", "asc", ["shared", "late", "own"]),  # 市社会福祉協議会 before 調整機関
])
def test_sort_by_a_column(app, ledger_world, key, direction, expected):
    world = ledger_world
    query = f"?sort={key}&direction={direction}"
    numbers = [row["number"] for row in _rows(client_of(app, world.coordinator), query)]
    wanted = [getattr(world, name).number for name in expected]
    if key == "lead":  # two cases of one institution: their order between them is the tie-break's
        assert numbers[-1] == wanted[-1]
    elif key == "tasks":  # one case with tasks, two without
        assert numbers[0] == wanted[0]
    else:
        assert numbers == wanted


def test_an_unknown_sort_key_falls_back_to_the_intake_order(app, ledger_world):
    client = client_of(app, ledger_world.coordinator)
    assert _rows(client, "?sort=subject_name") == _rows(client)


@pytest.mark.parametrize(("query", "expected"), [
    ("?registered=yes", {"shared", "own"}),
    ("?registered=no", {"late"}),
    ("?overdue=y", {"late"}),
    ("?consent=in_force", {"shared"}),
    ("?consent=withdrawn", {"late"}),
    ("?consent=none", {"own"}),
    ("?tasks=y", {"shared"}),
    ("?risk=low", {"own"}),
    ("?status=support", {"shared"}),
    ("?category=就労", {"late"}),
])
def test_filters(app, ledger_world, query, expected):
    world = ledger_world
    numbers = {row["number"] for row in _rows(client_of(app, world.coordinator), query)}
    assert numbers == {getattr(world, name).number for name in expected}


def test_filter_by_lead_institution(app, ledger_world):
    world = ledger_world
    numbers = {row["number"] for row in _rows(client_of(app, world.coordinator), f"?lead={world.shakyo.id}")}
    assert numbers == {world.shared.number, world.late.number}


def test_pages_of_fifty(app, ledger_world):
    world = ledger_world
    add_bare_cases(app, world.houkatsu, 52)
    client = english(client_of(app, world.coordinator))
    first = client.get("/cases/ledger?sort=number&direction=asc").get_data(as_text=True)
    second = client.get("/cases/ledger?sort=number&direction=asc&page=2").get_data(as_text=True)
    first_rows, second_rows = table_of(first)[1], table_of(second)[1]
    assert len(first_rows) == 50 and len(second_rows) == 5
    assert first_rows[0]["number"] == "2025-0001" and second_rows[-1]["number"] == world.late.number
    assert not {r["number"] for r in first_rows} & {r["number"] for r in second_rows}
    assert "55 cases match." in first and "Page 2 of 2." in second
    assert 'data-testid="next-page"' in first and 'data-testid="next-page"' not in second


def test_the_stored_next_review_agrees_with_the_rule_in_python_and_in_sql(app, ledger_world):
    """The ledger sorts and filters by the date stored on the case (kept on every write of the row): the same dates
    as reviews.next_review_of and as the rule in SQL that refreshes them, from a registration's Japan date
    (registered at 23:30 UTC: already the next day in Japan) and the month's end."""
    from council.cases.models import Case
    from council.cases.reviews import next_review_of, next_review_sql

    world = ledger_world
    ids = add_bare_cases(app, world.houkatsu, 4)
    with app.app_context():
        cases = [db_get(app, Case, i) for i in ids]
        cases[0].intake_date = dt.date(2025, 11, 30)
        cases[1].last_review_on = dt.date(2026, 1, 31)
        cases[2].council_case_at = dt.datetime(2026, 5, 31, 23, 30, tzinfo=dt.UTC)
        cases[3].risk = "high"
        db.session.commit()
        computed = dict(db.session.execute(select(Case.id, next_review_sql()).where(Case.id.in_(ids))).all())
        stored = dict(db.session.execute(select(Case.id, Case.next_review_due).where(Case.id.in_(ids))).all())
        for case in cases:
            value = computed[case.id]
            value = dt.date.fromisoformat(value) if isinstance(value, str) else value
            assert value == next_review_of(case) == stored[case.id], case.number
        assert stored[cases[2].id] == dt.date(2026, 9, 1)  # 1 June in Japan, plus three months


def test_a_coordinator_outside_the_coordinator_institution_sees_its_own_cases(app, ledger_world, make_user):
    world = ledger_world
    other = make_user("coordinator", institution=world.shakyo)
    client = english(client_of(app, other))
    page = client.get("/cases/ledger").get_data(as_text=True)
    assert {row["number"] for row in table_of(page)[1]} == {world.shared.number, world.late.number}
    assert "not the council's coordinator institution" in page.replace("&#39;", "'")
    assert "Register as a council case" not in page


@pytest.mark.parametrize("role", ["caseworker", "supervisor", "member", "auditor", "admin"])
@pytest.mark.parametrize("path", ["/cases/ledger", "/cases/ledger/export.csv", "/cases/ledger/export.xlsx",
                                  "/cases/ledger/print"])
def test_other_roles_are_refused(app, ledger_world, make_user, role, path):
    user = make_user(role, institution=ledger_world.coordinator_institution)
    assert client_of(app, user).get(path).status_code == 403


def test_grants_are_counted_only_while_in_force(app, ledger_world):
    world = ledger_world
    with app.app_context():
        for row in db.session.scalars(select(CaseGrant).where(CaseGrant.case_id == world.shared.id)):
            row.expires_at = row.starts_at + dt.timedelta(minutes=1)
        db.session.commit()
    row = _by_number(_rows(english(client_of(app, world.coordinator))))[world.shared.number]
    assert row["involved"] == "" and row["requests"] == "0"


def test_ticked_rows_prepare_a_case_review_meeting_on_the_meetings_page(app, ledger_world):
    """The ledger's button sends the ticked cases to the meetings' scheduling form (``meetings.new`` reads the
    repeated ``case_id``; its own tests show it ticks them). Only registered, open cases can be ticked: only they
    may go on an agenda."""
    world = ledger_world
    client = client_of(app, world.coordinator)
    page = client.get("/cases/ledger").get_data(as_text=True)
    assert '<form id="prepare-form" method="get" action="/meetings/new">' in page
    for case in (world.shared, world.own):
        assert f'name="case_id" value="{case.id}" form="prepare-form"' in page
    assert f'name="case_id" value="{world.late.id}" form="prepare-form"' not in page  # not a council case
    assert 'data-testid="prepare-meeting"' in page
    chosen = client.get(f"/meetings/new?case_id={world.shared.id}&case_id={world.own.id}")
    assert chosen.status_code == 200


