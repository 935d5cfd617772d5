"""How fast `council audit verify` walks the chain (DESIGN §8 target: at least 100,000 events/s).

    .venv/bin/python bench/audit_verify.py [--events 100000] [--runs 5] [--postgres URL]

Builds a chain of realistic events in a fresh database (SQLite file, and PostgreSQL when a server URL
is given or reachable at the default), then times auditchain.verify() and reports the median.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import tempfile
import time
import uuid

import psycopg
from sqlalchemy import insert
from sqlalchemy.orm import Session

from council.audit.models import AuditEvent
from council.core import migrate
from council.core.db import make_engine
from council.security import auditchain

DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/postgres"
TAGS = ["auth.login.succeeded", "case.viewed", "case.listed", "support_record.created", "auth.logout"]


def build_rows(count: int) -> list[dict]:
    rows, prev = [], auditchain.GENESIS_HASH
    start = dt.datetime(2026, 4, 1, tzinfo=dt.UTC)
    for seq in range(1, count + 1):
        row = {"seq": seq, "occurred_at": start + dt.timedelta(seconds=seq * 7), "tag": TAGS[seq % 5],
               "actor_user_id": seq % 300 + 1, "target_type": "case", "target_id": str(seq % 9000 + 1),
               "outcome": "allowed", "basis": "own_institution", "reason": None, "request_id": uuid.uuid4().hex[:16],
               "client_ip": "10.1.2.3", "council_id": 1, "actor_institution_id": seq % 12 + 1, "prev_hash": prev}
        row["hash"] = prev = auditchain.event_hash(prev, row)
        rows.append(row)
    return rows


def measure(url: str, rows: list[dict], runs: int) -> list[float]:
    engine = make_engine(url)
    migrate.upgrade(engine, "council")
    with Session(engine) as session:
        for i in range(0, len(rows), 10000):
            session.execute(insert(AuditEvent), rows[i:i + 10000])
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


def report(name: str, timings: list[float], count: int) -> None:
    median = statistics.median(timings)
    print(f"{name:<11} {count:>8} events  median {median:6.3f} s  = {count / median:>9,.0f} events/s "
          f"(runs: {', '.join(f'{t:.3f}' for t in timings)})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--postgres", default=DEFAULT_PG)
    args = parser.parse_args()
    rows = build_rows(args.events)
    with tempfile.TemporaryDirectory() as folder:
        report("SQLite", measure(f"sqlite:///{folder}/bench.db", rows, args.runs), args.events)
    name = f"council_bench_{uuid.uuid4().hex[:8]}"
    try:
        with psycopg.connect(args.postgres, autocommit=True) as admin:
            admin.execute(f"CREATE DATABASE {name}")
    except psycopg.OperationalError:
        print("PostgreSQL not reachable; skipped")
        return
    try:
        url = args.postgres.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1) + f"/{name}"
        report("PostgreSQL", measure(url, rows, args.runs), args.events)
    finally:
        with psycopg.connect(args.postgres, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE {name} WITH (FORCE)")


if __name__ == "__main__":
    main()
