"""A realistic load mix (issue 13): 50 signed-in sessions for minutes; nothing lost, no 5xx, the chain exact.

    .venv/bin/python bench/load_mix.py [--backend postgresql] [--duration 600] [--short] [--sessions 50]
                                       [--workers 4] [--cases 2000] [--think 0.3] [--postgres URL]

It builds an instance in a temporary folder (keys, database; ``--cases`` real encrypted cases seeded with the builder
of ``bench/cases.py``, ten institutions), adds coordinators and auditors, signs every session's user in through the
real forms (Flask's test client), then serves council with gunicorn (``--workers`` sync workers, 127.0.0.1) and runs
``--sessions`` client threads (Python's http client; one session each) for ``--duration`` seconds (``--short``: 60 s):

- caseworkers (4 of every 5 sessions; each of an institution): open one of the open cases they are assigned to
  (GET /cases/<id>), search by the kana of one of their subjects (POST /cases/search), add a support record
  (POST /cases/<id>/records, a body with a unique marker);
- coordinators (1 in 10): page the progress ledger (GET /cases/ledger?page=N);
- auditors (1 in 10): filter the audit log (GET /audit/ by kind, outcome, institution, or the page before a seq).

Each session waits a random think time (mean ``--think`` s) between requests. Afterwards it checks:

1. no answer was 5xx (nor a connection error), and every answer was what its request expects (200, or 302 after a
   record is added);
2. ``council audit verify`` exits 0 (the chain intact);
3. the chain grew by exactly one event per audited request the clients made — per tag and in total — and its
   sequence numbers since the start are gapless (no fork, no gap, none lost);
4. every record a client was told was saved is on its case page (read back over HTTP by the session that wrote it).

The database and the instance folder are deleted at the end. Exit 1 when a check fails.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import pyotp
from sqlalchemy import create_engine, func, select

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(1, str(ROOT))  # this checkout's council, not an installed one

from cases import DEFAULT_PG, PASSWORD, Builder, create_people, make_app, sign_in  # noqa: E402
from http_throughput import Server, csrf_token, fetch, record_form  # noqa: E402
from scratch import postgres_database  # noqa: E402  (bench/scratch.py, beside this file)

from council.audit.events import AuditTag  # noqa: E402
from council.audit.models import AuditEvent  # noqa: E402
from council.auth.models import PledgeAcceptance, User  # noqa: E402
from council.auth.pledge import CURRENT_VERSION  # noqa: E402
from council.auth.services import accounts  # noqa: E402
from council.core.db import utcnow  # noqa: E402
from council.database import db  # noqa: E402
from council.instance import create_keys  # noqa: E402

AUDIT_FILTERS = ["kind=case_read", "kind=lists", "kind=records", "kind=sign_in", "outcome=allowed", "outcome=denied"]
#: The audit tag each kind of request appends, exactly once per answer it expects.
TAGS = {"case": AuditTag.CASE_VIEWED, "search": AuditTag.CASE_SEARCHED, "record": AuditTag.RECORD_CREATED,
        "ledger": AuditTag.CASE_LISTED, "audit": AuditTag.AUDIT_LOG_VIEWED}
OPEN = ("intake", "assessment", "support", "monitoring")
EXPECT = {"case": 200, "search": 200, "record": 302, "ledger": 200, "audit": 200}


def seed(app, *, cases: int, sessions: int) -> dict:
    """Open cases in ten institutions, a sample of each caseworker's cases (id, kana), and the sessions' users."""
    people = create_people(app)
    builder = Builder(people)
    rng = builder.rng
    first = dt.date(2019, 4, 1)
    days = (builder.today - first).days
    sample: dict[int, list[tuple[int, str]]] = collections.defaultdict(list)
    with app.app_context():
        for done in range(1, cases + 1):
            institution = rng.choice(people["institutions"])
            caseworker = rng.choice(people["staff"][institution]["caseworkers"])
            case_id, subject = builder.add_case(
                intake=first + dt.timedelta(days=rng.randrange(days)), institution=institution,
                caseworker=caseworker, records=rng.randint(7, 13), status=rng.choice(OPEN))
            if len(sample[caseworker]) < 100:  # cases the caseworker is assigned to
                sample[caseworker].append((case_id, subject["kana"]))
            if done % 2000 == 0:
                builder.flush()
        builder.finish()
        # Coordinators (in the coordinator institution) and auditors, as create_people makes its staff.
        others = sessions // 10
        password_hash = accounts().hasher.hash(PASSWORD)
        extra = {"coordinator": [], "auditor": []}
        for role in extra:
            for n in range(others):
                user = User(username=f"{role}{n:02d}", display_name=f"負荷 {role}{n}",
                            institution_id=people["institutions"][0], role=role, failed_logins=0,
                            password_hash=password_hash, totp_secret=pyotp.random_base32(32))
                db.session.add(user)
                db.session.flush()
                db.session.add(PledgeAcceptance(user_id=user.id, version=CURRENT_VERSION, accepted_at=utcnow()))
                extra[role].append(user.id)
        db.session.commit()
    caseworkers = [(institution, user) for number in range(5) for institution in people["institutions"]
                   for user in people["staff"][institution]["caseworkers"][number:number + 1]]
    plan = [("caseworker", institution, user) for institution, user in caseworkers[:sessions - 2 * others]]
    plan += [(role, people["institutions"][0], user) for role in extra for user in extra[role]]
    return {"sample": dict(sample), "plan": plan, "institutions": people["institutions"]}


class Session(threading.Thread):
    """One signed-in user making requests until the deadline."""

    def __init__(self, number: int, role: str, user: int, cookie: str, token: str | None, *, base: str,
                 facts: dict, deadline: float, think: float):
        super().__init__(daemon=True)
        self.number, self.role, self.user, self.cookie, self.token = number, role, user, cookie, token
        self.base, self.facts, self.deadline, self.think = base, facts, deadline, think
        self.rng = random.Random(number)
        self.counts: collections.Counter = collections.Counter()  # (kind, status) -> n
        self.timings: dict[str, list[float]] = collections.defaultdict(list)
        self.written: list[tuple[int, str]] = []
        self.failures: list[str] = []

    def run(self) -> None:
        while time.monotonic() < self.deadline:
            kind, path, form = self.next_request()
            began = time.perf_counter()
            try:
                status, _page, _headers = fetch(self.base + path, cookie=self.cookie, data=form)
            except OSError as error:
                status = f"error {type(error).__name__}"
            self.timings[kind].append(time.perf_counter() - began)
            self.counts[kind, status] += 1
            if status == EXPECT[kind] and kind == "record":
                self.written.append((int(path.split("/")[2]), form["body"]))
            elif status != EXPECT[kind] and len(self.failures) < 5:
                self.failures.append(f"{kind} {path}: {status}")
            time.sleep(self.rng.expovariate(1 / self.think) if self.think else 0)

    def next_request(self) -> tuple[str, str, dict | None]:
        rng = self.rng
        if self.role == "coordinator":
            return "ledger", f"/cases/ledger?page={rng.randint(1, 10)}", None
        if self.role == "auditor":
            choice = rng.random()
            if choice < 0.6:
                return "audit", f"/audit/?{rng.choice(AUDIT_FILTERS)}", None
            if choice < 0.8:
                return "audit", f"/audit/?institution={rng.choice(self.facts['institutions'])}", None
            return "audit", f"/audit/?before={rng.randint(100, 5000)}", None
        case_id, kana = rng.choice(self.facts["sample"][self.user])
        choice = rng.random()
        if choice < 0.45:
            return "case", f"/cases/{case_id}", None
        if choice < 0.75:
            return "search", "/cases/search", {"csrf_token": self.token, "kana": kana}
        form = record_form(self.token)
        marker = f"{self.number}-{len(self.written)}-{uuid.uuid4().hex[:8]}"
        form["body"] = f"負荷試験の記録 {marker}。電話で近況を確認した。"
        return "record", f"/cases/{case_id}/records", form


def chain_state(url: str) -> tuple[int, int]:
    """(events, last seq) of the audit chain."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            count, last = connection.execute(select(func.count(), func.coalesce(func.max(AuditEvent.seq), 0))
                                             .select_from(AuditEvent)).one()
            return count, last
    finally:
        engine.dispose()


def events_since(url: str, seq: int) -> tuple[collections.Counter, list[int]]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(select(AuditEvent.seq, AuditEvent.tag).where(AuditEvent.seq > seq)
                                      .order_by(AuditEvent.seq)).all()
    finally:
        engine.dispose()
    return collections.Counter(tag for _seq, tag in rows), [row[0] for row in rows]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))] * 1000 if ordered else 0.0


def run(name: str, url: str, folder: Path, work: Path, args) -> bool:
    print(f"\n== {name}: seeding {args.cases:,} cases, {args.sessions} sessions", flush=True)
    app = make_app(folder, url)
    facts = seed(app, cases=args.cases, sessions=args.sessions)
    cookies = [sign_in(app, user) for _role, _institution, user in facts["plan"]]
    db.dispose(app)
    env = {"COUNCIL_INSTANCE_PATH": str(folder), "COUNCIL_DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    server = Server("council:create_app()", workers=args.workers, cwd=ROOT, env=env, log=work / f"{name}.log")
    ok = True
    try:
        server.wait("/login")
        sessions = []
        for number, ((role, _institution, user), cookie) in enumerate(zip(facts["plan"], cookies, strict=True)):
            token = None
            if role == "caseworker":
                token, cookie = csrf_token(server.base, cookie)
            sessions.append((number, role, user, cookie, token))
        events_before, seq_before = chain_state(url)
        deadline = time.monotonic() + args.duration
        threads = [Session(*spec, base=server.base, facts=facts, deadline=deadline, think=args.think)
                   for spec in sessions]
        began = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - began
        counts: collections.Counter = collections.Counter()
        timings: dict[str, list[float]] = collections.defaultdict(list)
        for thread in threads:
            counts.update(thread.counts)
            for kind, values in thread.timings.items():
                timings[kind].extend(values)
        total = sum(counts.values())
        print(f"   {total:,} requests in {elapsed:.0f} s ({total / elapsed:.1f} req/s), "
              f"{args.workers} workers, load average {os.getloadavg()[0]:.1f}", flush=True)
        print("   | request | count | answers | p50 | p95 | p99 |\n   |---|---|---|---|---|---|")
        for kind in TAGS:
            answers = ", ".join(f"{status}: {n}" for (k, status), n in sorted(counts.items(), key=str) if k == kind)
            print(f"   | {kind} | {sum(n for (k, _s), n in counts.items() if k == kind):,} | {answers} | "
                  f"{percentile(timings[kind], 0.5):.0f} ms | {percentile(timings[kind], 0.95):.0f} ms | "
                  f"{percentile(timings[kind], 0.99):.0f} ms |")
        errors = {key: n for key, n in counts.items() if not isinstance(key[1], int) or key[1] >= 500}
        unexpected = {key: n for key, n in counts.items() if key[1] != EXPECT[key[0]]}
        print(f"   5xx or connection errors: {sum(errors.values())} {errors or ''}")
        if unexpected:
            print(f"   unexpected answers: {unexpected}; first: {[f for t in threads for f in t.failures][:5]}")
        ok &= not errors and not unexpected

        # The chain: exactly one event per audited request, in a gapless sequence.
        tags, seqs = events_since(url, seq_before)
        expected = collections.Counter()
        for (kind, status), n in counts.items():
            if status == EXPECT[kind]:
                expected[str(TAGS[kind])] += n
        gapless = seqs == list(range(seq_before + 1, seq_before + 1 + len(seqs)))
        exact = dict(tags) == dict(expected)
        events_after, _last = chain_state(url)
        print(f"   chain: {len(seqs):,} events appended ({len(seqs) / elapsed:.1f} appends/s), "
              f"{sum(expected.values()):,} audited requests answered; per tag equal: {exact}; "
              f"gapless since seq {seq_before}: {gapless}; "
              f"events before {events_before:,}, after {events_after:,}")
        if not exact:
            print(f"   events by tag {dict(tags)} != requests {dict(expected)}")
        ok &= exact and gapless
        council = Path(sys.executable).parent / "council"
        verify = subprocess.run([str(council), "audit", "verify"], env={**os.environ, **env}, capture_output=True,
                                text=True, check=False)
        print(f"   council audit verify: exit {verify.returncode}: {verify.stdout.strip().splitlines()[-1:]}")
        ok &= verify.returncode == 0

        # Every record a client was told was saved is on its case page.
        missing = 0
        written = 0
        for thread in threads:
            by_case = collections.defaultdict(list)
            for case_id, body in thread.written:
                by_case[case_id].append(body)
            for case_id, bodies in by_case.items():
                status, page, _headers = fetch(f"{server.base}/cases/{case_id}", cookie=thread.cookie)
                written += len(bodies)
                missing += sum(1 for body in bodies if status != 200 or body not in page)
        print(f"   records written: {written:,}; readable on their case page: {written - missing:,}; missing: "
              f"{missing}")
        ok &= missing == 0
    finally:
        server.stop()
        log = (work / f"{name}.log").read_text(errors="replace")
        tracebacks = len(re.findall(r"^Traceback", log, flags=re.MULTILINE))
        print(f"   server log: {tracebacks} tracebacks")
    print(f"   {name}: {'PASS' if ok else 'FAIL'}", flush=True)
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="postgresql")
    parser.add_argument("--duration", type=float, default=600, help="seconds of load")
    parser.add_argument("--short", action="store_true", help="a 60-second smoke run")
    parser.add_argument("--sessions", type=int, default=50)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--think", type=float, default=0.3, help="mean seconds between a session's requests")
    parser.add_argument("--postgres", default=DEFAULT_PG)
    args = parser.parse_args()
    if args.short:
        args.duration = 60
    if args.sessions < 10:
        sys.exit("at least 10 sessions (one in ten is a coordinator, one in ten an auditor)")
    work = Path(tempfile.mkdtemp(prefix="council-load-"))
    ok = True
    try:
        if args.backend in ("sqlite", "both"):
            folder = work / "sqlite"
            create_keys(folder)
            ok &= run("SQLite", f"sqlite:///{folder}/council.db", folder, work, args)
        if args.backend in ("postgresql", "both"):
            with postgres_database(args.postgres, prefix="council_load") as url:
                folder = work / "postgresql"
                create_keys(folder)
                ok &= run("PostgreSQL", url, folder, work, args)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
