"""PostgreSQL goes away under a running app (a restart, a failover): requests during the outage get a clear 503
page, and the first request after it succeeds — the app is not restarted (a request tests a pooled connection before its
first use of it, not again when it takes it back: core.db). The outage is made for this test's
database alone: its connections are refused and every open one is terminated, as a server restart does."""

from __future__ import annotations

import psycopg
import pytest
from sqlalchemy import event
from sqlalchemy.engine import make_url

from council.core.db import protocol_trace
from council.database import db
from tests.conftest import PG_URL, english, sign_in

pytestmark = pytest.mark.parametrize("backend", ["postgresql"], indirect=True)


def outage(app, *, down: bool) -> None:
    name = make_url(app.config["DATABASE_URL"]).database
    with psycopg.connect(PG_URL, autocommit=True) as admin:
        admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {"false" if down else "true"}')
        if down:
            admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,))


def test_a_database_outage_is_a_clear_503_and_the_app_recovers_without_a_restart(app, make_user, make_case):
    caseworker = make_user("caseworker")
    case = make_case(caseworker)
    client = english(app.test_client())
    assert sign_in(app, client, caseworker).status_code == 302
    assert client.get(f"/cases/{case.id}").status_code == 200  # the pool holds live connections now

    outage(app, down=True)
    try:
        during = client.get(f"/cases/{case.id}")
        assert during.status_code == 503
        page = during.get_data(as_text=True)
        assert "The database is not reachable" in page and "Nothing was saved" in page
        assert "Traceback" not in page and "psycopg" not in page
    finally:
        outage(app, down=False)

    after = client.get(f"/cases/{case.id}")
    assert after.status_code == 200
    assert case.number in after.get_data(as_text=True)


def test_an_outage_between_two_requests_is_not_seen_by_the_next(app, make_user, make_case):
    """An outage that began and ended between two requests, so no request saw it: the next request succeeds,
    because a request tests a pooled connection before its first use of it (core.db)."""
    caseworker = make_user("caseworker")
    case = make_case(caseworker)
    client = english(app.test_client())
    assert sign_in(app, client, caseworker).status_code == 302
    assert client.get(f"/cases/{case.id}").status_code == 200
    outage(app, down=True)
    outage(app, down=False)
    after = client.get(f"/cases/{case.id}")
    assert after.status_code == 200 and case.number in after.get_data(as_text=True)


def test_a_request_tests_a_connection_once_not_at_each_transaction(app, make_user, make_case, monkeypatch):
    """The test costs a round trip: a case page, which takes a connection for its audited read and again for the
    page's reads, tests it once (issue 13; pool_pre_ping tested it at every checkout), and the test is the BEGIN of
    the request's first transaction, not an empty statement sent before it."""
    caseworker = make_user("caseworker")
    case = make_case(caseworker)
    client = english(app.test_client())
    assert sign_in(app, client, caseworker).status_code == 302
    assert client.get(f"/cases/{case.id}").status_code == 200
    engine = db.engine_of(app)
    pings, checkouts = [], []
    ping = engine.dialect.do_ping
    monkeypatch.setattr(engine.dialect, "do_ping", lambda connection: pings.append(1) or ping(connection))

    def count(*_args):
        checkouts.append(1)

    event.listen(engine, "checkout", count)
    try:
        with protocol_trace(engine) as trace:
            assert client.get(f"/cases/{case.id}").status_code == 200
    finally:
        event.remove(engine, "checkout", count)
    sent = [line.split("\t", 3)[3].strip() for line in trace if line.startswith("F\t") and "\tQuery\t" in line]
    assert len(checkouts) >= 2 and not pings
    assert sent[0] == '"BEGIN"' and sent.count('"BEGIN"') == 1, sent
