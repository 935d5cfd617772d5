"""What the header's inbox badge costs every signed-in page (issue 10), on the cases of ``bench/cases.py``.

    .venv/bin/python bench/inbox_badge.py [--cases 100000] [--records 2] [--runs 200] [--backend both]

For each backend it builds N encrypted cases with ``bench/cases.py``'s builder (ten institutions, review dates
and last contacts spread as in real use, so that many reviews are overdue and many cases quiet), signs a
caseworker and the supervisor of one institution in through the real forms, and then, in this process, with
Flask's test client (server side: session, pledge and permission checks, the template):

- times ``GET /account`` — a page that shows nothing but the header and the account — in turn with no
  providers (no badge), with the badge as pages show it (remembered in the session for a minute) and with the
  badge counted on every page (``INBOX_COUNT_MAX_AGE = 0``), --runs times each;
- times the badge alone: ``count_for(user)`` in a request context;
- times ``items_for(user)``: what the inbox page builds, for comparison;
- counts the SQL statements of each request.

Before each role's measurements it waits (at most --patience seconds) for the machine to be idle, as
``bench/cases.py`` does.

It prints medians and p90 in ms. The database and the instance folder are deleted at the end.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import event

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cases import (  # noqa: E402  (bench/cases.py)
    COOKIE,
    DEFAULT_PG,
    build,
    create_people,
    make_app,
    sign_in,
    wait_for_quiet,
)
from scratch import postgres_database  # noqa: E402  (bench/scratch.py, beside this file)

from council.auth.models import User  # noqa: E402
from council.database import db  # noqa: E402
from council.inbox.registry import count_for, items_for  # noqa: E402
from council.instance import create_keys  # noqa: E402

PROVIDERS = "inbox.providers"


def _median_p90(timings: list[float]) -> str:
    ordered = sorted(timings)
    return f"{statistics.median(ordered) * 1000:6.2f} ms (p90 {ordered[int(len(ordered) * 0.9)] * 1000:6.2f})"


def _statements(app) -> list[int]:
    counter = [0]
    event.listen(app.extensions["council.db"][0], "before_cursor_execute",
                 lambda *args: counter.__setitem__(0, counter[0] + 1))
    return counter


#: How the header's count is had in each variant of the page: (providers registered, INBOX_COUNT_MAX_AGE). In
#: this order, so that the remembered variant finds the count the counted one left in the session.
VARIANTS = {"badge, counted": (True, 0), "badge, remembered": (True, 60), "no badge": (False, 0)}


def _page_variants(app, cookie: str, runs: int) -> dict:
    """GET /account in each variant, interleaved so that drift hits all alike."""
    client = app.test_client()
    client.set_cookie(COOKIE, cookie)
    providers, counter = app.extensions[PROVIDERS], _statements(app)
    timings = {name: [] for name in VARIANTS}
    statements = {}
    for number in range(runs + 5):
        for name, (registered, max_age) in VARIANTS.items():
            app.extensions[PROVIDERS] = providers if registered else {}
            app.config["INBOX_COUNT_MAX_AGE"] = max_age
            before, began = counter[0], time.perf_counter()
            response = client.get("/account")
            elapsed = time.perf_counter() - began
            assert response.status_code == 200 and (b'data-testid="inbox-badge"' in response.data) == registered
            if number >= 5:  # warm-ups
                timings[name].append(elapsed)
                statements[name] = counter[0] - before
    app.extensions[PROVIDERS] = providers
    return {"timings": timings, "statements": statements}


def _direct(app, user_id: int, runs: int, function) -> list[float]:
    timings = []
    with app.test_request_context():
        user = db.session.get(User, user_id)
        for number in range(runs + 5):
            began = time.perf_counter()
            function(user)
            if number >= 5:
                timings.append(time.perf_counter() - began)
    return timings


def run_backend(name: str, url: str, folder: Path, args) -> None:
    print(f"\n== {name}: building {args.cases:,} cases", flush=True)
    app = make_app(folder, url)
    facts = build(app, create_people(app), cases=args.cases, records=args.records, shared=0.05)
    with app.test_request_context():
        for role in ("caseworker", "supervisor"):
            user = db.session.get(User, facts[role])
            items = items_for(user)
            print(f"   {role}: badge {count_for(user)}, items " + ", ".join(f"{i.kind}={i.count}" for i in items))
    for role in ("caseworker", "supervisor"):
        wait_for_quiet(patience=args.patience)
        measured = _page_variants(app, sign_in(app, facts[role]), args.runs)
        for name in VARIANTS:
            print(f"   {role:<10} GET /account, {name:<17} {_median_p90(measured['timings'][name])}, "
                  f"{measured['statements'][name]} statements")
        for function in (count_for, items_for):
            timings = _direct(app, facts[role], args.runs, function)
            print(f"   {role:<10} {function.__name__ + '(user)':<31} {_median_p90(timings)}")
    db.dispose(app)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--records", type=int, default=2, help="support records per case (the badge reads none)")
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--postgres", default=DEFAULT_PG)
    parser.add_argument("--patience", type=float, default=300,
                        help="seconds to wait for an idle machine before each role's measurements")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="council-bench-inbox-"))
    try:
        if args.backend in ("sqlite", "both"):
            folder = work / "sqlite"
            create_keys(folder)
            run_backend("SQLite", f"sqlite:///{folder}/bench.db", folder, args)
        if args.backend in ("postgresql", "both"):
            with postgres_database(args.postgres) as url:
                folder = work / "postgresql"
                create_keys(folder)
                run_backend("PostgreSQL", url, folder, args)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
