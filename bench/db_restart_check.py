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
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from stack import fetch, free_port, gunicorn, production_env, session_for  # noqa: E402

PGBIN = Path(os.environ.get("PGBIN", "/usr/lib/postgresql/15/bin"))
PAGE = "/clusters/tay-bac/2024/figures/"


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


def burst(url: str, headers: dict, *, count: int, parallel: int) -> list[int]:
    with ThreadPoolExecutor(max_workers=parallel) as pool:
        return list(pool.map(lambda _: fetch(url, headers), range(count)))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=40, help="after the restart")
    parser.add_argument("--parallel", type=int, default=8)
    parser.add_argument("--workers", type=int, default=3)
    options = parser.parse_args()
    postgres = Postgres()
    try:
        database = {"DATABASE_URL": postgres.start(), "LOG_LEVEL": "ERROR"}
        with (
            production_env("restart-check", **database) as env,
            gunicorn(env, workers=options.workers, quiet=True) as base,
        ):
            member = {"Cookie": f"sessionid={session_for(env, 'laocai')}"}
            url = base + PAGE
            # Open a connection in every worker thread (3 workers x 4 threads).
            count = 4 * options.workers * 4
            before = burst(url, member, count=count, parallel=options.parallel)
            started = time.monotonic()
            postgres.ctl("restart")
            restart_seconds = time.monotonic() - started
            after = burst(url, member, count=options.requests, parallel=options.parallel)
        failed_before = sum(1 for status in before if status != 200)
        failed_after = sum(1 for status in after if status != 200)
        health = os.environ.get("DB_CONN_HEALTH_CHECKS", "1 (default)")
        age = os.environ.get("DB_CONN_MAX_AGE", "60 (default)")
        print(f"settings: CONN_MAX_AGE={age}, CONN_HEALTH_CHECKS={health}")
        print(f"gunicorn: {options.workers} workers x 4 threads, {options.parallel} clients")
        print(f"before the restart: {len(before)} requests, {failed_before} failed")
        print(f"PostgreSQL restarted in {restart_seconds:.1f} s")
        print(f"after the restart:  {len(after)} requests, {failed_after} failed "
              f"(statuses: {sorted(set(after))})")  # fmt: skip
        return 1 if failed_after else 0
    finally:
        postgres.stop()


if __name__ == "__main__":
    sys.exit(main())
