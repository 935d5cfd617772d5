"""How fast `council audit verify` walks the chain (DESIGN §8 target: at least 100,000 events/s).

    .venv/bin/python bench/audit_verify.py [--events 100000] [--runs 5] [--format 2] [--shown 50]
                                           [--postgres URL]

Builds a chain of realistic events in a fresh database (SQLite file, and PostgreSQL when a server URL
is given or reachable at the default), then times auditchain.verify() and reports the median.

``--format 2`` (the default) writes events as the app does since issue 9: case id and number on the events
about one case, and every fifth event a list page naming ``--shown`` cases in audit_event_case, which the
walk reads alongside and hashes into its event. ``--format 1`` writes the chain as it was before format
versions (what an upgraded deployment's old events look like).
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import tempfile
import time
import uuid

from scratch import run_on_postgres  # noqa: E402  (bench/scratch.py, beside this file)
from sqlalchemy import insert
from sqlalchemy.orm import Session

from council.audit.models import AuditEvent, AuditEventCase
from council.core import migrate
from council.core.db import make_engine
from council.security import auditchain

DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/postgres"
TAGS = ["account:login:succeeded", "case:file:viewed", "case:list:viewed", "case:record:created",
        "account:session:logged_out"]


def build_rows(count: int, *, format_version: int = 2, shown: int = 50) -> tuple[list[dict], list[dict]]:
    """``count`` chained events and their side-table rows."""
    rows, links, prev = [], [], auditchain.GENESIS_HASH
    start = dt.datetime(2026, 4, 1, tzinfo=dt.UTC)
    chain_format = AuditEvent.__audit_formats__[format_version]
    for seq in range(1, count + 1):
        tag = TAGS[seq % 5]
        one_case = format_version > 1 and tag.startswith("case:") and tag != "case:list:viewed"
        listed = sorted({(seq * 7 + n * 13) % 9000 + 1 for n in range(shown)}) \
            if format_version > 1 and tag == "case:list:viewed" else []
        row = {"seq": seq, "occurred_at": start + dt.timedelta(seconds=seq * 7), "tag": tag,
               "actor_user_id": seq % 300 + 1, "target_type": "case_file", "target_id": str(seq % 9000 + 1),
               "outcome": "allowed", "basis": "own_institution", "reason": None, "request_id": uuid.uuid4().hex[:16],
               "client_ip": "10.1.2.3", "council_id": 1, "actor_institution_id": seq % 12 + 1, "prev_hash": prev,
               "format_version": format_version, "case_id": seq % 9000 + 1 if one_case else None,
               "case_number": f"2026-{seq % 9000 + 1:04d}" if one_case else None}
        row["hash"] = prev = auditchain.event_hash(prev, {
            name: auditchain.canonical_ids(listed) if name == "case_ids" else row[name]
            for name in chain_format.fields}, chain_format)
        rows.append(row)
        links += [{"event_seq": seq, "case_id": case_id} for case_id in listed]
    return rows, links


def measure(url: str, rows: list[dict], links: list[dict], runs: int) -> list[float]:
    engine = make_engine(url)
    migrate.upgrade(engine, "council")
    with Session(engine) as session:
        for i in range(0, len(rows), 10000):
            session.execute(insert(AuditEvent), rows[i:i + 10000])
        for i in range(0, len(links), 50000):
            session.execute(insert(AuditEventCase), links[i:i + 50000])
        session.commit()
    timings = []
    for _ in range(runs):
        with Session(engine) as session:
            began = time.perf_counter()
            result = auditchain.verify(session, AuditEvent)
            timings.append(time.perf_counter() - began)
            assert result.intact and result.checked == len(rows)
    engine.dispose()
    return timings


def report(name: str, timings: list[float], count: int, links: int) -> None:
    median = statistics.median(timings)
    print(f"{name:<11} {count:>8} events {links:>8} side rows  median {median:6.3f} s  = "
          f"{count / median:>9,.0f} events/s (runs: {', '.join(f'{t:.3f}' for t in timings)})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--format", type=int, choices=(1, 2), default=2, dest="format_version")
    parser.add_argument("--shown", type=int, default=50, help="cases each list event names (format 2)")
    parser.add_argument("--postgres", default=DEFAULT_PG)
    args = parser.parse_args()
    rows, links = build_rows(args.events, format_version=args.format_version, shown=args.shown)
    with tempfile.TemporaryDirectory() as folder:
        report("SQLite", measure(f"sqlite:///{folder}/bench.db", rows, links, args.runs), args.events, len(links))
    run_on_postgres(args.postgres, lambda url: report("PostgreSQL", measure(url, rows, links, args.runs), args.events,
                                                      len(links)))


if __name__ == "__main__":
    main()
