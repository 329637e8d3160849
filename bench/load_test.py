"""Load test: 50 concurrent users on the year page and the report page for 60 s each,
beside the same load on a minimal Django view, against gunicorn and PostgreSQL on
loopback. The ratio to the minimal view is what we track.

Two kinds of load, each printed as its own table:
- browsing: 50 users who each wait 1-3 s between pages (wrk's delay()), the load the
  portal's budget speaks of (p95 under 300 ms);
- saturation: 50 connections with no pause, for the most the stack can serve.

Run (root, PostgreSQL 15 binaries and wrk installed):
    bin/with-postgres .venv/bin/python bench/load_test.py [--seconds 60] [--connections 50]

It migrates and seeds the throwaway database it is given (DATABASE_URL), starts
gunicorn in production mode on a free loopback port, drives it with wrk, and stops it.
"""

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from stack import (  # noqa: E402
    COLUMNS,
    gunicorn,
    production_env,
    require_postgres_and_wrk,
    session_for,
    table_row,
    wrk,
)

PAGES = ("/clusters/tay-bac/2024/figures/", "/reports/tay-bac/2023/")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=60, help="per page, browsing")
    parser.add_argument("--saturation-seconds", type=int, default=20, help="per page, no pause")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", 3)))
    options = parser.parse_args()
    require_postgres_and_wrk("load_test")
    with production_env("load-test") as env, gunicorn(env, workers=options.workers) as base:
        member = {"Cookie": f"sessionid={session_for(env, 'laocai')}"}  # Tây Bắc 2023, 2024
        pages = [
            ("minimal Django view /healthz/", "/healthz/", {}),
            ("year page", PAGES[0], member),
            ("report page", PAGES[1], member),
        ]
        # Warm every worker up (imports, template compilation, connections) unmeasured.
        for _, path, headers in pages:
            wrk(base + path, seconds=3, connections=12, headers=headers)
        for think, seconds, title in (
            (True, options.seconds, "browsing: each user waits 1-3 s between pages"),
            (False, options.saturation_seconds, "saturation: no pause between requests"),
        ):
            print(
                f"\n{title} - gunicorn {options.workers} workers x 4 threads, PostgreSQL 15, "
                f"{options.connections} users, {seconds} s per page"
            )
            print(f"{'page':32}" + "".join(f"{c:>11}" for c in COLUMNS))
            baseline = None
            for label, path, headers in pages:
                result = wrk(
                    base + path,
                    seconds=seconds,
                    connections=options.connections,
                    headers=headers,
                    think=think,
                )
                baseline = baseline or result["rps"]
                print(table_row(label, result, baseline, 32), flush=True)


if __name__ == "__main__":
    main()
