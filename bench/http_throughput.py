"""HTTP throughput against the framework's floor (issue 13): council and a hello-world Flask app, side by side.

    .venv/bin/python bench/http_throughput.py [--cases 2000] [--backend both] [--workers 2,4] [--seconds 5]
                                              [--rounds 2] [--connections 8] [--max-requests 200000]
                                              [--scenarios login,case,search,record] [--postgres URL]

For each backend (a temporary SQLite file, and a throw-away PostgreSQL database) it

1. builds an instance in a temporary folder (keys, database) and seeds N real encrypted cases with the builder of
   ``bench/cases.py`` (ten institutions, ~10 support records per case), plus the measured case (subject, two
   household members and exactly 10 support records, assigned to one caseworker) and a second case of the same
   caseworker that the "add a record" scenario writes into (so the measured case page keeps its 10 records);
2. signs that caseworker in once through the real forms (Flask's test client), and reads a CSRF token from the
   served search page with that session cookie — again before every council run, keeping the cookie the page sets,
   as a browser does (the cookie carries the header's inbox count, counted at most once a minute);
3. for each worker count (2 and 4 sync workers), starts two gunicorn servers on 127.0.0.1 — a hello-world Flask
   app (one route answering "Hello, World!") and council (``council:create_app()``, the instance above) — and
   runs the load generator against them **alternately**, hello-world then council, ``--rounds`` times per
   scenario, so that whatever else the (shared) machine is doing falls on both;
4. scenarios: ``login`` (GET /login, anonymous), ``case`` (GET /cases/<id>, signed in, 10 records, the
   ``case:viewed`` audit event committed), ``search`` (POST /cases/search by kana, CSRF token), ``record``
   (POST /cases/<id>/records, a new support record and its audit event; 302). Hello-world answers GET /.

The load generator is wrk (Debian's package, ``apt-get install wrk``) with a Lua script that stops each thread after
``--max-requests`` / threads responses and prints latency percentiles; each run is also bounded by ``--seconds``.
wrk divides by the whole ``--seconds`` even when its threads stopped at the count early, so a run that reaches the
count reports a rate below the real one: such a run is flagged ("capped"), and the default count is high enough that
hello-world on two cores does not reach it.
Without wrk the script stops and says so. Every response that is not the expected status is counted and reported
(a run with any is marked). The databases and the instance folder are deleted at the end.

Reported per scenario: requests/s (all rounds' requests over all rounds' time), p50/p95/p99 latency (median over
the rounds), the ratio of council's requests/s to hello-world's measured in the same rounds, and what a council request
cost the cores: the CPU time (user and system, from ``/proc``) of council's gunicorn processes and, on PostgreSQL, of
the server's processes, over the council runs, per request. The two cores are shared by both and by wrk: a page's
share of hello-world's throughput falls with the sum, and the split says which side to cut.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(1, str(ROOT))  # this checkout's council, not an installed one

from cases import COOKIE, DEFAULT_PG, Builder, create_people, make_app, sign_in  # noqa: E402
from scratch import postgres_database  # noqa: E402  (bench/scratch.py, beside this file)

from council.cases.models import Case  # noqa: E402
from council.core.clock import JAPAN, japan_today, utcnow  # noqa: E402
from council.database import db  # noqa: E402
from council.instance import create_keys  # noqa: E402

SCENARIOS = ("login", "case", "search", "record")
HELLO_APP = '''from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "Hello, World!"
'''
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')
LUA = """
wrk.method = {method}
wrk.body = {body}
{headers}
local limit = {limit}
local seen = 0
unexpected = 0
function response(status, headers, body)
  seen = seen + 1
  if status ~= {expect} then unexpected = unexpected + 1 end
  if seen >= limit then wrk.thread:stop() end
end
function setup(thread) table.insert(threads, thread) end
threads = {{}}
function done(summary, latency, requests)
  local bad = 0
  for _, thread in ipairs(threads) do bad = bad + (thread:get("unexpected") or 0) end
  io.write(string.format('RESULT {{"requests": %d, "duration_us": %d, "p50": %d, "p95": %d, "p99": %d, ' ..
    '"unexpected": %d, "socket_errors": %d}}\\n', summary.requests, summary.duration, latency:percentile(50),
    latency:percentile(95), latency:percentile(99), bad,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
"""


def lua_string(value: str | None) -> str:
    return "nil" if value is None else json.dumps(value)  # a JSON string is a valid Lua string for ASCII


# -- the instance --------------------------------------------------------------------------------------------


def seed(app, *, cases: int) -> dict:
    """N cases, the measured case (10 records, two household members) and the case records are added to."""
    people = create_people(app)
    builder = Builder(people)
    rng = builder.rng
    first = dt.date(2019, 4, 1)
    days = (builder.today - first).days
    with app.app_context():
        for done in range(1, cases + 1):
            institution = rng.choice(people["institutions"])
            builder.add_case(intake=first + dt.timedelta(days=rng.randrange(days)), institution=institution,
                             caseworker=rng.choice(people["staff"][institution]["caseworkers"]),
                             records=rng.randint(7, 13))
            if done % 2000 == 0:
                builder.flush()
        institution = people["institutions"][0]
        caseworker = people["staff"][institution]["caseworkers"][0]
        measured, subject = builder.add_case(intake=builder.today - dt.timedelta(days=200), institution=institution,
                                             caseworker=caseworker, records=10, status="support", household=2)
        written, _ = builder.add_case(intake=builder.today - dt.timedelta(days=100), institution=institution,
                                      caseworker=caseworker, records=3, status="support")
        builder.finish()
        number = db.session.get(Case, measured).number
    return {"measured": measured, "written": written, "number": number, "kana": subject["kana"],
            "name": subject["name"], "caseworker": caseworker, "people": people}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """A gunicorn process with ``workers`` sync workers on a free port of 127.0.0.1."""

    def __init__(self, target: str, *, workers: int, cwd: Path, env: dict, log: Path):
        self.port = free_port()
        gunicorn = Path(sys.executable).parent / "gunicorn"
        self.log = log
        self.process = subprocess.Popen(
            [str(gunicorn), "-w", str(workers), "-k", "sync", "-b", f"127.0.0.1:{self.port}", "--chdir", str(cwd),
             "--log-level", "warning", "--timeout", "60", target],
            env={**os.environ, **env}, stdout=log.open("ab"), stderr=subprocess.STDOUT, start_new_session=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def cpu_seconds(self) -> float:
        """The CPU time (user and system) its processes have used so far: gunicorn's arbiter and workers, the
        session that ``start_new_session`` gave them."""
        return cpu_seconds(lambda pid, _name: os.getpgid(pid) == self.process.pid)

    def wait(self, path: str = "/", timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited:\n{self.log.read_text()[-3000:]}")
            try:
                urllib.request.urlopen(self.base + path, timeout=5).read()
                return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"gunicorn did not answer within {timeout} s:\n{self.log.read_text()[-3000:]}")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def cpu_seconds(chosen: Callable[[int, str], bool]) -> float:
    """User and system CPU time of this machine's running processes that ``chosen(pid, name)`` picks, from
    ``/proc`` (0 where there is none: not Linux)."""
    total = 0
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            stat = (entry / "stat").read_text()
            name, fields = stat[stat.index("(") + 1:stat.rindex(")")], stat[stat.rindex(")") + 2:].split()
            if chosen(int(entry.name), name):
                total += int(fields[11]) + int(fields[12])  # utime, stime in clock ticks
        except (OSError, ValueError):  # it ended meanwhile
            continue
    return total / os.sysconf("SC_CLK_TCK")


def postgres_cpu_seconds() -> float:
    """The CPU time of PostgreSQL's processes on this machine (its backends serve the bench's database; nothing
    else uses the server while the bench runs)."""
    return cpu_seconds(lambda _pid, name: name.startswith("postgres"))


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(url: str, *, cookie: str | None = None, data: dict | None = None) -> tuple[int, str, dict]:
    """One request without following redirects: status, body, headers."""
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body)
    if cookie:
        request.add_header("Cookie", f"{COOKIE}={cookie}")
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, response.read().decode(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace"), dict(error.headers)


def csrf_token(base: str, cookie: str) -> tuple[str, str]:
    """A CSRF token from the served search page, and the session cookie that holds it (the page sets it)."""
    status, page, headers = fetch(f"{base}/cases/search", cookie=cookie)
    assert status == 200, f"search page answered {status}"
    found = CSRF.search(page)
    assert found, "no csrf_token on the search page"
    renewed = re.search(rf"{COOKIE}=([^;]+)", headers.get("Set-Cookie", ""))
    return found.group(1) or found.group(2), renewed.group(1) if renewed else cookie


def record_form(token: str) -> dict:
    now = dt.datetime.fromtimestamp(utcnow().timestamp(), JAPAN) - dt.timedelta(minutes=10)
    return {"csrf_token": token, "occurred_at": now.strftime("%Y-%m-%dT%H:%M"), "kind": "phone",
            "body": "本人より電話。生活費について相談あり。次回の面談日を調整した。"}


def requests_for(facts: dict, cookie: str, token: str) -> dict[str, dict]:
    """Each scenario: method, path, form, cookie, expected status, and a check of one answer's body."""
    return {
        "login": {"method": "GET", "path": "/login", "form": None, "cookie": None, "expect": 200,
                  "check": lambda page: 'name="password"' in page},
        "case": {"method": "GET", "path": f"/cases/{facts['measured']}", "form": None, "cookie": cookie,
                 "expect": 200, "check": lambda page: facts["name"] in page
                 and page.count('data-testid="record"') == 10},
        "search": {"method": "POST", "path": "/cases/search", "form": {"csrf_token": token, "kana": facts["kana"]},
                   "cookie": cookie, "expect": 200, "check": lambda page: f">{facts['number']}</a>" in page},
        "record": {"method": "POST", "path": f"/cases/{facts['written']}/records", "form": record_form(token),
                   "cookie": cookie, "expect": 302, "check": lambda page: True},
    }


def check_once(base: str, spec: dict) -> None:
    status, page, _ = fetch(base + spec["path"], cookie=spec["cookie"], data=spec["form"])
    assert status == spec["expect"], f"{spec['method']} {spec['path']} answered {status}, not {spec['expect']}"
    assert spec["check"](page), f"{spec['method']} {spec['path']}: the page does not show what it should"


def run_wrk(url: str, spec: dict, args, work: Path) -> dict:
    headers = []
    if spec["cookie"]:
        cookie = f"{COOKIE}={spec['cookie']}"
        headers.append(f'wrk.headers["Cookie"] = {lua_string(cookie)}')
    body = None
    if spec["form"] is not None:
        headers.append('wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"')
        body = urllib.parse.urlencode(spec["form"])
    script = work / "bench.lua"
    script.write_text(LUA.format(method=lua_string(spec["method"]), body=lua_string(body), headers="\n".join(headers),
                                 limit=max(1, args.max_requests // args.threads), expect=spec["expect"]))
    done = subprocess.run(["wrk", "-t", str(args.threads), "-c", str(args.connections), "-d", f"{args.seconds}s",
                           "--timeout", "30s", "-s", str(script), url], capture_output=True, text=True, check=False)
    line = next((row for row in done.stdout.splitlines() if row.startswith("RESULT ")), None)
    if line is None:
        raise RuntimeError(f"wrk failed:\n{done.stdout}\n{done.stderr}")
    return json.loads(line[len("RESULT "):])


def summarise(runs: list[dict], limit: int) -> dict:
    seconds = sum(run["duration_us"] for run in runs) / 1e6
    return {"rps": sum(run["requests"] for run in runs) / seconds,
            **{p: statistics.median(run[p] for run in runs) / 1000 for p in ("p50", "p95", "p99")},
            "requests": sum(run["requests"] for run in runs),
            # CPU per request of council's processes and of PostgreSQL's (ms), over all rounds (hello-world: none)
            **{key: 1000 * sum(run.get(key, 0) for run in runs) / max(1, sum(run["requests"] for run in runs))
               for key in ("app_cpu", "database_cpu")},
            "bad": sum(run["unexpected"] + run["socket_errors"] for run in runs),
            "capped": any(run["requests"] >= limit for run in runs)}


def run_backend(name: str, url: str, folder: Path, work: Path, args) -> list[dict]:
    print(f"\n== {name}: seeding {args.cases:,} cases", flush=True)
    app = make_app(folder, url)
    began = time.perf_counter()
    facts = seed(app, cases=args.cases)
    print(f"   seeded in {time.perf_counter() - began:.0f} s", flush=True)
    cookie = sign_in(app, facts["caseworker"])
    db.dispose(app)
    env = {"COUNCIL_INSTANCE_PATH": str(folder), "COUNCIL_DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    database_cpu_seconds = postgres_cpu_seconds if name == "PostgreSQL" else lambda: 0.0
    (work / "hello").mkdir(exist_ok=True)
    (work / "hello" / "hello.py").write_text(HELLO_APP)
    rows = []
    cap = max(1, args.max_requests // args.threads) * args.threads  # what the Lua script stops at
    for workers in args.workers:
        hello = Server("hello:app", workers=workers, cwd=work / "hello", env={}, log=work / "hello.log")
        council = Server("council:create_app()", workers=workers, cwd=ROOT, env=env, log=work / f"{name}.log")
        try:
            hello.wait("/")
            council.wait("/login")
            token, cookie = csrf_token(council.base, cookie)
            specs = requests_for(facts, cookie, token)
            hello_spec = {"method": "GET", "path": "/", "form": None, "cookie": None, "expect": 200,
                          "check": lambda page: page == "Hello, World!"}
            check_once(hello.base, hello_spec)
            for scenario in args.scenarios:
                spec = specs[scenario]
                for _ in range(3):  # warm every worker a little: templates compiled, connections open
                    check_once(council.base, spec)
                measured = {"hello": [], "council": []}
                for _ in range(args.rounds):
                    measured["hello"].append(run_wrk(hello.base + "/", hello_spec, args, work))
                    # A browser keeps the cookie each page sets (with the header's inbox count, counted once a
                    # minute); wrk sends the same cookie throughout, so each run starts with a fresh one.
                    token, cookie = csrf_token(council.base, cookie)
                    spec = requests_for(facts, cookie, token)[scenario]
                    app_cpu, database_cpu = council.cpu_seconds(), database_cpu_seconds()
                    measured["council"].append(run_wrk(council.base + spec["path"], spec, args, work))
                    measured["council"][-1].update(app_cpu=council.cpu_seconds() - app_cpu,
                                                   database_cpu=database_cpu_seconds() - database_cpu)
                floor, own = summarise(measured["hello"], cap), summarise(measured["council"], cap)
                row = {"backend": name, "workers": workers, "scenario": scenario, "hello": floor, "council": own,
                       "ratio": own["rps"] / floor["rps"], "load": os.getloadavg()[0]}
                rows.append(row)
                print(f"   {workers} workers {scenario:<7} council {own['rps']:8.1f} req/s  p50 {own['p50']:7.1f} "
                      f"p95 {own['p95']:7.1f} p99 {own['p99']:7.1f} ms | hello {floor['rps']:8.1f} req/s"
                      f"{' (capped: a lower bound)' if floor['capped'] else ''} | "
                      f"{row['ratio']:6.1%}{'  (' + str(own['bad']) + ' unexpected!)' if own['bad'] else ''}"
                      f"  CPU per request: {cpu_per_request(row)}"
                      f"  load {row['load']:.1f}", flush=True)
        finally:
            council.stop()
            hello.stop()
    return rows


LABELS = {"login": "login page (anonymous GET)", "case": "case page, 10 records (signed in, audited)",
          "search": "search POST by kana", "record": "add a support record (POST, audited)"}


def cpu_per_request(row: dict) -> str:
    """What a council request cost the machine's cores: its own processes' CPU, and PostgreSQL's beside it (on SQLite
    the database runs inside council's processes)."""
    own = row["council"]
    if row["backend"] == "PostgreSQL":
        return f"{own['app_cpu']:.2f} ms, {own['database_cpu']:.2f} ms"
    return f"{own['app_cpu']:.2f} ms (SQLite inside)"


def report(rows: list[dict], args) -> None:
    print(f"\nwrk, {args.threads} thread(s), {args.connections} connections, {args.rounds} × {args.seconds} s per "
          f"server and scenario, alternating; {args.cases:,} cases; load average at the end "
          f"{os.getloadavg()[0]:.1f}\n")
    print("| database | workers | request | council req/s | p50 | p95 | p99 | hello-world req/s | ratio "
          "| CPU per request: council's processes, PostgreSQL's |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        own, floor = row["council"], row["hello"]
        flag = f" ({own['bad']} unexpected)" if own["bad"] else ""
        capped = " (capped: a lower bound)" if floor["capped"] else ""
        print(f"| {row['backend']} | {row['workers']} | {LABELS[row['scenario']]} | {own['rps']:,.1f}{flag} | "
              f"{own['p50']:.1f} ms | {own['p95']:.1f} ms | {own['p99']:.1f} ms | {floor['rps']:,.0f}{capped} | "
              f"{row['ratio']:.1%} | {cpu_per_request(row)} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--workers", type=lambda text: [int(n) for n in text.split(",")], default=[2, 4])
    parser.add_argument("--scenarios", type=lambda text: text.split(","), default=list(SCENARIOS))
    parser.add_argument("--seconds", type=int, default=5, help="duration of one wrk run")
    parser.add_argument("--rounds", type=int, default=2, help="alternating hello-world/council runs per scenario")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--max-requests", type=int, default=200_000, help="per wrk run")
    parser.add_argument("--postgres", default=DEFAULT_PG)
    parser.add_argument("--json", type=Path, help="also write the rows here")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed (Debian: apt-get install wrk)")
    unknown = set(args.scenarios) - set(SCENARIOS)
    if unknown:
        sys.exit(f"unknown scenarios: {', '.join(sorted(unknown))}")
    version = subprocess.run(["wrk", "-v"], capture_output=True, text=True, check=False).stdout.split()[1]
    print(f"japan today {japan_today()}; wrk {version}", flush=True)

    work = Path(tempfile.mkdtemp(prefix="council-http-"))
    rows: list[dict] = []
    try:
        if args.backend in ("sqlite", "both"):
            folder = work / "sqlite"
            create_keys(folder)
            rows += run_backend("SQLite", f"sqlite:///{folder}/council.db", folder, work, args)
        if args.backend in ("postgresql", "both"):
            with postgres_database(args.postgres, prefix="council_http") as url:
                folder = work / "postgresql"
                create_keys(folder)
                rows += run_backend("PostgreSQL", url, folder, work, args)
        report(rows, args)
        if args.json:
            args.json.write_text(json.dumps(rows, indent=1))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
