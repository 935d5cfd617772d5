"""Extension points for the features built on cases: the home page's inbox (council.inbox) and the case page's
panels (council.cases.panels), with their first real users — overdue reviews, cases without contact, the files
of a case — and a feature outside ``cases`` adding its own."""

from __future__ import annotations

import datetime as dt
import re

from flask import Blueprint
from sqlalchemy import update

from council.access.permissions import Permission
from council.cases.models import Case
from council.cases.panels import Panel, case_panel
from council.core import clock
from council.database import db
from council.inbox.registry import InboxItem, inbox_provider
from tests.conftest import english, sign_in


def _inbox(page: str) -> list[tuple[str, str, str]]:
    """(kind, link, text) of each item on the home page."""
    return re.findall(r'data-testid="inbox-item" data-kind="([^"]+)"><a href="([^"]+)">([^<]+)</a>', page)


def _listed_numbers(page: str) -> list[str]:
    return re.findall(r'<a href="/cases/\d+">(\d{4}-\d{4})</a>', page)


def _set(app, case, **values) -> None:
    with app.app_context():
        db.session.execute(update(Case).where(Case.id == case.id).values(**values))
        db.session.commit()


def test_the_home_page_counts_overdue_reviews_by_japans_date_and_links_to_exactly_them(app, client, login,
                                                                                       make_user, make_case):
    worker = make_user("caseworker")
    today = clock.japan_today()  # at the suite's 23:30 UTC, one day after the server's UTC date
    overdue = make_case(worker, next_review_date=today - dt.timedelta(days=1))
    make_case(worker, next_review_date=today)  # due today: not overdue yet
    make_case(worker, next_review_date=today + dt.timedelta(days=7))
    make_case(make_user("caseworker"), next_review_date=today - dt.timedelta(days=30))  # someone else's
    english(client)
    login(worker)
    [(kind, link, text)] = [item for item in _inbox(client.get("/").get_data(as_text=True))
                            if item[0] == "cases.overdue_review"]
    assert text == "1 case has an overdue review"
    assert _listed_numbers(client.get(link.replace("&amp;", "&")).get_data(as_text=True)) == [overdue.number]
    client.post("/language", data={"lang": "ja", "next": "/"})
    assert "見直し日を過ぎたケースが 1 件あります" in client.get("/").get_data(as_text=True)


def test_open_cases_without_contact_for_thirty_days_are_brought_up_closed_ones_are_not(app, client, login,
                                                                                         make_user, make_case):
    worker = make_user("caseworker")
    long_ago = clock.utcnow() - dt.timedelta(days=40)
    quiet = make_case(worker, first_record_at=long_ago)
    closed = make_case(worker, first_record_at=long_ago)
    _set(app, closed, status="closed")
    make_case(worker, first_record_at=clock.utcnow() - dt.timedelta(hours=1))  # contact today
    english(client)
    login(worker)
    items = {kind: (link, text) for kind, link, text in _inbox(client.get("/").get_data(as_text=True))}
    link, text = items["cases.no_contact"]
    assert text == "1 open case has had no contact for 30 days or more"
    listed = _listed_numbers(client.get(link.replace("&amp;", "&")).get_data(as_text=True))
    assert listed == [quiet.number] and closed.number not in listed


def test_nothing_to_attend_to_is_said_and_roles_without_cases_have_no_inbox(app, client, login, make_user):
    english(client)
    login(make_user("caseworker"))
    page = client.get("/").get_data(as_text=True)
    assert "Nothing needs your attention now." in page and _inbox(page) == []
    administrator = english(app.test_client())
    sign_in(app, administrator, make_user("admin"))
    page = administrator.get("/").get_data(as_text=True)
    assert "Needs your attention" not in page and "inbox-empty" not in page


def test_a_refused_upload_shows_the_files_panel_with_its_problem(app, client, login, make_user, make_case):
    worker = make_user("caseworker")
    case = make_case(worker)
    english(client)
    login(worker)
    response = client.post(f"/cases/{case.id}/attachments", data={}, content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    panel = page[page.index('data-panel="attachments"'):]
    assert 'id="attachment-form-errors"' in panel and "No files." in panel


def test_a_feature_outside_cases_adds_a_case_panel_and_inbox_items(app_config, make_user, make_case):
    """What handoffs and meetings will do: register on their own blueprint, with cases importing nothing of them."""
    from council import create_app

    feature = Blueprint("sample_feature", __name__, template_folder="../data/templates")
    seen = []

    def build(case, access, *, form=None):
        seen.append((case.id, access.basis))
        if case.risk != "high":
            return None  # nothing to show for this case
        return Panel(name="sample", title="Referrals", template="sample_panel.html", context={"note": "つなぎ 1件"})

    case_panel(feature, name="sample", order=90, build=build)
    inbox_provider(feature, name="sample.requests", order=20, permission=Permission.CASES_WORK,
                   provide=lambda user: [InboxItem(kind="sample.request", text="2 information requests to answer",
                                                   url="/cases/")])
    app = create_app(app_config)
    app.register_blueprint(feature)
    worker = make_user("caseworker")
    high, low = make_case(worker, risk="high"), make_case(worker, risk="low")
    client = english(app.test_client())
    sign_in(app, client, worker)
    page = client.get(f"/cases/{high.id}").get_data(as_text=True)
    assert page.index('data-panel="attachments"') < page.index('data-panel="sample"')  # by order
    assert "Referrals" in page and "つなぎ 1件" in page and f"case {high.number}" in page
    assert 'data-panel="sample"' not in client.get(f"/cases/{low.id}").get_data(as_text=True)
    assert seen == [(high.id, "assigned"), (low.id, "assigned")]  # the basis the page was read on
    kinds = [kind for kind, _link, _text in _inbox(client.get("/").get_data(as_text=True))]
    assert kinds[-1] == "sample.request"  # after the cases' own items (order 10)
    db.dispose(app)


def test_a_panel_that_says_how_to_find_its_rows_is_told_whether_the_case_has_any(app_config, make_user, make_case):
    """Panels ask "is there anything?" together, in one statement; a builder told there is nothing shows its panel
    without querying (cases.panels, issue 13)."""
    from sqlalchemy import event, select

    from council import create_app

    feature = Blueprint("sample_feature", __name__, template_folder="../data/templates")
    told = []

    def build(case, access, *, form=None, has_rows=True):
        told.append((case.id, has_rows))
        return Panel(name="sample", title="Referrals", template="sample_panel.html",
                     context={"note": "つなぎあり" if has_rows else "つなぎなし"})

    # A feature's own rows; the case's urgency stands in for them here.
    case_panel(feature, name="sample", order=90, build=build,
               any_rows=lambda case_id: select(Case.id).where(Case.id == case_id, Case.risk == "high").exists())
    app = create_app(app_config)
    app.register_blueprint(feature)
    worker = make_user("caseworker")
    with_rows, without = make_case(worker, risk="high"), make_case(worker, risk="low")
    client = english(app.test_client())
    sign_in(app, client, worker)
    statements = []
    event.listen(db.engine_of(app), "before_cursor_execute", lambda *args: statements.append(args[2]))
    assert "つなぎあり" in client.get(f"/cases/{with_rows.id}").get_data(as_text=True)
    assert "つなぎなし" in client.get(f"/cases/{without.id}").get_data(as_text=True)
    assert told == [(with_rows.id, True), (without.id, False)]
    # One statement asks every panel's question, the sample's with break-glass, files, links … (one per page).
    asked = [s for s in statements if all(f"FROM {table}" in s for table in ("break_glass", "attachment", "case_link"))]
    assert len(asked) == 2 and all("case_file.risk" in s for s in asked), asked
    db.dispose(app)
