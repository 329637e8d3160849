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
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PAGES = ("/clusters/tay-bac/2024/figures/", "/reports/tay-bac/2023/")
THINK_TIME = """
delay = function()
  return math.random(1000, 3000)
end
"""
LUA = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "seconds": %f, "errors": %d, "p50": %f, "p95": %f, "p99": %f}\\n',
    summary.requests, summary.duration / 1e6,
    e.connect + e.read + e.write + e.status + e.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000))
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def manage(env: dict, *args: str) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    return result.stdout


def session_for(env: dict, username: str) -> str:
    """A logged-in session made directly in the database (no login round trip)."""
    code = (
        "from django.contrib.auth import get_user_model;"
        "from django.contrib.sessions.backends.db import SessionStore;"
        f"u=get_user_model().objects.get(username={username!r});"
        "s=SessionStore();"
        "s['_auth_user_id']=str(u.pk);"
        "s['_auth_user_backend']='django.contrib.auth.backends.ModelBackend';"
        "s['_auth_user_hash']=u.get_session_auth_hash();"
        "s.create();print(s.session_key)"
    )
    return manage(env, "shell", "-c", code).strip().splitlines()[-1]


def wrk(url: str, *, seconds: int, connections: int, cookie: str | None, think: bool) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write((THINK_TIME if think else "") + LUA)
    command = [
        "wrk",
        f"-t{min(4, connections)}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "-s",
        script.name,
    ]
    if cookie:
        command += ["-H", f"Cookie: sessionid={cookie}"]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    os.unlink(script.name)
    result = json.loads(output.strip().splitlines()[-1])
    result["rps"] = result["requests"] / result["seconds"]
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=60, help="per page, browsing")
    parser.add_argument("--saturation-seconds", type=int, default=20, help="per page, no pause")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", 3)))
    options = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("load_test: run it under bin/with-postgres (DATABASE_URL must be PostgreSQL)")
    if not shutil.which("wrk"):
        sys.exit("load_test: wrk is missing (apt-get install wrk)")
    static_root = tempfile.mkdtemp(prefix="load-static-")
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "load-test-" + "x" * 60,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "STATIC_ROOT": static_root,
        "LOG_LEVEL": "WARNING",
    }
    manage(env, "migrate", "--noinput")
    manage(env, "seed_demo", "--force")
    manage(env, "collectstatic", "--noinput")
    cookie = session_for(env, "laocai")  # a member of the Tây Bắc cluster in 2023 and 2024
    port = free_port()
    # The same gunicorn configuration as `make serve`, without the access log.
    server = subprocess.Popen(
        [str(Path(PYTHON).parent / "gunicorn"), "--config", "deploy/gunicorn.conf.py"],
        cwd=ROOT,
        env={**env, "PORT": str(port), "WEB_CONCURRENCY": str(options.workers), "ACCESS_LOG": "0"},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/healthz/", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        # Warm every worker up (imports, template compilation, connections) unmeasured.
        for path, session in (("/healthz/", None), *((p, cookie) for p in PAGES)):
            wrk(base + path, seconds=3, connections=12, cookie=session, think=False)
        pages = [
            ("minimal Django view /healthz/", "/healthz/", None),
            ("year page", PAGES[0], cookie),
            ("report page", PAGES[1], cookie),
        ]
        for think, seconds, title in (
            (True, options.seconds, "browsing: each user waits 1-3 s between pages"),
            (False, options.saturation_seconds, "saturation: no pause between requests"),
        ):
            print(
                f"\n{title} - gunicorn {options.workers} workers x 4 threads, PostgreSQL 15, "
                f"{options.connections} users, {seconds} s per page"
            )
            columns = ("req/s", "p50 ms", "p95 ms", "p99 ms", "errors", "vs minimal")
            print(f"{'page':32}" + "".join(f"{c:>11}" for c in columns))
            baseline = None
            for label, path, session in pages:
                result = wrk(
                    base + path,
                    seconds=seconds,
                    connections=options.connections,
                    cookie=session,
                    think=think,
                )
                baseline = baseline or result["rps"]
                print(
                    f"{label:32}{result['rps']:11.1f}{result['p50']:11.1f}{result['p95']:11.1f}"
                    f"{result['p99']:11.1f}{result['errors']:11d}{result['rps'] / baseline:10.2f}x",
                    flush=True,
                )
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(static_root, ignore_errors=True)


if __name__ == "__main__":
    main()
