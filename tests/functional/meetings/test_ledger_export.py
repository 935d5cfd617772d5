"""Exports and the print of the progress ledger: exactly the table on screen (columns, filter, sort, page), metadata
only (never the key person's name), formulas neutralised, audited with the cases handed out; and the coordinator's
register / unregister buttons, audited. Both databases."""

from __future__ import annotations

from sqlalchemy import select

from council.audit.models import AuditEvent, AuditEventCase
from council.auth.models import Institution
from council.cases.models import Case, CaseCategory
from council.core.clock import japan_today
from council.database import db
from tests.conftest import db_get, english, fresh
from tests.functional.meetings.ledger_world import (  # noqa: F401  (ledger_world_fixture: the fixture)
    KEY_PERSON,
    OWN_KEY_PERSON,
    SUBJECT,
    add_bare_cases,
    client_of,
    csv_rows,
    ledger_world_fixture,
    table_of,
    xlsx_rows,
)


def _screen(client, query):
    headings, rows = table_of(client.get(f"/cases/ledger{query}").get_data(as_text=True))
    keys = list(rows[0]) if rows else []
    return headings, [[row[key] for key in keys] for row in rows]


def test_the_exports_equal_the_screen(app, ledger_world):
    world = ledger_world
    add_bare_cases(app, world.houkatsu, 60)
    client = english(client_of(app, world.coordinator))
    query = "?sort=number&direction=desc&page=2&registered=no"
    headings, table = _screen(client, query)
    assert len(table) == 11  # 61 unregistered cases: the second page
    csv_response = client.get(f"/cases/ledger/export.csv{query}")
    xlsx_response = client.get(f"/cases/ledger/export.xlsx{query}")
    assert csv_rows(csv_response.data) == [headings, *table]
    assert xlsx_rows(xlsx_response.data) == [headings, *table]
    day = japan_today().isoformat()
    assert csv_response.headers["Content-Disposition"] == f'attachment; filename="ledger-{day}-page-2.csv"'
    assert xlsx_response.headers["Content-Disposition"] == f'attachment; filename="ledger-{day}-page-2.xlsx"'


def test_every_filtered_row_in_one_file(app, ledger_world):
    world = ledger_world
    add_bare_cases(app, world.houkatsu, 60)
    client = english(client_of(app, world.coordinator))
    response = client.get("/cases/ledger/export.csv?registered=no&rows=all")
    assert len(csv_rows(response.data)) == 1 + 61
    # Named by its scope and Japan's date: it never overwrites the page's file in a downloads folder.
    day = japan_today().isoformat()
    assert response.headers["Content-Disposition"] == f'attachment; filename="ledger-{day}-all.csv"'
    first = client.get("/cases/ledger/export.xlsx?registered=no")
    assert first.headers["Content-Disposition"] == f'attachment; filename="ledger-{day}-page-1.xlsx"'


def test_no_key_person_name_in_an_export_or_the_print_even_where_the_page_shows_it(app, ledger_world):
    world = ledger_world
    client = client_of(app, world.coordinator)
    assert OWN_KEY_PERSON in client.get("/cases/ledger").get_data(as_text=True)
    files = [client.get("/cases/ledger/export.csv").data.decode("utf-8-sig"),
             "\n".join(",".join(row) for row in xlsx_rows(client.get("/cases/ledger/export.xlsx").data)),
             client.get("/cases/ledger/print").get_data(as_text=True)]
    for text in files:
        for value in (OWN_KEY_PERSON, KEY_PERSON, *SUBJECT, "鈴木 次郎", "田中 三郎"):
            assert value not in text
        assert world.shared.number in text and world.own.number in text


def test_formulas_are_neutralised(app, ledger_world):
    world = ledger_world
    with app.app_context():
        stored = db_get(app, Institution, world.houkatsu.id)
        stored.name = '=HYPERLINK("http://example.invalid/","x")'
        (case_id,) = add_bare_cases(app, stored, 1, category="+SUM(1,2)")
        db.session.commit()
    client = english(client_of(app, world.coordinator))
    query = f"?lead={world.houkatsu.id}"
    for rows in (csv_rows(client.get(f"/cases/ledger/export.csv{query}").data),
                 xlsx_rows(client.get(f"/cases/ledger/export.xlsx{query}").data)):
        (row,) = rows[1:]
        assert row[1] == '\'=HYPERLINK("http://example.invalid/","x")'
        assert "'+SUM(1,2)" in row
    with app.app_context():
        assert db.session.scalar(select(CaseCategory.category).where(CaseCategory.case_id == case_id)) == "+SUM(1,2)"


def _last_event(app, tag):
    with app.app_context():
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.tag == tag).order_by(AuditEvent.seq.desc())
                                   ).first()
        cases = set(db.session.scalars(select(AuditEventCase.case_id).where(AuditEventCase.event_seq == event.seq)))
        return event, cases


def test_an_export_is_audited_with_the_cases_it_holds(app, ledger_world):
    world = ledger_world
    client = client_of(app, world.coordinator)
    client.get("/cases/ledger/export.xlsx?consent=in_force")
    event, cases = _last_event(app, "case:ledger:exported")
    assert cases == {world.shared.id} and event.actor_user_id == world.coordinator.id
    assert event.reason == "ledger xlsx, page 1: 1 rows"
    client.get("/cases/ledger/export.csv?rows=all")
    event, cases = _last_event(app, "case:ledger:exported")
    assert cases == {world.shared.id, world.own.id, world.late.id}
    assert event.reason == "ledger csv, every filtered row: 3 rows"


def test_the_print_layout(app, ledger_world):
    world = ledger_world
    client = english(client_of(app, world.coordinator))
    page = client.get("/cases/ledger/print?overdue=y").get_data(as_text=True)
    headings, rows = _screen(client, "?overdue=y")
    assert "テスト市孤独・孤立対策地域協議会" in page and f"As of {japan_today().isoformat()}" in page
    assert "<nav" not in page and 'data-testid="export-csv"' not in page
    assert world.late.number in page and world.shared.number not in page
    assert all(heading in page for heading in headings)
    event, cases = _last_event(app, "case:ledger:printed")
    assert cases == {world.late.id} and event.reason == "ledger print, page 1: 1 rows"


def test_the_coordinator_registers_and_unregisters_a_case_audited(app, ledger_world):
    world = ledger_world
    client = english(client_of(app, world.coordinator))
    response = client.post("/cases/ledger/council-case", data={"case_id": world.late.id, "action": "register",
                                                                "sort": "number", "status": "intake"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/cases/ledger?sort=number&status=intake")
    stored = fresh(app, Case, world.late.id)
    assert (stored.council_case_basis, stored.council_case_by) == ("coordinator", world.coordinator.id)
    event, _cases = _last_event(app, "case:council:registered")
    assert event.case_id == world.late.id
    client.post("/cases/ledger/council-case", data={"case_id": world.late.id, "action": "unregister",
                                                     "reason": "council_support_ended"})
    assert fresh(app, Case, world.late.id).council_case_at is None
    event, _cases = _last_event(app, "case:council:unregistered")
    assert event.case_id == world.late.id and "council_support_ended" in event.reason


def test_unregister_offers_the_reason_codes(app, ledger_world):
    page = english(client_of(app, ledger_world.coordinator)).get("/cases/ledger").get_data(as_text=True)
    row = next(part for part in page.split("<tr") if ledger_world.shared.number in part)
    assert 'name="reason" value="registered_by_mistake"' in row and 'value="council_support_ended"' in row


def test_a_coordinator_outside_the_coordinator_institution_may_not_register(app, ledger_world, make_user):
    world = ledger_world
    other = client_of(app, make_user("coordinator", institution=world.shakyo))
    other.post("/cases/ledger/council-case", data={"case_id": world.late.id, "action": "register"})
    assert fresh(app, Case, world.late.id).council_case_at is None


def test_registering_a_case_of_another_council_is_a_recorded_404(app, ledger_world, make_user, make_institution,
                                                                  make_case):
    world = ledger_world
    elsewhere = make_case(make_user("caseworker", institution=make_institution("他市の機関", council="他市協議会")))
    client = client_of(app, world.coordinator)
    assert client.post("/cases/ledger/council-case", data={"case_id": elsewhere.id, "action": "register"}
                       ).status_code == 404
    event, _cases = _last_event(app, "case:access:denied")
    assert event.actor_user_id == world.coordinator.id
