"""Case lists and the ledger say what they show to whoever reads them (pages in English, as a reader sees them)."""

import re

import pytest

from council.auth.models import Institution
from council.database import db
from tests.conftest import db_get, english, sign_in


def reach_text(page: str) -> str:
    match = re.search(r'data-testid="reach">([^<]*)<', page)
    assert match, "the page does not say what it lists"
    return match.group(1)


def heading(page: str) -> str:
    return re.search(r"<h1>([^<]*)</h1>", page).group(1)


@pytest.fixture
def reader(app):
    def signed_in(user):
        client = english(app.test_client())
        assert sign_in(app, client, user).status_code == 302
        return client

    return signed_in


def test_the_coordinator_institutions_ledger_covers_the_whole_council(app, reader, make_user, make_institution,
                                                                      make_case):
    elsewhere = make_case(make_user("caseworker", institution=make_institution("社協")))
    coordinator = make_user("coordinator", institution=make_institution("調整機関", coordinator=True))
    client = reader(coordinator)
    page = client.get("/cases/ledger").get_data(as_text=True)
    assert "every case of the council" in reach_text(page) and elsewhere.number in page
    assert "every council case" in client.get("/").get_data(as_text=True)


def test_a_ledger_read_outside_the_coordinator_institution_says_it_is_partial(app, reader, make_user,
                                                                               make_institution, make_case):
    # A coordinator account at an ordinary institution (made before the admin screens refused it).
    elsewhere = make_case(make_user("caseworker", institution=make_institution("社協")))
    coordinator = make_user("coordinator", institution=make_institution("普通の機関"))
    client = reader(coordinator)
    page = client.get("/cases/ledger").get_data(as_text=True)
    assert "every case of the council" not in page and elsewhere.number not in page
    assert "not the council's coordinator institution" in reach_text(page).replace("&#39;", "'")
    home = client.get("/").get_data(as_text=True).replace("&#39;", "'")
    assert "every council case" not in home and "lists only your own institution's cases" in home


def test_a_caseworker_sees_their_own_cases_called_so(reader, make_user):
    page = reader(make_user("caseworker")).get("/cases/").get_data(as_text=True)
    assert heading(page) == "Your cases" and "assigned to" in reach_text(page)


def test_caseworkers_of_an_open_institution_see_their_institutions_cases(app, reader, make_user, make_institution):
    open_institution = make_institution("全員閲覧機関")
    with app.app_context():
        db_get(app, Institution, open_institution.id).caseworkers_see_all = True
        db.session.commit()
    client = reader(make_user("caseworker", institution=open_institution))
    page = client.get("/cases/").get_data(as_text=True)
    assert heading(page).replace("&#39;", "'") == "Your institution's cases"
    assert "assigned to" not in reach_text(page)
    assert "Every case of your institution" in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("role", ["supervisor", "coordinator"])
def test_supervisors_and_coordinators_lists_are_their_institutions(reader, make_user, role):
    page = reader(make_user(role)).get("/cases/").get_data(as_text=True)
    assert heading(page).replace("&#39;", "'") == "Your institution's cases"
    assert reach_text(page) == "Every case your institution holds."
