"""Fault check: does the portal survive a PostgreSQL restart?

Starts its own PostgreSQL 15 under /tmp (as the `postgres` user when run as root, since
initdb refuses root), migrates and seeds it, serves the portal with gunicorn exactly as
`make serve` does (deploy/gunicorn.conf.py, production settings), warms every worker
thread's database connection up with the year page, restarts PostgreSQL (pg_ctl restart
-m fast: every open connection is cut), and then counts the failed requests among the
next ones. Expected: 0.

    .venv/bin/python bench/db_restart_check.py [--requests 40] [--parallel 8]
    DB_CONN_HEALTH_CHECKS=0 .venv/bin/python bench/db_restart_check.py   # the old setting

Exit status 1 when any request after the restart failed.
"""

import argparse
import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PGBIN = Path(os.environ.get("PGBIN", "/usr/lib/postgresql/15/bin"))
PAGE = "/clusters/tay-bac/2024/figures/"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Postgres:
    """A throwaway server; as_postgres runs its commands as the postgres user when root."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="restart-check-pg-"))
        self.port = free_port()
        self.prefix = []
        if os.geteuid() == 0:
            subprocess.run(["id", "postgres"], check=True, capture_output=True)
            shutil.chown(self.root, "postgres")
            self.prefix = ["runuser", "-u", "postgres", "--"]
        self.data = self.root / "data"

    def run(self, *args: str) -> None:
        subprocess.run([*self.prefix, *args], check=True, capture_output=True)

    def ctl(self, action: str) -> None:
        options = f"-h 127.0.0.1 -p {self.port} -k {self.root} -c max_connections=100"
        self.run(
            str(PGBIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.root / "log"),
            "-w", "-m", "fast", "-o", options, action,
        )  # fmt: skip

    def start(self) -> str:
        self.run(str(PGBIN / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust",
                 "-E", "UTF8", "--locale=C.UTF-8")  # fmt: skip
        self.ctl("start")
        self.run(str(PGBIN / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U",
                 "postgres", "portal")  # fmt: skip
        return f"postgres://postgres@127.0.0.1:{self.port}/portal"

    def stop(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self.ctl("stop")
        shutil.rmtree(self.root, ignore_errors=True)


def manage(env: dict, *args: str) -> str:
    return subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    ).stdout


def session_for(env: dict, username: str) -> str:
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


def fetch(url: str, cookie: str) -> int:
    request = urllib.request.Request(url, headers={"Cookie": f"sessionid={cookie}"})
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return 0  # no answer at all


def burst(url: str, cookie: str, *, count: int, parallel: int) -> list[int]:
    with ThreadPoolExecutor(max_workers=parallel) as pool:
        return list(pool.map(lambda _: fetch(url, cookie), range(count)))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=40, help="after the restart")
    parser.add_argument("--parallel", type=int, default=8)
    parser.add_argument("--workers", type=int, default=3)
    options = parser.parse_args()
    postgres = Postgres()
    static_root = tempfile.mkdtemp(prefix="restart-check-static-")
    server = None
    try:
        env = {
            **os.environ,
            "DATABASE_URL": postgres.start(),
            "DEBUG": "0",
            "SECRET_KEY": "restart-check-" + "x" * 60,
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",
            "STATIC_ROOT": static_root,
            "LOG_LEVEL": "ERROR",
        }
        manage(env, "migrate", "--noinput")
        manage(env, "seed_demo", "--force")
        manage(env, "collectstatic", "--noinput")
        cookie = session_for(env, "laocai")
        port = free_port()
        server = subprocess.Popen(
            [str(Path(PYTHON).parent / "gunicorn"), "--config", "deploy/gunicorn.conf.py"],
            cwd=ROOT,
            env={
                **env,
                "PORT": str(port),
                "WEB_CONCURRENCY": str(options.workers),
                "ACCESS_LOG": "0",
            },  # fmt: skip
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        url = f"http://127.0.0.1:{port}{PAGE}"
        for _ in range(150):
            if fetch(f"http://127.0.0.1:{port}/healthz/", cookie) == 200:
                break
            time.sleep(0.2)
        # Open a connection in every worker thread (3 workers x 4 threads).
        before = burst(url, cookie, count=4 * options.workers * 4, parallel=options.parallel)
        started = time.monotonic()
        postgres.ctl("restart")
        restart_seconds = time.monotonic() - started
        after = burst(url, cookie, count=options.requests, parallel=options.parallel)
        failed_before = sum(1 for status in before if status != 200)
        failed_after = sum(1 for status in after if status != 200)
        health = env.get("DB_CONN_HEALTH_CHECKS", "1 (default)")
        age = env.get("DB_CONN_MAX_AGE", "60 (default)")
        print(f"settings: CONN_MAX_AGE={age}, CONN_HEALTH_CHECKS={health}")
        print(f"gunicorn: {options.workers} workers x 4 threads, {options.parallel} clients")
        print(f"before the restart: {len(before)} requests, {failed_before} failed")
        print(f"PostgreSQL restarted in {restart_seconds:.1f} s")
        print(f"after the restart:  {len(after)} requests, {failed_after} failed "
              f"(statuses: {sorted(set(after))})")  # fmt: skip
        return 1 if failed_after else 0
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        postgres.stop()
        shutil.rmtree(static_root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
