"""Two people saving the same support record, or the same plan, at the same moment — two real requests running
side by side: one is saved, the other is refused with the conflict page (409, what is stored now beside what was
typed), and nothing is overwritten. SQLite serialises the writes; PostgreSQL locks the row."""

from __future__ import annotations

import re
import threading

import pytest
from sqlalchemy import func, select

from council.cases.models import CasePlan, SupportRecord, SupportRecordRevision
from council.database import db
from tests.conftest import english, sign_in


@pytest.fixture
def two_workers(app, make_user, make_case):
    """Two caseworkers of one institution on one case, each signed in on a client of their own (English pages)."""
    first = make_user("caseworker")
    second = make_user("caseworker", institution=first.institution)
    case = make_case(first, assigned=[first, second])
    clients = []
    for worker in (first, second):
        client = english(app.test_client())
        assert sign_in(app, client, worker).status_code == 302
        clients.append(client)
    return case, clients


def at_once(*saves):
    """Run the saves in threads released together; their responses in the same order."""
    start, responses = threading.Barrier(len(saves)), [None] * len(saves)

    def run(index, save):
        start.wait(timeout=10)
        responses[index] = save()

    threads = [threading.Thread(target=run, args=(index, save)) for index, save in enumerate(saves)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return responses


def hidden(page: str, name: str) -> str:
    return re.search(rf'name="{name}"[^>]*value="(\d+)"', page).group(1)


def test_two_simultaneous_saves_of_one_record_keep_one_and_refuse_the_other(app, two_workers):
    case, clients = two_workers
    with app.app_context():
        record_id = db.session.scalar(select(SupportRecord.id).where(SupportRecord.case_id == case.id))
    url = f"/cases/{case.id}/records/{record_id}/edit"
    forms = []
    for client in clients:
        page = client.get(url).get_data(as_text=True)
        forms.append({"occurred_at": re.search(r'name="occurred_at"[^>]*value="([^"]+)"', page).group(1),
                      "kind": "phone", "version": hidden(page, "version")})
    bodies = ("一人目が書いた経過", "二人目が書いた経過")

    responses = at_once(*(lambda c=client, f=form, b=body: c.post(url, data={**f, "body": b})
                          for client, form, body in zip(clients, forms, bodies, strict=True)))

    statuses = sorted(response.status_code for response in responses)
    assert statuses == [302, 409], statuses
    saved = bodies[[r.status_code for r in responses].index(302)]
    refused = responses[[r.status_code for r in responses].index(409)].get_data(as_text=True)
    assert "Someone else changed this record while you were editing" in refused
    assert saved in refused  # what is stored now, shown beside what the refused person typed
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SupportRecordRevision)
                                 .where(SupportRecordRevision.record_id == record_id)) == 1
        assert db.session.get(SupportRecord, record_id).version == 2


def test_two_simultaneous_saves_of_the_plan_keep_one_version_and_refuse_the_other(app, two_workers):
    case, clients = two_workers
    url = f"/cases/{case.id}/plan"
    based_on = [hidden(client.get(url).get_data(as_text=True), "based_on") for client in clients]
    plans = ("週1回の訪問を続ける", "月2回の電話に切り替える")

    responses = at_once(*(lambda c=client, v=version, p=plan: c.post(url, data={"based_on": v, "plan": p,
                                                                                "assessment": "", "goals": ""})
                          for client, version, plan in zip(clients, based_on, plans, strict=True)))

    assert sorted(response.status_code for response in responses) == [302, 409]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(CasePlan).where(CasePlan.case_id == case.id)) == 1
