"""The progress ledger at scale (issue 11, DESIGN §8): a page of 50 of every council case, sorted, filtered, exported.

    .venv/bin/python bench/ledger.py [--cases 100000] [--runs 20] [--backend both] [--postgres URL]

For each backend (a temporary SQLite file, and a throw-away PostgreSQL database) it builds N real cases with
``bench/cases.py``'s builder (encrypted persons, one support record each, 5% shared with another institution),
then gives the ledger's other sources something to show: a fifth of the cases registered as 協議会ケース, a tenth
with a consent row, a twentieth with two meeting tasks (one overdue). It signs in the coordinator of the
coordinator institution through the real forms and times the real routes with Flask's test client (server side:
routing, session, permission gate, queries, the audit event and its commit, template):

- GET /cases/ledger                                  (newest intake first, page 1)
- GET /cases/ledger?sort=next_review&direction=asc   (the stored next review date, in index order)
- GET /cases/ledger?overdue=y&registered=yes&page=3 (two filters, a later page)
- GET /cases/ledger/export.csv?sort=lead             (the same page as a CSV, audited)

Each is checked (50 rows, or a CSV of 51 lines) and the median and p90 of --runs requests printed with the number
of SQL statements per request: a page's extra sources are read once per page, never per row.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pyotp
from sqlalchemy import event, insert, select, text

sys.path.insert(0, str(Path(__file__).parent))
from cases import DEFAULT_PG, PASSWORD, build, create_people, make_app  # noqa: E402
from scratch import postgres_database  # noqa: E402  (bench/scratch.py, beside this file)

from council.auth.models import PledgeAcceptance, User  # noqa: E402
from council.auth.pledge import CURRENT_VERSION  # noqa: E402
from council.auth.services import accounts  # noqa: E402
from council.cases.models import Case, Consent  # noqa: E402
from council.cases.reviews import refresh_stored  # noqa: E402
from council.core.clock import japan_today  # noqa: E402
from council.core.db import utcnow  # noqa: E402
from council.database import db  # noqa: E402
from council.instance import create_keys  # noqa: E402
from council.meetings.models import Meeting, MeetingItem, MeetingTask  # noqa: E402

PAGES = {
    "ledger": "/cases/ledger",
    "sorted": "/cases/ledger?sort=next_review&direction=asc",
    "filtered": "/cases/ledger?overdue=y&registered=yes&page=3",
    "export": "/cases/ledger/export.csv?sort=lead",
}


def add_ledger_sources(app, people: dict) -> int:
    """Registrations, consents and tasks on some cases; the coordinator's user id."""
    rng = random.Random(11)
    today = japan_today()
    institution = people["institutions"][0]
    with app.app_context():
        coordinator = User(username="coordinator", display_name="調整 担当", institution_id=institution,
                           role="coordinator", failed_logins=0, password_hash=accounts().hasher.hash(PASSWORD),
                           totp_secret=pyotp.random_base32(32))
        db.session.add(coordinator)
        db.session.flush()
        db.session.add(PledgeAcceptance(user_id=coordinator.id, version=CURRENT_VERSION, accepted_at=utcnow()))
        meeting = Meeting(council_id=people["council"], kind="case_review", state="held", title="第1回会議",
                          starts_at=utcnow() - dt.timedelta(days=30), ends_at=utcnow() - dt.timedelta(days=30),
                          created_by=coordinator.id)
        db.session.add(meeting)
        db.session.flush()
        ids = list(db.session.scalars(select(Case.id)))
        registered = [i for i in ids if rng.random() < 0.2]
        db.session.execute(Case.__table__.update().where(Case.id.in_(registered)).values(
            council_case_at=utcnow(), council_case_by=coordinator.id, council_case_basis="coordinator",
            key_person_role="family"))
        db.session.execute(insert(Consent.__table__), [
            {"case_id": i, "state": rng.choice(["obtained", "withdrawn", "not_obtained"]), "version": 1}
            for i in ids if rng.random() < 0.1])
        tasked = [i for i in ids if rng.random() < 0.05]
        db.session.execute(insert(MeetingItem.__table__), [
            {"meeting_id": meeting.id, "position": n, "case_id": i, "version": 1} for n, i in enumerate(tasked, 1)])
        items = dict(db.session.execute(select(MeetingItem.case_id, MeetingItem.id)
                                        .where(MeetingItem.meeting_id == meeting.id)).all())
        db.session.execute(insert(MeetingTask.__table__), [
            {"case_id": i, "meeting_id": meeting.id, "item_id": items[i], "institution_id": institution,
             "due_date": today + dt.timedelta(days=days), "created_by": coordinator.id, "created_at": utcnow(),
             "version": 1} for i in tasked for days in (-7, 14)])
        # Bulk inserts and updates pass no ORM event: store the next review dates as the app's start does.
        refresh_stored(db.session)
        db.session.commit()
        return coordinator.id


def signed_in_client(app, user_id: int):
    with app.app_context():
        user = db.session.get(User, user_id)
        username, secret = user.username, user.totp_secret
    client = app.test_client()
    assert client.post("/login", data={"username": username, "password": PASSWORD}).status_code == 302
    assert client.post("/login/code", data={"code": pyotp.TOTP(secret).now()}).status_code == 302
    return client


def check(key: str, response) -> None:
    assert response.status_code == 200, (key, response.status_code)
    body = response.get_data(as_text=True)
    if key == "export":
        assert len(body.strip().splitlines()) == 51, "the export does not hold 50 rows"
    else:
        assert body.count('data-testid="ledger-row"') == 50, f"{key}: the page does not show 50 rows"


def measure(app, client, runs: int) -> dict:
    counter = [0]
    event.listen(app.extensions["council.db"][0], "before_cursor_execute",
                 lambda *args: counter.__setitem__(0, counter[0] + 1))
    results = {}
    for key, path in PAGES.items():
        for _ in range(3):  # warm-up
            check(key, client.get(path))
        timings, statements = [], 0
        for _ in range(runs):
            before = counter[0]
            began = time.perf_counter()
            response = client.get(path)
            timings.append(time.perf_counter() - began)
            statements = counter[0] - before
            check(key, response)
        timings.sort()
        results[key] = {"median": statistics.median(timings) * 1000, "p90": timings[int(len(timings) * 0.9) - 1] * 1000,
                        "statements": statements}
        print(f"   {key:<9} median {results[key]['median']:8.2f} ms  p90 {results[key]['p90']:8.2f} ms  "
              f"{statements} SQL statements", flush=True)
    return results


def run_backend(name: str, url: str, folder: Path, args) -> dict:
    print(f"\n== {name}: building {args.cases:,} cases", flush=True)
    app = make_app(folder, url)
    people = create_people(app)
    began = time.perf_counter()
    build(app, people, cases=args.cases, records=1, shared=0.05)
    coordinator = add_ledger_sources(app, people)
    print(f"   built in {time.perf_counter() - began:.0f} s", flush=True)
    if url.startswith("postgresql"):
        with app.app_context():
            db.session.execute(text("ANALYZE"))
            db.session.commit()
    return measure(app, signed_in_client(app, coordinator), args.runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--postgres", default=DEFAULT_PG, help="a server where a throw-away database may be made")
    args = parser.parse_args()
    results = {}
    if args.backend in ("sqlite", "both"):
        with tempfile.TemporaryDirectory() as folder:
            create_keys(Path(folder))
            results["sqlite"] = run_backend("SQLite", f"sqlite:///{folder}/council.db", Path(folder), args)
    if args.backend in ("postgresql", "both"):
        with postgres_database(args.postgres, prefix="bench_ledger") as url, tempfile.TemporaryDirectory() as folder:
            create_keys(Path(folder))
            results["postgresql"] = run_backend("PostgreSQL", url, Path(folder), args)
    print("\n| page | backend | median ms | p90 ms | SQL statements |\n|---|---|---|---|---|")
    for backend, figures in results.items():
        for key, row in figures.items():
            print(f"| {PAGES[key]} | {backend} | {row['median']:.1f} | {row['p90']:.1f} | {row['statements']} |")


if __name__ == "__main__":
    main()
