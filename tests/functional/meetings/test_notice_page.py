"""The 公示 (孤独・孤立対策推進法 第15条第2項): the council's name, its 調整機関 and its member institutions with their
types, on a printable page and in a CSV of the same; the coordinator's only. Both databases."""

from __future__ import annotations

import pytest

from tests.conftest import english
from tests.functional.meetings.ledger_world import client_of, csv_rows

COUNCIL = "テスト市孤独・孤立対策地域協議会"


@pytest.fixture(name="council")
def council_fixture(make_institution, make_user):
    coordinator_institution = make_institution("市福祉政策課", coordinator=True)
    make_institution("市社会福祉協議会", kind="social_welfare_council")
    make_institution("NPO法人よりそい", kind="npo")
    return make_user("coordinator", institution=coordinator_institution)


def test_the_notice_page_names_the_council_its_coordinator_and_members(app, council):
    page = client_of(app, council).get("/council/notice").get_data(as_text=True)
    assert f'data-testid="council-name">{COUNCIL}<' in page
    assert 'data-testid="coordinator">市福祉政策課<' in page
    for name, kind in (("市福祉政策課", "行政"), ("市社会福祉協議会", "社協"), ("NPO法人よりそい", "NPO法人")):
        assert f"<td>{name}</td><td>{kind}</td>" in page
    assert "第15条第1項の規定により" in page and "同条第2項の規定により公示する" in page


def test_the_notice_leaves_the_date_of_establishment_to_the_municipality(app, council):
    page = english(client_of(app, council)).get("/council/notice").get_data(as_text=True)
    assert "does not keep the date the council was established" in page
    assert "設置年月日" in page


def test_the_csv_holds_the_same_facts(app, council):
    response = english(client_of(app, council)).get("/council/notice.csv")
    assert response.headers["Content-Disposition"].startswith('attachment; filename="council-notice-')
    assert csv_rows(response.data) == [
        ["Item", "Name", "Type"], ["Name of the council", COUNCIL, ""],
        ["Coordinator institution (調整機関)", "市福祉政策課", "行政"],
        ["Member institution (構成機関)", "NPO法人よりそい", "NPO法人"],
        ["Member institution (構成機関)", "市社会福祉協議会", "社協"],
        ["Member institution (構成機関)", "市福祉政策課", "行政"]]


def test_without_a_coordinator_institution_the_notice_says_none_is_designated(app, make_institution, make_user):
    coordinator = make_user("coordinator", institution=make_institution("市福祉政策課"))
    page = client_of(app, coordinator).get("/council/notice").get_data(as_text=True)
    assert 'data-testid="coordinator">指定なし<' in page


@pytest.mark.parametrize("role", ["caseworker", "supervisor", "member", "auditor", "admin"])
def test_only_the_coordinator_prepares_the_notice(app, council, make_user, make_institution, role):
    client = client_of(app, make_user(role, institution=make_institution()))
    assert client.get("/council/notice").status_code == 403
    assert client.get("/council/notice.csv").status_code == 403
