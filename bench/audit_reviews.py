"""The auditor's reviews, anomaly rules and sampling at scale (issue 12: "must stay usable on a large log").

    .venv/bin/python bench/audit_reviews.py [--events 1000000] [--runs 7] [--backend both] [--postgres URL]

Fills a fresh database the way bench/audit_workspace.py does (two councils, 300 users in ten institutions, list
pages, support records, sign-ins, refusals every 997th, referral bases every 13th, emergency access every 5003rd),
but spread evenly over the 60 days up to now, at every hour of the day: the anomaly rules read a week (the
volume rule 37 days), the review lists a month. Uniform traffic at all hours is a worst case for the rules: every
user has history, most accesses fall outside office hours, every user reads dozens of different cases a day.

Each page is timed through Flask's test client as a signed-in auditor (server side: session, permission gate,
queries, rendering, the page's own audit event committed), and each rule is also timed alone; so are the log's
「要確認のみ」 and 緊急アクセス filters (migration 0022's marks). Prints the median and p90 after a first, cold round
(which counts the closed days the volume rule needs, once: reviews.daily), the cold round's own times, the check
``council audit verify`` adds (marks against hashed fields, whole log), and the alternative to kept counts: the 37
days counted from the log, without and with a covering index.
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

from sqlalchemy import func, select, text

sys.path.insert(0, str(Path(__file__).resolve().parent))

import audit_workspace  # noqa: E402  (bench/audit_workspace.py, beside this file: users, events, side table)
from cases import COOKIE, DEFAULT_PG, create_people, make_app, sign_in  # noqa: E402
from scratch import run_on_postgres  # noqa: E402  (bench/scratch.py, beside this file)

from council.audit import marks  # noqa: E402
from council.audit.filters import LogFilter  # noqa: E402
from council.audit.models import AuditEvent  # noqa: E402
from council.audit.reviews import anomalies, daily  # noqa: E402
from council.audit.reviews.period import bounded  # noqa: E402
from council.auth.models import PledgeAcceptance, User  # noqa: E402
from council.auth.pledge import CURRENT_VERSION  # noqa: E402
from council.core.clock import utcnow  # noqa: E402
from council.database import db  # noqa: E402
from council.instance import create_keys  # noqa: E402

DAYS = 60


def spread_over_days(events: int):
    """occurred_at of event x: evenly over the DAYS days up to now (whole seconds), as each database stores it."""
    start = (utcnow().replace(microsecond=0) - dt.timedelta(days=DAYS)).strftime("%Y-%m-%d %H:%M:%S")
    per_mille = DAYS * 86_400 * 1000 // events  # milliseconds per event

    def occurred(dialect: str) -> str:
        if dialect == "postgresql":
            return f"TIMESTAMPTZ '{start}+00' + (CAST(x AS BIGINT) * {per_mille} / 1000) * INTERVAL '1 second'"
        return f"datetime('{start}', '+' || (x * {per_mille} / 1000) || ' seconds') || '.000000'"

    return occurred


def auditor(app, people: dict, users: list[int]) -> int:
    with app.app_context():
        watcher = User(username="auditor0", display_name="監査 一郎", role="auditor", failed_logins=0,
                       institution_id=people["institutions"][1], created_at=utcnow())
        first = db.session.get(User, users[0])
        watcher.password_hash, watcher.totp_secret = first.password_hash, first.totp_secret
        db.session.add(watcher)
        db.session.flush()
        db.session.add(PledgeAcceptance(user_id=watcher.id, version=CURRENT_VERSION, accepted_at=utcnow()))
        db.session.commit()
        return watcher.id


def pages(events: int) -> dict[str, str]:
    return {
        "reviews: four lists, 30 days": "/audit/reviews",
        "anomalies: five rules, 7 days": "/audit/anomalies",
        "sample: 20 of 7 days": "/audit/sample?seed=42&n=20",
        "sample: 200 of 7 days": "/audit/sample?seed=43&n=200",
        "sample: 20 of 7 days, one user": "/audit/sample?seed=42&n=20&user={user}",
        "sample: 200 of 1 day": "/audit/sample?seed=7&n=200&since={day}&until={day}",
        "one event's review page": f"/audit/events/{events // 2}",
        "log: flagged only (要確認のみ)": "/audit/?flagged=1",
        "log: basis 緊急アクセス": "/audit/?basis=break_glass",
    }


def measure(url: str, folder: Path, args) -> dict:
    create_keys(folder)
    app = make_app(folder, url)
    people = create_people(app)
    users = audit_workspace.add_users(app, people["institutions"])
    watcher_id = auditor(app, people, users)
    audit_workspace._time = spread_over_days(args.events)  # the same rows as the workspace's bench, 60 days long
    began = time.perf_counter()
    audit_workspace.fill(app, args.events, users[0])
    filled = time.perf_counter() - began
    client = app.test_client()
    client.set_cookie(COOKIE, sign_in(app, watcher_id))
    with app.app_context():
        day = bounded(LogFilter(), default_days=1).until
        council_id = db.session.get(User, watcher_id).council_id
        ours = [user.id for user in db.session.scalars(select(User).where(User.username.startswith("staff")))
                if user.council_id == council_id]
        busy = db.session.scalar(select(AuditEvent.actor_user_id).where(  # one of them, reading in this council
            AuditEvent.council_id == council_id, AuditEvent.actor_user_id.in_(ours),
            AuditEvent.tag == "case:file:viewed").order_by(AuditEvent.seq.desc()).limit(1))
        username = db.session.get(User, busy).username
    targets = {name: path.format(day=day, user=username) for name, path in pages(args.events).items()}
    timings: dict[str, list[float]] = {name: [] for name in [*targets, *(f"rule alone: {r.key}"
                                                                       for r in anomalies.RULES)]}
    found: dict[str, str] = {}
    first: dict[str, float] = {}
    with app.app_context():  # the marks the bench's SQL gave agree with council.audit.marks (what verify checks)
        began = time.perf_counter()
        assert not db.session.scalar(select(func.count()).select_from(AuditEvent).where(marks.mismatched()))
        first["marks check (whole log)"] = time.perf_counter() - began
    for run in range(args.runs + 1):
        for name, path in targets.items():
            began = time.perf_counter()
            response = client.get(path)
            elapsed = time.perf_counter() - began
            assert response.status_code == 200, (name, response.status_code)
            if run:  # the first round warms the caches, and counts the closed days (reviews.daily)
                timings[name].append(elapsed)
            else:
                first[name] = elapsed
            found[name] = f"{response.get_data(as_text=True).count('data-seq=')} rows"
        with app.test_request_context():
            week = bounded(LogFilter(), default_days=7)
            for rule in anomalies.RULES:
                began = time.perf_counter()
                findings = rule.find(council_id, week)
                elapsed = time.perf_counter() - began
                if run:
                    timings[f"rule alone: {rule.key}"].append(elapsed)
                found[f"rule alone: {rule.key}"] = f"{len(findings)} findings"
            db.session.rollback()
    first.update(covering_index_instead(app, council_id))
    db.dispose(app)
    return {"timings": timings, "found": found, "filled": filled, "first": first}


def covering_index_instead(app, council_id: int) -> dict[str, float]:
    """The alternative to keeping counts: the volume rule's 37 days counted from the log each time, as it is (the
    cold page does this once) and with a covering index of (council, tag, seq, user, outcome, time)."""
    today = bounded(LogFilter(), default_days=1).until
    days = [today - dt.timedelta(days=n) for n in range(37)]

    def counted() -> float:
        with app.test_request_context():
            began = time.perf_counter()
            for day in days:
                daily.count_day(council_id, day)
            return time.perf_counter() - began

    plain = counted()
    with app.app_context(), db.engine.begin() as connection:
        connection.execute(text("CREATE INDEX bench_covering ON audit_event "
                                "(council_id, tag, seq, actor_user_id, outcome, occurred_at)"))
        connection.execute(text("ANALYZE audit_event"))
    covered = counted()
    with app.app_context(), db.engine.begin() as connection:
        connection.execute(text("DROP INDEX bench_covering"))
    return {"37 days counted from the log": plain, "the same with a covering index": covered}


def report(name: str, figures: dict, args) -> None:
    print(f"\n== {name}: {args.events:,} events over {DAYS} days (filled in {figures['filled']:.0f} s)")
    print("| what | found | median | p90 |\n|---|---|---|---|")
    for what, timings in figures["timings"].items():
        median = statistics.median(timings) * 1000
        p90 = statistics.quantiles(timings, n=10)[-1] * 1000 if len(timings) > 1 else median
        print(f"| {what} | {figures['found'][what]} | {median:.0f} ms | {p90:.0f} ms |", flush=True)
    print("Once (the first round is cold: the anomalies page counts the closed days it needs): " + ", ".join(
        f"{what} {seconds * 1000:.0f} ms" for what, seconds in figures["first"].items()
        if what.startswith(("anomalies", "marks", "37 days", "the same"))), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--postgres", default=DEFAULT_PG)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="council-bench-"))
    try:
        if args.backend in ("sqlite", "both"):
            report("SQLite", measure(f"sqlite:///{work / 'reviews.db'}", work / "sqlite", args), args)
        if args.backend in ("postgresql", "both"):
            run_on_postgres(args.postgres,
                            lambda url: report("PostgreSQL", measure(url, work / "postgresql", args), args))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
