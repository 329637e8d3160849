"""API benchmark: requests per second of the figures read endpoints beside the minimal
view /healthz/, on the load-test stack (gunicorn in production mode, PostgreSQL 15 on
loopback, wrk), and the SQL queries of every API endpoint on the demo data.

Run (root, PostgreSQL 15 binaries and wrk installed):
    bin/with-postgres .venv/bin/python bench/bench_api.py [--seconds 20] [--connections 50]

The rate limit is lifted for the run (API_RATE_LIMIT); the token is Lào Cai's staff
(a member of Tây Bắc in 2023, so the read rule runs as for any province's system).
"""

import argparse
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from stack import (  # noqa: E402  (the load test's stack)
    COLUMNS,
    gunicorn,
    manage,
    production_env,
    require_postgres_and_wrk,
    session_for,
    table_row,
    wrk,
)

ENDPOINTS = (
    "/api/v1/provinces?year=2023",
    "/api/v1/clusters?year=2023",
    "/api/v1/clusters/tay-bac/2023",
    "/api/v1/clusters/tay-bac/2023/figures",
    "/api/v1/clusters/tay-bac/2023/figures.csv",
    "/api/v1/clusters/tay-bac/2023/report",
    "/api/v1/figures/2023/10",
    "/api/v1/loans/2023/10",
)
LOADED = (
    ("minimal Django view /healthz/", "/healthz/"),
    ("page: one record /figures/2023/10/", "/figures/2023/10/"),
    ("API: one record (JSON)", "/api/v1/figures/2023/10"),
    ("API: cluster-year figures (JSON)", "/api/v1/clusters/tay-bac/2023/figures"),
    ("API: cluster-year figures (CSV)", "/api/v1/clusters/tay-bac/2023/figures.csv"),
)
COUNT_QUERIES = """
import json
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
client, counts = Client(), {{}}
headers = {{"Authorization": "Bearer {token}"}}
for path in {paths!r}:
    client.get(path, headers=headers)
    with CaptureQueriesContext(connection) as queries:
        status = client.get(path, headers=headers).status_code
    counts[path] = [status, len(queries)]
print(json.dumps(counts))
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=20, help="per endpoint")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", 3)))
    options = parser.parse_args()
    require_postgres_and_wrk("bench_api")
    with production_env("bench-api", API_RATE_LIMIT="1000000/s") as env:
        token = manage(env, "api_token", "--user", "laocai", "--name", "bench")
        token = token.strip().splitlines()[-1]
        counts = json.loads(
            manage(env, "shell", "-c", COUNT_QUERIES.format(token=token, paths=ENDPOINTS))
            .strip()
            .splitlines()[-1]
        )
        print("\nSQL queries per request (Lào Cai's token, demo data; tests/test_api_queries.py")
        print("checks that they stay the same for 5 and 40 members)")
        for path, (status, queries) in counts.items():
            print(f"  {path:48}{queries:4d}   (HTTP {status})")
        # The API with the token, pages with the session of the token's user.
        api = {"Authorization": f"Bearer {token}"}
        page = {"Cookie": f"sessionid={session_for(env, 'laocai')}"}

        def headers(path: str) -> dict:
            return api if "/api/" in path else page

        with gunicorn(env, workers=options.workers, quiet=True) as base:
            for _, path in LOADED:  # warm every worker up, unmeasured
                wrk(base + path, seconds=3, connections=12, headers=headers(path))
            print(
                f"\nsaturation - gunicorn {options.workers} workers x 4 threads, PostgreSQL 15, "
                f"{options.connections} connections, {options.seconds} s per endpoint"
            )
            print(f"{'endpoint':36}" + "".join(f"{c:>11}" for c in COLUMNS))
            baseline = None
            for label, path in LOADED:
                result = wrk(
                    base + path,
                    seconds=options.seconds,
                    connections=options.connections,
                    headers=headers(path),
                )
                baseline = baseline or result["rps"]
                print(table_row(label, result, baseline, 36), flush=True)


if __name__ == "__main__":
    main()
