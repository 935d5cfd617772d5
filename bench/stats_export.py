"""`council stats export` at scale (issue #4): one pass over N cases, each subject's birth date decrypted.

    .venv/bin/python bench/stats_export.py [--cases 100000] [--runs 3] [--backend sqlite|postgresql|both]
                                           [--postgres URL]

Builds N real cases with bench/cases.py's builder (own data key per case, sealed fields, no support records:
the export reads none), then times ``council.stats.services.export_statistics`` --runs times in this process
and prints the median, the rate and the process's peak RSS. The database and the keys are deleted at the end.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cases import DEFAULT_PG, build, create_people, make_app  # noqa: E402
from scratch import postgres_database  # noqa: E402  (bench/scratch.py, beside this file)

from council.auth.models import Council  # noqa: E402
from council.database import db  # noqa: E402
from council.instance import create_keys  # noqa: E402
from council.stats.services import export_statistics  # noqa: E402


def run(name: str, url: str, folder: Path, args) -> tuple[int, list[float]]:
    app = make_app(folder, url)
    people = create_people(app)
    began = time.perf_counter()
    facts = build(app, people, cases=args.cases, records=0, shared=0)
    print(f"   {name}: built {facts['cases']:,} cases in {time.perf_counter() - began:.0f} s", flush=True)
    timings = []
    for run_number in range(args.runs):
        with app.app_context():
            council = db.session.get(Council, people["council"])
            began = time.perf_counter()
            result = export_statistics(council=council, out=folder / f"stats-{run_number}.json")
            timings.append(time.perf_counter() - began)
        print(f"   {name}: export {run_number + 1}: {timings[-1]:.2f} s, total {result.total}", flush=True)
    db.dispose(app)
    return facts["cases"], timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="sqlite")
    parser.add_argument("--postgres", default=DEFAULT_PG)
    args = parser.parse_args()
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    for name in backends:
        folder = Path(tempfile.mkdtemp(prefix="stats-bench-"))
        create_keys(folder)
        try:
            with ExitStack() as stack:
                url = (f"sqlite:///{folder / 'council.db'}" if name == "sqlite"
                       else stack.enter_context(postgres_database(args.postgres, prefix="stats_bench")))
                cases, timings = run(name, url, folder, args)
            median = statistics.median(timings)
            print(f"{name}: {cases:,} cases, median {median:.2f} s ({cases / median:,.0f} cases/s), "
                  f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB", flush=True)
        finally:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
