"""PostgreSQL goes away under a running app (a restart, a failover): requests during the outage get a clear 503
page, and the first request after it succeeds — the app is not restarted (a connection that rested in the pool is
tested before use; one put back a moment ago is not, see core.db.PING_AFTER_IDLE). The outage is made for this test's
database alone: its connections are refused and every open one is terminated, as a server restart does."""

from __future__ import annotations

import psycopg
import pytest
from sqlalchemy.engine import make_url

from council.core import db as core_db
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


def test_a_connection_the_server_dropped_while_it_rested_is_replaced_before_use(app, make_user, make_case,
                                                                                 monkeypatch):
    """An outage between two requests that no request saw: the next request succeeds, because a connection that
    rested in the pool is tested before it is used (core.db.PING_AFTER_IDLE)."""
    caseworker = make_user("caseworker")
    case = make_case(caseworker)
    client = english(app.test_client())
    assert sign_in(app, client, caseworker).status_code == 302
    assert client.get(f"/cases/{case.id}").status_code == 200
    monkeypatch.setattr(core_db, "PING_AFTER_IDLE", 0.0)  # every connection has rested long enough
    outage(app, down=True)
    outage(app, down=False)
    after = client.get(f"/cases/{case.id}")
    assert after.status_code == 200 and case.number in after.get_data(as_text=True)


def test_a_connection_put_back_a_moment_ago_is_used_without_a_test(app, make_user, make_case, monkeypatch):
    """The test costs a round trip: a case page, whose session, audited read and page each take a connection, sends
    none when its connections were put back a moment ago (issue 13); one that rested is tested once."""
    caseworker = make_user("caseworker")
    case = make_case(caseworker)
    client = english(app.test_client())
    assert sign_in(app, client, caseworker).status_code == 302
    assert client.get(f"/cases/{case.id}").status_code == 200
    dialect = db.engine_of(app).dialect
    pings = []
    ping = dialect.do_ping
    monkeypatch.setattr(dialect, "do_ping", lambda connection: pings.append(1) or ping(connection))
    assert client.get(f"/cases/{case.id}").status_code == 200
    assert pings == []
    monkeypatch.setattr(core_db, "PING_AFTER_IDLE", 0.0)
    assert client.get(f"/cases/{case.id}").status_code == 200
    assert len(pings) >= 1
