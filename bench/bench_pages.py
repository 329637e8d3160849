"""Do the signed-in pages scale? Saturated requests per second of the year page, the
report page and the home page beside /healthz/, under gunicorn as `make serve` starts it
(3 workers, DEBUG off, stack.py), and their CPU time per request in process.

Run (wrk installed; SQLite in a temporary folder by default, PostgreSQL with --postgres):
    .venv/bin/python bench/bench_pages.py [--seconds 10] [--connections 8] [--user laocai]
    bin/with-postgres .venv/bin/python bench/bench_pages.py --postgres
    .venv/bin/python bench/bench_pages.py --cpu-only [--profile year]   # no gunicorn

The demo data, a session of the user made in the database (Lào Cai's staff: a member of
Tây Bắc in 2023 and 2024). In process: Django's test client with that session cookie,
each page requested --runs times after a warm-up, the median of time.process_time per
request (the honest figure on a shared machine), and the SQL queries of one request.
Under gunicorn: wrk with no pause, each page for --seconds, after a warm-up of every
worker; the ratio to /healthz/ of the same run is what is tracked. Exits non-zero when a
ratio of the wrk run is under its target (year page 0.1x, report and home page 0.05x).
`--profile NAME` prints cProfile's 40 costliest functions of that page instead.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from stack import COLUMNS, ROOT, gunicorn, production_env, session_for, table_row, wrk  # noqa: E402

PAGES = {  # name: (path, target ratio to /healthz/)
    "healthz": ("/healthz/", None),
    "year": ("/clusters/tay-bac/2024/figures/", 0.1),
    "report": ("/reports/tay-bac/2023/", 0.05),
    "home": ("/", 0.05),
}


def _counter(queries: list):
    def count(execute, *args):
        queries.append(args[0])
        return execute(*args)

    return count


def in_process(env: dict, session: str, runs: int, profile: str | None) -> dict:
    """CPU ms per request (median) and SQL queries of each page, through the test client
    in this process, with the environment of the gunicorn run. The pages take turns, so
    a change of the machine's load weighs on all of them alike."""
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "cluster_portal.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    anonymous, signed_in = Client(), Client()
    signed_in.cookies["sessionid"] = session
    clients = {name: anonymous if name == "healthz" else signed_in for name in PAGES}
    results = {}
    for name, (path, _) in PAGES.items():
        response = clients[name].get(path)  # warm-up
        assert response.status_code == 200, (path, response.status_code)
        queries = []  # counted by a wrapper: request_started empties connection.queries
        with connection.execute_wrapper(_counter(queries)):
            clients[name].get(path)
        results[name] = [[], len(queries), len(response.content)]
    if profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(runs):
            clients[profile].get(PAGES[profile][0])
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(60)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(40)
        return {}
    for _ in range(runs):
        for name, (path, _) in PAGES.items():
            start = time.process_time()
            clients[name].get(path)
            results[name][0].append(time.process_time() - start)
    return {
        name: (statistics.median(times) * 1000, queries, size)
        for name, (times, queries, size) in results.items()
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10, help="wrk, per page")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--runs", type=int, default=30, help="in process, per page")
    parser.add_argument("--user", default="laocai")
    parser.add_argument("--port", type=int, default=0, help="gunicorn's (default: a free one)")
    parser.add_argument("--postgres", action="store_true", help="the DATABASE_URL's PostgreSQL")
    parser.add_argument("--cpu-only", action="store_true", help="in process only, no wrk")
    parser.add_argument("--profile", choices=sorted(PAGES), help="cProfile one page")
    options = parser.parse_args()
    if options.postgres and not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("bench_pages --postgres: run it under bin/with-postgres")
    if not (options.cpu_only or options.profile) and not shutil.which("wrk"):
        sys.exit("bench_pages: wrk is missing (apt-get install wrk)")
    work = tempfile.mkdtemp(prefix="bench-pages-")
    extra = {"VAR_DIR": work}
    if not options.postgres:
        extra["DATABASE_URL"] = f"sqlite:///{Path(work) / 'portal.sqlite3'}"
    engine = "PostgreSQL" if options.postgres else "SQLite"
    failed = False
    try:
        with production_env("bench-pages", **extra) as env:
            session = session_for(env, options.user)
            rates = {}
            if not (options.cpu_only or options.profile):
                headers = {"Cookie": f"sessionid={session}"}
                with gunicorn(env, workers=options.workers, quiet=True, port=options.port) as base:
                    for path, _ in PAGES.values():  # warm every worker up, unmeasured
                        wrk(base + path, seconds=2, connections=6, headers=headers)
                    load = os.getloadavg()[0]
                    for name, (path, _) in PAGES.items():
                        rates[name] = wrk(
                            base + path,
                            seconds=options.seconds,
                            connections=options.connections,
                            headers={} if name == "healthz" else headers,
                        )
                    load = (load + os.getloadavg()[0]) / 2
            cpu = in_process(env, session, options.runs, options.profile)
            if options.profile:
                return 0
            print(f"{engine}, signed in as {options.user}; {os.cpu_count()} CPUs")
            print(f"\nin process, median of {options.runs} (CPU ms, SQL queries, KB):")
            for name, (ms, queries, size) in cpu.items():
                ratio = cpu["healthz"][0] / ms
                print(
                    f"  {name:8}{PAGES[name][0]:34}{ms:7.1f} ms{queries:5d} q{size / 1024:7.0f} KB"
                    f"   healthz/page {ratio:5.2f}x"
                )
            if rates:
                print(
                    f"\nwrk: gunicorn {options.workers} workers, {options.connections} "
                    f"connections, {options.seconds} s per page, load average {load:.1f}"
                )
                print(f"{'page':10}" + "".join(f"{c:>11}" for c in COLUMNS) + "     target")
                baseline = rates["healthz"]["rps"]
                for name, result in rates.items():
                    target = PAGES[name][1]
                    short = target is not None and result["rps"] / baseline < target
                    failed |= short or result["errors"] > 0
                    mark = "" if target is None else f"  ≥{target:.2f}x {'FAIL' if short else 'ok'}"
                    print(table_row(name, result, baseline, 10) + mark)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
