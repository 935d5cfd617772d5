"""What one request costs, measured so that a busy machine does not change the figure (issue 13).

    .venv/bin/python bench/request_cost.py [--page case|audit|search|login] [--requests 200] [--cases 200]
                                           [--profile 25] [--instructions 20] [--backend sqlite|postgresql]
                                           [--postgres URL]

Wall-clock timings on a shared machine swing with everyone else's load; these do not:

- **SQL statements** per request (SQLAlchemy's ``before_cursor_execute``, BEGIN and SAVEPOINTs left out);
- **CPU instructions** per request (``--instructions N``): the script runs itself again under valgrind's callgrind,
  collecting only inside the N requests (``operator.call`` wraps them; nothing else calls it), with a fixed hash
  seed. Callgrind counts instructions the same whatever the load (SQLite runs in the process and is counted;
  PostgreSQL's server is not, so count with SQLite). Valgrind makes Python ~50 times slower: keep N small (5), so
  that the once-a-minute work of a session (the inbox count, the session's touch) stays outside the count;
- **CPU time** per request (``time.process_time`` over ``--requests``): the process's own CPU, not the time it
  waited for a core; steadier than wall time, but still moved by cache and frequency effects of other work;
- with ``--profile K``: cProfile of the requests, the K largest by own time and by cumulative time.

It builds an instance in a temporary folder (keys, database) with ``http_throughput.seed``: N encrypted cases and
the measured case (a subject, two household members, exactly 10 support records, assigned to one caseworker), and
an auditor. The pages, served in-process by Flask's test client with the session cookie of a real sign-in (the
cookie the page sets is kept, as a browser does; the header's inbox count is recounted once a minute):

- ``case``: GET /cases/<id>, the caseworker assigned to it (the ``case:file:viewed`` event committed);
- ``audit``: GET /audit/?user=<a username>, the auditor's log page filtered by a user;
- ``search``: POST /cases/search by the measured case's subject's kana, the same caseworker (the
  ``case:search:performed`` event committed; CSRF is off in the bench's app);
- ``login``: GET /login, anonymous and without a cookie (as the HTTP bench's wrk asks it): the floor of every page,
  its new CSRF token and session cookie included.

Five requests warm up first (templates compiled, connections open). The folder is deleted at the end.
"""

from __future__ import annotations

import argparse
import cProfile
import operator
import os
import pstats
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(1, str(ROOT))  # this checkout's council, not an installed one

from cases import COOKIE, DEFAULT_PG, make_app, sign_in  # noqa: E402
from http_throughput import seed  # noqa: E402
from scratch import postgres_database  # noqa: E402
from sqlalchemy import event, select  # noqa: E402

from council.auth.models import PledgeAcceptance, User  # noqa: E402
from council.auth.pledge import CURRENT_VERSION  # noqa: E402
from council.core.db import utcnow  # noqa: E402
from council.database import db  # noqa: E402
from council.instance import create_keys  # noqa: E402

WARM_UP = 5


def add_auditor(app, people: dict) -> int:
    """An auditor of the council (a copy of its first supervisor's credentials, so the real sign-in works)."""
    with app.app_context():
        template = db.session.get(User, people["staff"][people["institutions"][0]]["supervisor"])
        auditor = User(username="auditor", display_name="監査 担当", institution_id=template.institution_id,
                       role="auditor", failed_logins=0, password_hash=template.password_hash,
                       totp_secret=template.totp_secret)
        db.session.add(auditor)
        db.session.flush()
        db.session.add(PledgeAcceptance(user_id=auditor.id, version=CURRENT_VERSION, accepted_at=utcnow()))
        db.session.commit()
        return auditor.id


def build(folder: Path, url: str, cases: int) -> dict:
    app = make_app(folder, url)
    facts = seed(app, cases=cases)
    facts["auditor"] = add_auditor(app, facts["people"])
    with app.app_context():
        facts["filtered_user"] = db.session.scalar(select(User.username).where(User.id == facts["caseworker"]))
    db.dispose(app)
    return facts


def client_for(app, user_id: int | None):
    if user_id is None:  # anonymous, every request without a cookie
        return app.test_client(use_cookies=False)
    client = app.test_client()
    client.set_cookie(COOKIE, sign_in(app, user_id))
    return client


def target(page: str, facts: dict) -> tuple[int | None, str, str]:
    """(user, path, what the answer must contain) of ``page``."""
    if page == "login":
        return None, "/login", 'id="login-form"'
    if page == "case":
        return facts["caseworker"], f"/cases/{facts['measured']}", 'data-testid="record"'
    if page == "search":
        return facts["caseworker"], "/cases/search", f">{facts['number']}</a>"
    return facts["auditor"], f"/audit/?user={facts['filtered_user']}", 'data-testid="events"'


def posted(page: str, facts: dict) -> dict | None:
    """The form ``page`` posts; None for a GET."""
    return {"kana": facts["kana"]} if page == "search" else None


def measure(folder: Path, url: str, facts: dict, args) -> None:
    app = make_app(folder, url)
    (user, path, expected), form = target(args.page, facts), posted(args.page, facts)
    clients = [client_for(app, user)]
    statements = [0]

    def count(*_args):
        statement = _args[2]
        if not statement.startswith(("BEGIN", "SAVEPOINT", "RELEASE")):
            statements[0] += 1

    def one() -> None:
        response = clients[-1].get(path) if form is None else clients[-1].post(path, data=form)
        assert response.status_code == 200 and expected in response.get_data(as_text=True), response.status_code

    for _ in range(WARM_UP):
        one()
    if args.inner_instructions:
        # A fresh session just before counting, and its first page (which counts the header's inbox): neither the
        # inbox count kept a minute in the cookie nor the session's minute touch falls due inside the counted
        # requests, however slowly valgrind and the machine's load make them run (keep N small: a few seconds each).
        if user is not None:
            time.sleep(31 - time.time() % 30)  # a new TOTP window: the same code is refused twice (replay)
        clients.append(client_for(app, user))
        one()
        operator.call(lambda: [one() for _ in range(args.inner_instructions)])
        return
    # Counted outside the instruction run: a statement listener, even once removed, leaves SQLAlchemy dispatching
    # connection events at every statement of the engine, which no deployment pays.
    event.listen(db.engine_of(app), "before_cursor_execute", count)
    one()
    per_request = statements[0]
    event.remove(db.engine_of(app), "before_cursor_execute", count)
    server = _server_cpu(app)
    began = time.process_time()
    for _ in range(args.requests):
        one()
    cpu = (time.process_time() - began) / args.requests
    server = (_server_cpu(app) - server) / args.requests if server is not None else None
    print(f"{args.page} page ({path}): {per_request} SQL statements; CPU {cpu * 1000:.2f} ms per request "
          f"(process_time over {args.requests} requests)"
          + (f"; PostgreSQL's server CPU {server * 1000:.2f} ms per request" if server is not None else ""), flush=True)
    if args.profile:
        profile = cProfile.Profile()
        profile.runcall(lambda: [one() for _ in range(args.requests)])
        stats = pstats.Stats(profile).strip_dirs()
        stats.sort_stats("tottime").print_stats(args.profile)
        stats.sort_stats("cumulative").print_stats(args.profile)
    db.dispose(app)


def _server_cpu(app) -> float | None:
    """CPU seconds used so far by the PostgreSQL server processes serving this database (its backends), read from
    /proc (the server runs on this machine); None on SQLite. The app's pool keeps its connections, so the same
    backends serve every measured request."""
    engine = db.engine_of(app)
    if engine.dialect.name != "postgresql":
        return None
    with engine.connect() as connection:
        pids = connection.exec_driver_sql(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database()").scalars().all()
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # a backend that ended meanwhile
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def instructions(folder: Path, url: str, args) -> None:
    """Run this script's measurement again under callgrind; print the instructions per request."""
    out = folder / "callgrind.out"
    command = ["valgrind", "--tool=callgrind", "--collect-atstart=no", "--toggle-collect=_operator_call",
               f"--callgrind-out-file={out}", sys.executable, __file__, "--page", args.page,
               "--inner-folder", str(folder), "--inner-url", url, "--inner-instructions", str(args.instructions)]
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    subprocess.run(command, check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    total = int(re.search(r"^(?:summary|totals): (\d+)", out.read_text(), re.MULTILINE).group(1))
    print(f"{args.page} page: {total / args.instructions / 1e6:.1f} million instructions per request "
          f"(callgrind over {args.instructions} requests)", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--page", choices=("case", "audit", "search", "login"), default="case")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--cases", type=int, default=200)
    parser.add_argument("--profile", type=int, default=0, help="print the N largest functions of a profile")
    parser.add_argument("--instructions", type=int, default=0, help="count instructions over N requests")
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--postgres", default=DEFAULT_PG)
    # The run under valgrind: an instance already built by the outer run.
    parser.add_argument("--inner-folder", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--inner-url", help=argparse.SUPPRESS)
    parser.add_argument("--inner-instructions", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inner_folder:
        import json

        facts = json.loads((args.inner_folder / "facts.json").read_text())
        measure(args.inner_folder, args.inner_url, facts, args)
        return
    work = Path(tempfile.mkdtemp(prefix="council-cost-"))
    try:
        folder = work / "instance"
        create_keys(folder)
        if args.backend == "sqlite":
            run(folder, f"sqlite:///{folder}/council.db", args)
        else:
            with postgres_database(args.postgres, prefix="council_cost") as url:
                run(folder, url, args)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run(folder: Path, url: str, args) -> None:
    import json

    facts = build(folder, url, args.cases)
    (folder / "facts.json").write_text(json.dumps({k: v for k, v in facts.items() if k != "people"}))
    if args.requests:
        measure(folder, url, facts, args)
    if args.instructions:
        instructions(folder, url, args)


if __name__ == "__main__":
    main()
