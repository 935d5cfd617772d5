"""How a list page records the cases it showed (issue 9): one event per case, or one event and a side table.

    .venv/bin/python bench/audit_list.py [--cases 20000] [--events 1000000] [--runs 40] [--backend both]

For each backend it builds real encrypted cases with bench/cases.py's builder, fills the audit chain with
--events events (so that the indexes the appends touch are of a realistic size), signs a supervisor in through
the real forms and times GET /cases/ (50 cases with decrypted names) with Flask's test client, server side,
audit commit included, in three ways, interleaved request by request so that the machine's noise falls on all:

- ``side table`` (what the app does): one ``case:list:viewed`` event, and 50 rows in audit_event_case that
  the event's hash covers;
- ``event per case``: 50 ``case:list:viewed`` events, each with the case in its own case columns;
- ``reason only``: one event naming the cases in its ``reason`` text (before issue 9; no index finds them).

It prints the median and p90 of each, the audit rows one page writes, and the space they take on PostgreSQL.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import func, insert, select, text

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cases import (  # noqa: E402  (bench/cases.py, beside this file)
    CASE_ROW,
    COOKIE,
    DEFAULT_PG,
    build,
    create_people,
    first_listed_name,
    make_app,
    sign_in,
    wait_for_quiet,
)
from scratch import postgres_database  # noqa: E402  (bench/scratch.py, beside this file)

import council.cases.services as case_services  # noqa: E402
from council.audit.events import AuditTag, record  # noqa: E402
from council.audit.models import AuditEvent, AuditEventCase  # noqa: E402
from council.database import db  # noqa: E402
from council.instance import create_keys  # noqa: E402
from council.security import auditchain  # noqa: E402

TAGS = ["account:login:succeeded", "case:file:viewed", "case:list:viewed", "case:record:created"]


def prefill(app, count: int, council_id: int) -> None:
    """``count`` plausible events after the chain's head (format 2, a case on most), bulk inserted."""
    with app.app_context():
        head = db.session.execute(select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc())
                                  .limit(1)).first()
        seq, prev = (head.seq, head.hash) if head else (0, auditchain.GENESIS_HASH)
        start, rows = dt.datetime(2026, 4, 1, tzinfo=dt.UTC), []
        chain_format = AuditEvent.__audit_formats__[2]
        for n in range(1, count + 1):
            case_id = n % 20000 + 1 if n % 4 else None
            row = {"seq": seq + n, "format_version": 2, "occurred_at": start + dt.timedelta(seconds=n * 3),
                   "tag": TAGS[n % 4], "actor_user_id": n % 60 + 1, "target_type": "case_file",
                   "target_id": str(case_id), "outcome": "allowed", "basis": "own_institution", "reason": None,
                   "request_id": uuid.uuid4().hex[:16], "client_ip": "10.1.2.3", "council_id": council_id,
                   "actor_institution_id": n % 10 + 1, "case_id": case_id,
                   "case_number": f"2025-{case_id:04d}" if case_id else None, "prev_hash": prev}
            row["hash"] = prev = auditchain.event_hash(
                prev, {k: row[k] if k != "case_ids" else "" for k in chain_format.fields}, chain_format)
            rows.append(row)
            if len(rows) == 20000:
                db.session.execute(insert(AuditEvent), rows)
                rows = []
        if rows:
            db.session.execute(insert(AuditEvent), rows)
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(text("VACUUM (ANALYZE) audit_event"))


def _per_case_events(**fields):
    """The alternative: a list records one event per case shown, the case in the event's own columns."""
    cases = list(fields.pop("cases", ()))
    if fields["tag"] != AuditTag.CASE_LISTED or not cases:
        return record(**fields, cases=cases)
    fields.pop("reason", None)
    return [record(**fields, case=case) for case in cases][-1]


def _reason_only(**fields):
    """Before issue 9: the case numbers in the reason text."""
    cases = list(fields.pop("cases", ()))
    fields["reason"] = ",".join(case.number for case in cases) or "none"
    return record(**fields)


VARIANTS = {"side table": record, "event per case": _per_case_events, "reason only": _reason_only}


def audit_size(app) -> tuple[int, int, int]:
    """(events, side rows, bytes of both tables with their indexes; 0 on SQLite)."""
    with app.app_context():
        events = db.session.scalar(select(func.count()).select_from(AuditEvent))
        linked = db.session.scalar(select(func.count()).select_from(AuditEventCase))
        size = 0
        if db.engine.dialect.name == "postgresql":
            size = db.session.scalar(text("SELECT pg_total_relation_size('audit_event') "
                                          "+ pg_total_relation_size('audit_event_case')"))
        return events, linked, size


def run_backend(name: str, url: str, folder: Path, args) -> dict:
    print(f"\n== {name}: {args.cases:,} cases, {args.events:,} audit events", flush=True)
    app = make_app(folder, url)
    people = create_people(app)
    facts = build(app, people, cases=args.cases, records=args.records)
    prefill(app, args.events, people["council"])
    expected = first_listed_name(app, facts)
    cookie = sign_in(app, facts["supervisor"])
    client = app.test_client()
    client.set_cookie(COOKIE, cookie)

    def page() -> None:
        response = client.get("/cases/")
        body = response.get_data(as_text=True)
        assert response.status_code == 200 and expected in body and len(CASE_ROW.findall(body)) == 50

    timings: dict[str, list[float]] = {variant: [] for variant in VARIANTS}
    written: dict[str, tuple[int, int, int]] = {}
    for variant, recorder in VARIANTS.items():  # warm-up, and what one page writes
        case_services.record = recorder
        for _ in range(3):
            page()
        before = audit_size(app)
        for _ in range(10):
            page()
        after = audit_size(app)
        written[variant] = tuple((b - a) / 10 for a, b in zip(before, after, strict=True))
    wait_for_quiet()
    for _ in range(args.runs):
        for variant, recorder in VARIANTS.items():
            case_services.record = recorder
            began = time.perf_counter()
            page()
            timings[variant].append(time.perf_counter() - began)
    case_services.record = record
    with app.app_context():
        assert auditchain.verify(db.session, AuditEvent).intact
    db.dispose(app)
    return {"timings": timings, "written": written}


def report(results: dict[str, dict], args) -> None:
    print(f"\nGET /cases/ (50 cases, decrypted names) as a supervisor, {args.events:,} events in the chain; median "
          f"and p90 of {args.runs} requests per variant, interleaved.")
    header = f"{'backend':<11} {'variant':<16} {'median':>9} {'p90':>9} {'events':>7} {'side rows':>9} {'bytes':>9}"
    print(header)
    print("-" * len(header))
    for backend, figures in results.items():
        for variant, timings in figures["timings"].items():
            p90 = statistics.quantiles(timings, n=10)[-1]
            events, linked, size = figures["written"][variant]
            print(f"{backend:<11} {variant:<16} {statistics.median(timings) * 1000:7.1f}ms {p90 * 1000:7.1f}ms "
                  f"{events:>7.0f} {linked:>9.0f} {size:>9,.0f}")
    print("events, side rows, bytes: audit rows one page writes, and the space they take (PostgreSQL, with indexes).")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--records", type=int, default=2)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--postgres", default=DEFAULT_PG)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="council-bench-"))
    results = {}
    try:
        if args.backend in ("sqlite", "both"):
            folder = work / "sqlite"
            create_keys(folder)
            results["SQLite"] = run_backend("SQLite", f"sqlite:///{folder}/bench.db", folder, args)
        if args.backend in ("postgresql", "both"):
            with postgres_database(args.postgres) as url:
                folder = work / "postgresql"
                create_keys(folder)
                results["PostgreSQL"] = run_backend("PostgreSQL", url, folder, args)
        report(results, args)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
