"""The production stack the load benchmarks drive: the portal's database migrated and
seeded, static files collected, gunicorn started as `make serve` starts it
(deploy/gunicorn.conf.py, DEBUG off) on a free loopback port, and wrk to load it.
load_test.py, bench_api.py and db_restart_check.py share it."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
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
COLUMNS = ("req/s", "p50 ms", "p95 ms", "p99 ms", "errors", "vs minimal")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def manage(env: dict, *args: str) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    return result.stdout


@contextmanager
def production_env(name: str, **extra: str) -> Iterator[dict]:
    """The environment of `make serve` for the database of DATABASE_URL (or `extra`),
    with a throwaway STATIC_ROOT; the database is migrated and seeded with the demo, and
    the static files collected."""
    static_root = tempfile.mkdtemp(prefix=f"{name}-static-")
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": f"{name}-" + "x" * 60,
        "ALLOWED_HOSTS": "127.0.0.1,testserver",
        "SECURE_SSL_REDIRECT": "0",
        "STATIC_ROOT": static_root,
        "LOG_LEVEL": "WARNING",
        **extra,
    }
    try:
        manage(env, "migrate", "--noinput")
        manage(env, "seed_demo", "--force")
        manage(env, "collectstatic", "--noinput")
        yield env
    finally:
        shutil.rmtree(static_root, ignore_errors=True)


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


def fetch(url: str, headers: dict | None = None) -> int:
    """The HTTP status of a GET; 0 when nothing answered."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return 0


@contextmanager
def gunicorn(
    env: dict,
    *,
    workers: int,
    quiet: bool = False,
    port: int | None = None,
    config: str = "deploy/gunicorn.conf.py",
    pids: list | None = None,
    wait_seconds: float = 30,
    root: Path = ROOT,
) -> Iterator[str]:
    """gunicorn serving the portal as `make serve` does, without the access log; the base
    URL once /healthz/ answers (or `wait_seconds` have passed). `port`: a fixed one (else a
    free one); `pids`: gets the master's process id; `root`: the tree to serve (another
    checkout of the portal, on the same database, to compare two trees in the same minutes)."""
    port = port or free_port()
    output = subprocess.DEVNULL if quiet else None
    server = subprocess.Popen(
        [str(Path(PYTHON).parent / "gunicorn"), "--config", config],
        cwd=root,
        env={**env, "PORT": str(port), "WEB_CONCURRENCY": str(workers), "ACCESS_LOG": "0"},
        stdout=output,
        stderr=output,
    )
    base = f"http://127.0.0.1:{port}"
    if pids is not None:
        pids.append(server.pid)
    try:
        for _ in range(int(wait_seconds / 0.2)):
            if fetch(f"{base}/healthz/") == 200:
                break
            time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


def wrk(url: str, *, seconds: int, connections: int, headers: dict, think: bool = False) -> dict:
    """wrk's requests per second and latency percentiles (ms); `think`: each connection
    waits 1-3 s between requests, as a person browsing."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write((THINK_TIME if think else "") + LUA)
    command = ["wrk", f"-t{min(4, connections)}", f"-c{connections}", f"-d{seconds}s"]
    command += ["--timeout", "10s", "-s", script.name]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    try:
        output = subprocess.run([*command, url], capture_output=True, text=True, check=True)
    finally:
        os.unlink(script.name)
    result = json.loads(output.stdout.strip().splitlines()[-1])
    result["rps"] = result["requests"] / result["seconds"]
    return result


def table_row(label: str, result: dict, baseline: float, width: int) -> str:
    return (
        f"{label:{width}}{result['rps']:11.1f}{result['p50']:11.1f}{result['p95']:11.1f}"
        f"{result['p99']:11.1f}{result['errors']:11d}{result['rps'] / baseline:10.2f}x"
    )


def require_postgres_and_wrk(name: str) -> None:
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit(f"{name}: run it under bin/with-postgres (DATABASE_URL must be PostgreSQL)")
    if not shutil.which("wrk"):
        sys.exit(f"{name}: wrk is missing (apt-get install wrk)")
