"""API reads beside /healthz/ with the rate limit counting, and the rate limit under
parallel clients (issue 25), on the load-test stack (gunicorn in production mode, 3
workers; SQLite, or PostgreSQL under bin/with-postgres).

    .venv/bin/python bench/bench_api_limits.py reads [--rounds 3] [--seconds 6] [--base DIR]
    bin/with-postgres .venv/bin/python bench/bench_api_limits.py reads
    .venv/bin/python bench/bench_api_limits.py limit [--clients 12] [--limit 200] [--redis]

`reads`: wrk (8 connections) on /healthz/ and on one-record API reads, alternated for
`--rounds` rounds; the medians of the requests per second and their ratio. The rate limit
stays on (a limit too high to be reached: every request is counted, none refused). With
`--base DIR` (a checkout of another tree, e.g. `git archive main | tar -x -C DIR`, with its
`.venv` linked) that tree is served beside this one on the same database, and the two are
alternated in each round (their order turned round every other round): before and after
in the same minutes of a shared machine.

`limit`: `--clients` threads, each with its own connection, send GETs with one token as fast
as they can for `--seconds`; in the window of the clock (an hour: one window for the run),
the 200s must never be more than the limit (a read-then-write count let 583 of 600
through). Without --redis the count is the file under a lock (API_RATE_LIMIT_DIR);
with --redis, a redis-server started for the run.
"""

import argparse
import contextlib
import http.client
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from stack import ROOT, fetch, free_port, gunicorn, manage, production_env, wrk  # noqa: E402

LOAN = (
    "from provinces.disbursements.models import Disbursement;"
    "print(Disbursement.objects.filter(date__year=2023, province__code='10').first().pk)"
)  # Lào Cai's own, read with its staff's token


def _database() -> str:
    return "PostgreSQL" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "SQLite"


def _stack_env(name: str, tmp: str, **extra: str):
    if _database() == "SQLite":
        extra.setdefault("VAR_DIR", tmp)
    return production_env(name, API_RATE_LIMIT_DIR=str(Path(tmp) / "rate"), **extra)


def reads(options) -> None:
    tmp = tempfile.mkdtemp(prefix="bench-api-reads-")
    try:
        with _stack_env("bench-api-reads", tmp, API_RATE_LIMIT="100000000/h") as env:
            token = manage(env, "api_token", "--user", "laocai", "--name", "bench")
            token = token.strip().splitlines()[-1]
            loan = manage(env, "shell", "-c", LOAN).strip().splitlines()[-1]
            api = {"Authorization": f"Bearer {token}"}
            paths = {
                "/healthz/": ("/healthz/", {}),
                "API one loan": (f"/api/v1/loans/{loan}", api),
                "API one figures record": ("/api/v1/figures/2023/10", api),
            }
            trees = {"": ROOT}
            if options.base:  # another tree on the same database, in the same minutes
                trees = {"base ": Path(options.base).resolve(), "this ": ROOT}
            with contextlib.ExitStack() as servers:
                targets = {}
                for name, root in trees.items():
                    url = servers.enter_context(gunicorn(env, workers=3, quiet=True, root=root))
                    for label, (path, headers) in paths.items():
                        # A tree without GET /loans/{pk} (the base a change is measured against).
                        if fetch(url + path, headers) == 200:
                            targets[name + label] = (url + path, headers)
                results: dict[str, list[float]] = {label: [] for label in targets}
                for url, headers in targets.values():  # warm every worker up
                    wrk(url, seconds=2, connections=8, headers=headers)
                order = list(targets.items())
                for round_ in range(options.rounds):
                    # The trees' order turned round every other round (with --base).
                    for label, (url, headers) in order if round_ % 2 == 0 else order[::-1]:
                        result = wrk(url, seconds=options.seconds, connections=8, headers=headers)
                        assert result["errors"] == 0, (label, result)
                        results[label].append(result["rps"])
            load = os.getloadavg()
            print(f"\n{_database()}, gunicorn 3 workers, wrk 8 connections, {options.seconds} s")
            print(f"x {options.rounds} rounds alternated; load average {load[0]:.1f}")
            for name in trees:
                healthz = statistics.median(results[name + "/healthz/"])
                for label in paths:
                    values = results.get(name + label)
                    if values is None:
                        continue
                    median = statistics.median(values)
                    runs = ", ".join(f"{v:.0f}" for v in values)
                    ratios = ", ".join(
                        f"{v / h:.2f}"
                        for v, h in zip(values, results[name + "/healthz/"], strict=True)
                    )
                    print(
                        f"  {name + label:31} median {median:7.1f} req/s ({runs})"
                        f"  {median / healthz:.2f}x (per round {ratios})"
                    )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _redis(port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", ""],
        stdout=subprocess.DEVNULL,
    )
    for _ in range(100):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.05)
    return server


def limit(options) -> None:
    tmp = tempfile.mkdtemp(prefix="bench-api-limit-")
    extra = {"API_RATE_LIMIT": f"{options.limit}/h"}  # one window for the run
    server = None
    if options.redis:
        port = free_port()
        server = _redis(port)
        extra["REDIS_URL"] = f"redis://127.0.0.1:{port}/0"
    try:
        with _stack_env("bench-api-limit", tmp, **extra) as env:
            token = manage(env, "api_token", "--user", "laocai", "--name", "bench")
            token = token.strip().splitlines()[-1]
            with gunicorn(env, workers=3, quiet=True) as base:
                host, port = base.removeprefix("http://").split(":")
                answers: list[tuple[int, int, str | None]] = []
                stop = time.time() + options.seconds

                def client() -> None:
                    connection = http.client.HTTPConnection(host, int(port), timeout=20)
                    headers = {"Authorization": f"Bearer {token}"}
                    while time.time() < stop:
                        connection.request("GET", "/api/v1/provinces?year=2023", headers=headers)
                        response = connection.getresponse()
                        response.read()
                        window = int(time.time() // 3600)
                        answers.append((window, response.status, response.getheader("Retry-After")))

                threads = [threading.Thread(target=client) for _ in range(options.clients)]
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join()
        ok = Counter(window for window, status, _ in answers if status == 200)
        refused = [a for a in answers if a[1] == 429]
        others = Counter(status for _, status, _ in answers if status not in (200, 429))
        store = "Redis INCR" if options.redis else "file under flock"
        print(f"\nrate limit {options.limit}/h, {store}, gunicorn 3 workers, {_database()}")
        print(f"{options.clients} parallel clients, {options.seconds} s, {len(answers)} requests")
        print(f"load average {os.getloadavg()[0]:.1f}")
        for window, count in sorted(ok.items()):
            print(f"  window {window}: {count} answered 200 (limit {options.limit})")
        retry = sum(1 for *_, after in refused if after and after.isdigit())
        print(f"  429: {len(refused)}, with Retry-After: {retry}; other statuses: {dict(others)}")
        worst = max(ok.values(), default=0)
        # A window at the edge can show one more 200 than it counted (the client reads the
        # clock after the answer); the server's count is per its own window.
        verdict = "held" if worst <= options.limit else "BROKEN"
        print(f"  most 200s in one window: {worst} -> limit {verdict}")
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("part", choices=["reads", "limit"])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=6)
    parser.add_argument("--clients", type=int, default=12)
    parser.add_argument("--limit", type=int, default=200)
    parser.add_argument("--redis", action="store_true")
    parser.add_argument(
        "--base", help="reads: another checkout (git archive) served beside this one, alternated"
    )
    options = parser.parse_args()
    if not shutil.which("wrk") and options.part == "reads":
        sys.exit("bench_api_limits: wrk is missing (apt-get install wrk)")
    reads(options) if options.part == "reads" else limit(options)


if __name__ == "__main__":
    main()
