"""What one request costs, measured so that a busy machine does not change the figure (issue 13).

    .venv/bin/python bench/request_cost.py [--page case|audit|search|login] [--requests 200] [--cases 200]
                                           [--profile 25] [--instructions 20] [--backend sqlite|postgresql]
                                           [--postgres URL]

Wall-clock timings on a shared machine swing with everyone else's load; these do not:

- **SQL statements** per request (SQLAlchemy's ``before_cursor_execute``, BEGIN and SAVEPOINTs left out) and, on
  PostgreSQL, **round trips** (the server's answers, ``ReadyForQuery`` in libpq's trace of every connection the
  request takes: the pool's test of a connection, BEGIN and the end of each transaction count too);
- **CPU instructions** per request (``--instructions N``): the script runs itself again under valgrind's callgrind,
  collecting only inside the N requests (``operator.call`` wraps them; nothing else calls it), with a fixed hash
  seed. Callgrind counts instructions the same whatever the load (SQLite runs in the process and is counted;
  PostgreSQL's server is not, so count with SQLite). Valgrind makes Python ~50 times slower: keep N small (5), so
  that the once-a-minute work of a session (the inbox count, the session's touch) stays outside the count;
- **CPU time** per request (``time.process_time`` over ``--requests``): the process's own CPU, not the time it
  waited for a core; steadier than wall time, but still moved by cache and frequency effects of other work;
- with ``--profile K``: cProfile of the requests, the K largest by own time and by cumulative time;
- with ``--sections`` (and ``--instructions N``): the instructions of each part of a case page (its session, the case
  gate, the audit append, the page's reads, decryption, panels, forms, rendering …), counted in the same callgrind
  run. Each part's function is called through a C function of its own (``functools.partial``, ``map``,
  ``itertools.starmap`` …, listed in ``TRAMPOLINES``) whose inclusive count callgrind reports; a profiler's timings of
  small functions are mostly its own overhead, these counts are not. Parts nest (decryption is inside the page's
  reads): each figure includes what runs inside it.

It builds an instance in a temporary folder (keys, database) with ``http_throughput.seed``: N encrypted cases and
the measured case (a subject, two household members, exactly 10 support records, assigned to one caseworker), and
an auditor. The pages, served in-process by Flask's test client with the session cookie of a real sign-in (the
cookie the page sets is kept, as a browser does; the header's inbox count is recounted once a minute):

- ``case``: GET /cases/<id>, the caseworker assigned to it (the ``case:file:viewed`` event committed);
- ``audit``: GET /audit/?user=<a username>, the auditor's log page filtered by a user;
- ``search``: POST /cases/search by the measured case's subject's kana, the same caseworker (the
  ``case:search:performed`` event committed; CSRF is off for this page alone: its POST carries no token; the pages
  that are only read build their forms with CSRF token fields, as a deployment does);
- ``login``: GET /login, anonymous and without a cookie (as the HTTP bench's wrk asks it): the floor of every page,
  its new CSRF token and session cookie included.

Five requests warm up first (templates compiled, connections open). The folder is deleted at the end.
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import importlib
import itertools
import operator
import os
import pstats
import re
import shutil
import subprocess
import sys
import tempfile
import time
import types
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(1, str(ROOT))  # this checkout's council, not an installed one

from cases import COOKIE, DEFAULT_PG, make_app, sign_in  # noqa: E402
from http_throughput import cpu_seconds, seed  # noqa: E402
from scratch import postgres_database  # noqa: E402
from sqlalchemy import event, select  # noqa: E402

from council.auth.models import PledgeAcceptance, User  # noqa: E402
from council.auth.pledge import CURRENT_VERSION  # noqa: E402
from council.core.db import server_answers, utcnow  # noqa: E402
from council.database import db  # noqa: E402
from council.instance import create_keys  # noqa: E402

WARM_UP = 5

#: The parts of a case page counted by ``--sections``: label, module, function (``Class.method`` for a method), and
#: the trampoline it is called through (TRAMPOLINES). Each call through one costs a few thousand instructions more, so
#: the cheapest (``functools.partial``, ``map``) carry the parts called dozens of times a page.
SECTIONS = (
    ("signed-in session read (load_session)", "council.security.signin", "AccountService.load_session",
     "functools_reduce"),
    ("case gate (authorize_case)", "council.access.policy", "authorize_case", "accumulate_next"),
    ("the page's reads (read_case_page), with:", "council.cases.page", "read_case_page", "filter_next"),
    ("  audit event appended and committed (record_read)", "council.access.reads", "record_read", "takewhile_next"),
    ("  values decrypted (CaseVault.texts)", "council.cases.vault", "CaseVault.texts", "dropwhile_next"),
    ("  panels (panels_for)", "council.cases.panels", "panels_for", "filterfalse_next"),
    ("forms built, anywhere (FormMeta.__call__)", "wtforms.form", "FormMeta.__call__", "starmap_next"),
    ("rendering (flask.templating._render), with:", "flask.templating", "_render", "builtin_sorted"),
    ("  fields (core.forms.field)", "council.core.forms", "field", "map_next"),
    ("  URLs (core.urls.TemplateUrls)", "council.core.urls", "TemplateUrls.__call__", "partial_vectorcall"),
)


#: A C function of CPython's (as callgrind names it) → a way to call a Python function ``f`` through it.
TRAMPOLINES = {
    "partial_vectorcall": lambda f: lambda *a, **k: functools.partial(f, *a, **k)(),
    "map_next": lambda f: lambda *a, **k: next(map(lambda _: f(*a, **k), (0,))),
    "starmap_next": lambda f: lambda *a, **k: next(itertools.starmap(lambda: f(*a, **k), ((),))),
    "functools_reduce": lambda f: lambda *a, **k: functools.reduce(lambda _acc, _: f(*a, **k), (0,), None),
    "accumulate_next": lambda f: lambda *a, **k: list(itertools.accumulate((0, 0), lambda _x, _y: f(*a, **k)))[1],
    "filter_next": lambda f: lambda *a, **k: _kept(filter, f, a, k),
    "takewhile_next": lambda f: lambda *a, **k: _kept(itertools.takewhile, f, a, k),
    "dropwhile_next": lambda f: lambda *a, **k: _kept(itertools.dropwhile, f, a, k, keep=False),
    "filterfalse_next": lambda f: lambda *a, **k: _kept(itertools.filterfalse, f, a, k, keep=False),
    "builtin_sorted": lambda f: lambda *a, **k: _keyed(f, a, k),
}


def _kept(through, f, args, kwargs, *, keep=True):
    """Call ``f`` once as the predicate that the iterator ``through`` asks; return what ``f`` returned."""
    answers = []
    next(through(lambda _: answers.append(f(*args, **kwargs)) or keep, (0, 0)))
    return answers[0]


def _keyed(f, args, kwargs):
    """Call ``f`` once as ``sorted``'s key; return what ``f`` returned."""
    answers = []
    sorted((0,), key=lambda _: answers.append(f(*args, **kwargs)) or 0)
    return answers[0]


def install_sections(app) -> None:
    """Route each of SECTIONS through its trampoline: the function where it is defined, where it was imported by
    name, and among the app's Jinja globals and filters."""
    for _label, module_name, name, c_function in SECTIONS:
        owner = importlib.import_module(module_name)
        attribute = name
        if "." in name:
            class_name, attribute = name.split(".")
            owner = getattr(owner, class_name)
        original = getattr(owner, attribute)
        routed = TRAMPOLINES[c_function](original)
        setattr(owner, attribute, routed)
        for module in list(sys.modules.values()):
            if getattr(module, "__name__", "").startswith("council") and getattr(module, attribute, None) is original:
                setattr(module, attribute, routed)
        for table in (app.jinja_env.globals, app.jinja_env.filters):
            for key, value in list(table.items()):
                if value is original:
                    table[key] = routed
                elif type(value) is types.MethodType and value.__func__ is original:  # the templates' url_for
                    table[key] = types.MethodType(routed, value.__self__)


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
    csrf, app.config["WTF_CSRF_ENABLED"] = app.config["WTF_CSRF_ENABLED"], False  # the sign-in posts no token
    try:
        client.set_cookie(COOKIE, sign_in(app, user_id))
    finally:
        app.config["WTF_CSRF_ENABLED"] = csrf
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
    (user, path, expected), form = target(args.page, facts), posted(args.page, facts)
    app = make_app(folder, url)
    # A page that is only read builds its forms with their CSRF token fields, as a deployment does; the search's POST
    # is sent without a token, so CSRF stays off for it.
    app.config["WTF_CSRF_ENABLED"] = form is None
    if args.inner_sections:
        install_sections(app)
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
    with server_answers(db.engine_of(app)) as answers:
        one()
    round_trips = len(answers) if db.engine_of(app).dialect.name == "postgresql" else None
    per_request = statements[0]
    event.remove(db.engine_of(app), "before_cursor_execute", count)
    server = _server_cpu(app)
    began = time.process_time()
    for _ in range(args.requests):
        one()
    cpu = (time.process_time() - began) / args.requests
    server = (_server_cpu(app) - server) / args.requests if server is not None else None
    print(f"{args.page} page ({path}): {per_request} SQL statements"
          + (f", {round_trips} round trips to the server" if round_trips is not None else "")
          + f"; CPU {cpu * 1000:.2f} ms per request "
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
        pids = set(connection.exec_driver_sql(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database()").scalars().all())
    return cpu_seconds(lambda pid, _name: pid in pids)


def instructions(folder: Path, url: str, args) -> None:
    """Run this script's measurement again under callgrind; print the instructions per request (and per section)."""
    out = folder / "callgrind.out"
    command = ["valgrind", "--tool=callgrind", "--collect-atstart=no", "--toggle-collect=_operator_call",
               f"--callgrind-out-file={out}", sys.executable, __file__, "--page", args.page,
               "--inner-folder", str(folder), "--inner-url", url, "--inner-instructions", str(args.instructions)]
    if args.sections:
        command.append("--inner-sections")
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    subprocess.run(command, check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    total = int(re.search(r"^(?:summary|totals): (\d+)", out.read_text(), re.MULTILINE).group(1))
    print(f"{args.page} page: {total / args.instructions / 1e6:.1f} million instructions per request "
          f"(callgrind over {args.instructions} requests)", flush=True)
    if args.sections:
        print_sections(out, total, args.instructions)


def print_sections(out: Path, total: int, requests: int) -> None:
    """Each section's inclusive instructions per request: its trampoline's, as callgrind_annotate adds them up."""
    annotated = subprocess.run(["callgrind_annotate", "--inclusive=yes", "--threshold=100", str(out)],
                               capture_output=True, text=True, check=True).stdout
    counts = {}
    for line in annotated.splitlines():
        found = re.match(r"\s*([\d,]+) .*:(\w+) \[", line)
        if found:
            counts.setdefault(found.group(2), int(found.group(1).replace(",", "")))
    print("| part of the request | million instructions per request | share |\n|---|---|---|")
    for label, _module, _name, c_function in SECTIONS:
        count = counts.get(c_function, 0)
        print(f"| {label} | {count / requests / 1e6:.2f} | {count / total:.1%} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--page", choices=("case", "audit", "search", "login"), default="case")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--cases", type=int, default=200)
    parser.add_argument("--profile", type=int, default=0, help="print the N largest functions of a profile")
    parser.add_argument("--instructions", type=int, default=0, help="count instructions over N requests")
    parser.add_argument("--sections", action="store_true",
                        help="with --instructions and the case page: the instructions of each part of the request")
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--postgres", default=DEFAULT_PG)
    # The run under valgrind: an instance already built by the outer run.
    parser.add_argument("--inner-folder", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--inner-url", help=argparse.SUPPRESS)
    parser.add_argument("--inner-instructions", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--inner-sections", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.sections and not (args.instructions and args.page == "case"):
        parser.error("--sections counts the parts of the case page: give it with --instructions N (and --page case)")
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
