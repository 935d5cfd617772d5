"""The auditor's workspace at scale (issue 12; DESIGN §8: filters and per-case / per-user history ≤ 100 ms median
at 10 million events).

    .venv/bin/python bench/audit_workspace.py [--events 10000000] [--runs 15] [--backend both] [--postgres URL]

Fills a fresh database's audit chain with --events events in SQL (not hashed: this measures reading, not
verification): two councils (every third event the other council's), 300 users in ten institutions, a month of
events (four a second), every 20th a list page naming 20 cases in audit_event_case, every 7th a support record,
every 50th a sign-in, every 997th a refused case request, every 13th under a referral's grant, every 5003rd under
emergency access; the tables' secondary indexes are dropped for the fill and built again after it (a bulk load).
Then an auditor signs in through the real forms and each page is timed with Flask's test client
(server side: routing, session, permission gate, queries, rendering, the page's own audit event committed):
the log unfiltered and under each filter, the first page and a page deep in the chain (keyset), the history of
one case and of one user. Prints the median and p90 of each.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert, text

sys.path.insert(0, str(Path(__file__).resolve().parent))

from audit_history import series  # noqa: E402  (bench/audit_history.py, beside this file)
from cases import COOKIE, DEFAULT_PG, create_people, make_app, sign_in  # noqa: E402
from scratch import run_on_postgres  # noqa: E402  (bench/scratch.py, beside this file)

from council.auth.models import PledgeAcceptance, User  # noqa: E402
from council.auth.pledge import CURRENT_VERSION  # noqa: E402
from council.core.clock import japan_date  # noqa: E402
from council.core.db import utcnow  # noqa: E402
from council.database import db  # noqa: E402
from council.instance import create_keys  # noqa: E402

CASES, USERS, CASE_ID = 20_000, 300, 4242
START = dt.datetime(2026, 10, 1, tzinfo=dt.UTC)


def _time(dialect: str) -> str:
    """occurred_at of event x: four events a second from START, as each database stores UTCDateTime."""
    if dialect == "postgresql":
        return "TIMESTAMPTZ '2026-10-01 00:00:00+00' + (x / 4) * INTERVAL '1 second'"
    return "datetime('2026-10-01 00:00:00', '+' || (x / 4) || ' seconds') || '.000000'"


def _number(dialect: str, column: str) -> str:
    return f"'2026-' || lpad(CAST({column} AS TEXT), 4, '0')" if dialect == "postgresql" else \
        f"printf('2026-%04d', {column})"


def add_users(app, institutions: list[int]) -> list[int]:
    """Users up to USERS (create_people made 60 who may sign in), spread over the ten institutions."""
    with app.app_context():
        existing = db.session.scalar(text("SELECT count(*) FROM user_account"))
        rows = [{"username": f"staff{n:03d}", "display_name": f"職員 {n:03d}", "role": "caseworker",
                 "institution_id": institutions[n % len(institutions)], "failed_logins": 0, "created_at": utcnow()}
                for n in range(existing, USERS)]
        db.session.execute(insert(User), rows)
        db.session.commit()
        return list(db.session.scalars(text("SELECT id FROM user_account ORDER BY id")))


def fill(app, events: int, first_user: int) -> None:
    """The events (each by one of the USERS users, in that user's institution), the side-table rows, and the case
    the per-case page looks up."""
    with app.app_context():
        dialect = db.engine.dialect.name
        with db.engine.begin() as connection:
            # Inserting into ten indexes row by row is most of a 10-million fill: the secondary indexes are dropped
            # first and built again from their own DDL after the fill, as a bulk load does.
            indexes = _secondary_indexes(connection, dialect)
            for name, _ddl in indexes:
                connection.execute(text(f'DROP INDEX "{name}"'))
            connection.execute(text(
                "INSERT INTO audit_event (seq, format_version, occurred_at, tag, actor_user_id, target_type, "
                "target_id, outcome, basis, reason, request_id, client_ip, prev_hash, hash, council_id, "
                "actor_institution_id, case_id, case_number, flagged, break_glass) "
                f"SELECT x, 2, {_time(dialect)}, "
                "CASE WHEN x % 20 = 0 THEN 'case:list:viewed' WHEN x % 997 = 0 THEN 'case:access:denied' "
                "WHEN x % 50 = 1 THEN 'account:login:succeeded' WHEN x % 7 = 2 THEN 'case:record:created' "
                "ELSE 'case:file:viewed' END, u.id, 'case_file', NULL, "
                "CASE WHEN x % 997 = 0 AND x % 20 <> 0 THEN 'denied' ELSE 'allowed' END, "
                "CASE WHEN x % 20 = 0 THEN 'own_institution,referral' WHEN x % 50 = 1 OR x % 997 = 0 THEN NULL "
                "WHEN x % 5003 = 0 THEN 'break_glass:' || CAST(x AS TEXT) "
                "WHEN x % 13 = 0 THEN 'referral:' || CAST(x % 500 AS TEXT) ELSE 'own_institution' END, "
                "NULL, 'r', '10.0.0.1', 'p' || CAST(x AS TEXT), 'h' || CAST(x AS TEXT), "
                "1 + CAST((x % 3 = 0) AS INTEGER), u.institution_id, "
                f"CASE WHEN x % 20 = 0 OR x % 50 = 1 THEN NULL ELSE 1 + x % {CASES} END, "
                f"CASE WHEN x % 20 = 0 OR x % 50 = 1 THEN NULL ELSE {_number(dialect, f'1 + x % {CASES}')} END, "
                # The marks council.audit.marks derives: the refusals are flagged; the emergency bases marked.
                "x % 997 = 0 AND x % 20 <> 0, x % 5003 = 0 AND x % 20 <> 0 AND x % 50 <> 1 AND x % 997 <> 0 "
                f"FROM {series(dialect, 'x', 1, events)} "
                f"JOIN user_account u ON u.id = {first_user} + x % {USERS}"))
            connection.execute(text(
                f"INSERT INTO audit_event_case (event_seq, case_id) SELECT DISTINCT x, 1 + (x * 7 + y * 13) % {CASES} "
                f"FROM {series(dialect, 'x', 20, events, 20)} CROSS JOIN {series(dialect, 'y', 0, 19)}"))
            connection.execute(text(
                "INSERT INTO case_file (id, council_id, number, status, lead_institution_id, risk, intake_date, "
                f"created_at, version) SELECT {CASE_ID}, council_id, '2026-{CASE_ID:04d}', 'intake', id, 'low', "
                "'2026-04-01', CURRENT_TIMESTAMP, 1 FROM institution ORDER BY id LIMIT 1"))
            for _name, ddl in indexes:
                connection.execute(text(ddl))
        if dialect == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(text("VACUUM (ANALYZE)"))
        else:
            with db.engine.begin() as connection:
                connection.execute(text("ANALYZE"))


def _secondary_indexes(connection, dialect: str) -> list[tuple[str, str]]:
    """(name, CREATE INDEX statement) of every index of the two audit tables but their primary keys."""
    if dialect == "postgresql":
        rows = connection.execute(text(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN ('audit_event', 'audit_event_case') "
            "AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE contype IN ('p', 'u'))"))
    else:
        rows = connection.execute(text(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            "AND tbl_name IN ('audit_event', 'audit_event_case')"))
    return [(name, ddl) for name, ddl in rows]


def pages(users: list[int], events: int) -> dict[str, str]:
    """What is timed: name → URL. Users are picked from the middle of the list, the deep page halfway down."""
    user, deep = users[151], events // 2
    day = japan_date(START + dt.timedelta(seconds=events / 4 / 2))
    return {
        "log, first page": "/audit/",
        "log, page halfway down": f"/audit/?before={deep}",
        "user (username)": "/audit/?user=staff151",
        "user, page halfway down": f"/audit/?user=staff151&before={deep}",
        "institution": "/audit/?institution=3",
        "case number": f"/audit/?case=2026-{CASE_ID:04d}",
        "kind: support records": "/audit/?kind=records",
        "outcome: refused": "/audit/?outcome=denied",
        "basis: referral": "/audit/?basis=referral",
        "basis: emergency access": "/audit/?basis=break_glass",
        "flagged only": "/audit/?flagged=1",
        "one Japan day": f"/audit/?since={day}&until={day}",
        "one Japan day + user": f"/audit/?since={day}&until={day}&user=staff151",
        "per case: who looked": f"/audit/cases/2026-{CASE_ID:04d}",
        "per user: what they accessed": f"/audit/users/{user}",
    }


def measure(url: str, folder: Path, args) -> dict:
    create_keys(folder)
    app = make_app(folder, url)
    people = create_people(app)
    users = add_users(app, people["institutions"])
    with app.app_context():
        watcher = User(username="auditor0", display_name="監査 一郎", role="auditor", failed_logins=0,
                       institution_id=people["institutions"][1], created_at=utcnow())
        first = db.session.get(User, users[0])
        watcher.password_hash, watcher.totp_secret = first.password_hash, first.totp_secret
        db.session.add(watcher)
        db.session.flush()
        db.session.add(PledgeAcceptance(user_id=watcher.id, version=CURRENT_VERSION, accepted_at=utcnow()))
        db.session.commit()
        watcher_id = watcher.id
    began = time.perf_counter()
    fill(app, args.events, users[0])
    filled = time.perf_counter() - began
    client = app.test_client()
    client.set_cookie(COOKIE, sign_in(app, watcher_id))
    targets = pages(users, args.events)
    timings: dict[str, list[float]] = {name: [] for name in targets}
    found: dict[str, int] = {}
    for run in range(args.runs + 2):
        for name, path in targets.items():
            began = time.perf_counter()
            response = client.get(path)
            elapsed = time.perf_counter() - began
            assert response.status_code == 200, (name, response.status_code)
            if run >= 2:  # warm-up
                timings[name].append(elapsed)
            found[name] = response.get_data(as_text=True).count("<tr data-seq=")
    db.dispose(app)
    return {"timings": timings, "found": found, "filled": filled}


def report(name: str, figures: dict, args) -> None:
    print(f"\n== {name}: {args.events:,} events (filled in {figures['filled']:.0f} s)")
    print("| page | events shown | median | p90 |\n|---|---|---|---|")
    for page, timings in figures["timings"].items():
        median, p90 = statistics.median(timings) * 1000, statistics.quantiles(timings, n=10)[-1] * 1000
        print(f"| {page} | {figures['found'][page]} | {median:.1f} ms | {p90:.1f} ms |", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--postgres", default=DEFAULT_PG)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="council-bench-"))
    try:
        if args.backend in ("sqlite", "both"):
            report("SQLite", measure(f"sqlite:///{work / 'workspace.db'}", work / "sqlite", args), args)
        if args.backend in ("postgresql", "both"):
            run_on_postgres(args.postgres,
                            lambda url: report("PostgreSQL", measure(url, work / "postgresql", args), args))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
