"""The auditor's history of one case at scale (DESIGN §8: ≤ 100 ms at 10 million events).

    .venv/bin/python bench/audit_history.py [--events 10000000] [--cases 20000] [--list-every 20] [--shown 20]
                                            [--runs 20] [--backend both] [--postgres URL]

Fills a fresh database's audit chain with --events events in SQL (not hashed: this measures the lookup, not
verification): events of two councils, every event about one of --cases cases by its case columns, and every
--list-every-th event a list page naming --shown cases in audit_event_case. Then times
``council.audit.services.events_for`` with a case-number filter — the first page (100 events, newest first)
of everything about one case: its own events and the lists that showed it — and reports the median.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cases import DEFAULT_PG, make_app  # noqa: E402  (bench/cases.py, beside this file)
from scratch import run_on_postgres  # noqa: E402  (bench/scratch.py, beside this file)

from council.audit import services  # noqa: E402
from council.database import db  # noqa: E402
from council.instance import create_keys  # noqa: E402

CASE_ID, CASE_NUMBER = 4242, "2026-4242"


def series(dialect: str, column: str, first: int, last: int, step: int = 1) -> str:
    """A FROM item of the integers first, first + step, … last in ``column``."""
    if dialect == "postgresql":
        return f"generate_series({first}, {last}, {step}) AS {column}_series({column})"
    return (f"(WITH RECURSIVE s({column}) AS (SELECT {first} UNION ALL SELECT {column} + {step} FROM s "
            f"WHERE {column} + {step} <= {last}) SELECT {column} FROM s) AS {column}_series")


def fill(args) -> None:
    """The events, the side-table rows, and the council, institution and case the filter looks up."""
    dialect, every = db.engine.dialect.name, args.list_every
    with db.engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO audit_event (seq, format_version, occurred_at, tag, actor_user_id, target_type, target_id, "
            "outcome, basis, reason, request_id, client_ip, prev_hash, hash, council_id, actor_institution_id, "
            f"case_id, case_number) SELECT x, 2, CURRENT_TIMESTAMP, CASE WHEN x % {every} = 0 THEN "
            "'case:list:viewed' ELSE 'case:file:viewed' END, x % 300, 'case_file', NULL, 'allowed', "
            "'own_institution', NULL, 'r', '10.0.0.1', 'p' || x, 'h' || x, 1 + CAST((x % 3 = 0) AS INTEGER), 1, "
            f"CASE WHEN x % {every} = 0 THEN NULL ELSE x % {args.cases} END, NULL "
            f"FROM {series(dialect, 'x', 1, args.events)}"))
        connection.execute(text(
            f"INSERT INTO audit_event_case (event_seq, case_id) SELECT DISTINCT x, (x * 7 + y * 13) % {args.cases} "
            f"FROM {series(dialect, 'x', every, args.events, every)} CROSS JOIN "
            f"{series(dialect, 'y', 0, args.shown - 1)}"))
        connection.execute(text(
            "INSERT INTO case_file (id, council_id, number, status, lead_institution_id, risk, intake_date, "
            f"created_at, version) VALUES ({CASE_ID}, :council, '{CASE_NUMBER}', 'intake', :institution, 'low', "
            "'2026-04-01', CURRENT_TIMESTAMP, 1)"), {"council": 1, "institution": 1})
    if dialect == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM (ANALYZE)"))


def measure(url: str, folder: Path, args) -> dict:
    create_keys(folder)
    app = make_app(folder, url)
    with app.app_context():
        from council.auth.models import Council, Institution

        db.session.add(Institution(council=Council(id=1, name="a"), id=1, name="i", kind="government"))
        db.session.commit()
        began = time.perf_counter()
        fill(args)
        filled = time.perf_counter() - began
    timings, found = [], 0
    for run in range(args.runs + 3):
        with app.app_context():
            began = time.perf_counter()
            events = services.events_for(council_id=1, log_filter=services.LogFilter(case=CASE_NUMBER)).events
            if run >= 3:  # warm-up
                timings.append(time.perf_counter() - began)
            found = len(events)
    with app.app_context():
        own = db.session.scalar(text(f"SELECT count(*) FROM audit_event WHERE council_id = 1 AND case_id = {CASE_ID}"))
        listed = db.session.scalar(text(f"SELECT count(*) FROM audit_event_case WHERE case_id = {CASE_ID}"))
    db.dispose(app)
    return {"timings": timings, "found": found, "own": own, "listed": listed, "filled": filled}


def report(name: str, figures: dict, args) -> None:
    timings = figures["timings"]
    median, p90 = statistics.median(timings) * 1000, statistics.quantiles(timings, n=10)[-1] * 1000
    print(f"{name:<11} {args.events:>11,} events  case with {figures['own']:,} own events and {figures['listed']:,} "
          f"list appearances: first page ({figures['found']} events) median {median:.1f} ms, p90 {p90:.1f} ms  "
          f"(filled in {figures['filled']:.0f} s)", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--list-every", type=int, default=20)
    parser.add_argument("--shown", type=int, default=20)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--postgres", default=DEFAULT_PG)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="council-bench-"))
    try:
        if args.backend in ("sqlite", "both"):
            report("SQLite", measure(f"sqlite:///{work / 'history.db'}", work / "sqlite", args), args)
        if args.backend in ("postgresql", "both"):
            run_on_postgres(args.postgres,
                            lambda url: report("PostgreSQL", measure(url, work / "postgresql", args), args))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
