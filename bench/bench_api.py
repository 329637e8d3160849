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
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load_test import LUA, ROOT, free_port, manage, session_for  # noqa: E402  (the same stack)

PYTHON = sys.executable
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


def wrk(url: str, *, seconds: int, connections: int, token: str, cookie: str) -> dict:
    """The API with the token, pages with the session of the token's user."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA)
    command = ["wrk", f"-t{min(4, connections)}", f"-c{connections}", f"-d{seconds}s"]
    command += ["--timeout", "10s", "-s", script.name]
    if "/api/" in url:
        command += ["-H", f"Authorization: Bearer {token}"]
    else:
        command += ["-H", f"Cookie: sessionid={cookie}"]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    os.unlink(script.name)
    result = json.loads(output.strip().splitlines()[-1])
    result["rps"] = result["requests"] / result["seconds"]
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=20, help="per endpoint")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", 3)))
    options = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("bench_api: run it under bin/with-postgres (DATABASE_URL must be PostgreSQL)")
    if not shutil.which("wrk"):
        sys.exit("bench_api: wrk is missing (apt-get install wrk)")
    static_root = tempfile.mkdtemp(prefix="bench-api-static-")
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "bench-api-" + "x" * 60,
        "ALLOWED_HOSTS": "127.0.0.1,testserver",
        "SECURE_SSL_REDIRECT": "0",
        "STATIC_ROOT": static_root,
        "LOG_LEVEL": "WARNING",
        "API_RATE_LIMIT": "1000000/s",
    }
    manage(env, "migrate", "--noinput")
    manage(env, "seed_demo", "--force")
    manage(env, "collectstatic", "--noinput")
    token = manage(env, "api_token", "--user", "laocai", "--name", "bench").strip().splitlines()[-1]
    cookie = session_for(env, "laocai")

    counts = json.loads(
        manage(env, "shell", "-c", COUNT_QUERIES.format(token=token, paths=ENDPOINTS))
        .strip()
        .splitlines()[-1]
    )
    print("\nSQL queries per request (Lào Cai's token, demo data; tests/test_api_queries.py")
    print("checks that they stay the same for 5 and 40 members)")
    for path, (status, queries) in counts.items():
        print(f"  {path:48}{queries:4d}   (HTTP {status})")

    port = free_port()
    server = subprocess.Popen(
        [str(Path(PYTHON).parent / "gunicorn"), "--config", "deploy/gunicorn.conf.py"],
        cwd=ROOT,
        env={**env, "PORT": str(port), "WEB_CONCURRENCY": str(options.workers), "ACCESS_LOG": "0"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/healthz/", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        for _, path in LOADED:  # warm every worker up, unmeasured
            wrk(base + path, seconds=3, connections=12, token=token, cookie=cookie)
        print(
            f"\nsaturation - gunicorn {options.workers} workers x 4 threads, PostgreSQL 15, "
            f"{options.connections} connections, {options.seconds} s per endpoint"
        )
        columns = ("req/s", "p50 ms", "p95 ms", "p99 ms", "errors", "vs minimal")
        print(f"{'endpoint':36}" + "".join(f"{c:>11}" for c in columns))
        baseline = None
        for label, path in LOADED:
            result = wrk(
                base + path,
                seconds=options.seconds,
                connections=options.connections,
                token=token,
                cookie=cookie,
            )
            baseline = baseline or result["rps"]
            print(
                f"{label:36}{result['rps']:11.1f}{result['p50']:11.1f}{result['p95']:11.1f}"
                f"{result['p99']:11.1f}{result['errors']:11d}{result['rps'] / baseline:10.2f}x",
                flush=True,
            )
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(static_root, ignore_errors=True)


if __name__ == "__main__":
    main()
