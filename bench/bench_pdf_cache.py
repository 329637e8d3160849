"""Generated documents under gunicorn in production mode (stack.py, the demo data):

1. the first PDF a fresh worker makes, with WeasyPrint imported in the master
   (deploy/gunicorn.conf.py, `on_starting`) and without (the same configuration with the
   hook removed): wall time and the worker's CPU time, each on an empty document cache,
   beside the same PDF made again by the same worker (cache emptied in between);
2. a repeat download of the annual report's PDF (served from the document cache), and a
   revalidation of it (If-None-Match: 304), beside /healthz/ and beside the inbox, a
   small signed-in page, with wrk on 3 workers, in one run: requests per second, and the
   workers' CPU time per request (from /proc, which the machine's other load does not
   change, and which counts what the test client does not: gunicorn, the connections);
3. the same requests in one process (Django's test client, production settings, the
   same database): CPU milliseconds per request (`time.process_time`, the honest figure
   on a shared machine) and SQL queries, a cache hit beside /healthz/.

Run (wrk installed; SQLite by default, or PostgreSQL under bin/with-postgres):
    .venv/bin/python bench/bench_pdf_cache.py [--seconds 10] [--connections 8] [--port 8200]
        [--skip-first-pdf]
    bin/with-postgres .venv/bin/python bench/bench_pdf_cache.py
"""

import argparse
import contextlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from stack import (  # noqa: E402
    COLUMNS,
    PYTHON,
    ROOT,
    gunicorn,
    production_env,
    session_for,
    table_row,
    wrk,
)

REPORT = "/reports/tay-bac/2023/pdf/"
WITHOUT_HOOK = f"""import runpy
globals().update(runpy.run_path({str(ROOT / "deploy" / "gunicorn.conf.py")!r}))
del on_starting  # WeasyPrint imported by each worker on its first PDF, as before
"""


def worker_cpu(master: int) -> float:
    """CPU seconds (user + system) of the master's only worker."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    fields = Path(f"/proc/{children[0]}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def workers_cpu(master: int) -> float:
    """CPU seconds (user + system) of all the master's workers."""
    total = 0.0
    for child in Path(f"/proc/{master}/task/{master}/children").read_text().split():
        fields = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def _cpu(pid: str, *, children: bool = False) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])
    if children:  # the exited children it waited for (backends closed during the run)
        ticks += int(fields[13]) + int(fields[14])
    return ticks / os.sysconf("SC_CLK_TCK")


def database_server() -> int | None:
    """The PostgreSQL server's main process (the parent of this connection's backend),
    when DATABASE_URL names one on this machine; None for SQLite."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        return None
    import psycopg2

    connection = psycopg2.connect(url)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend = cursor.fetchone()[0]
        # Read while the backend lives (it ends with this connection).
        return int(Path(f"/proc/{backend}/stat").read_text().rsplit(")", 1)[1].split()[1])
    finally:
        connection.close()


def server_cpu(server: int | None) -> float:
    """CPU seconds of the database server: its main process, its live processes and the
    ones that ended (0 for SQLite, which runs in the workers)."""
    if server is None:
        return 0.0
    total = _cpu(str(server), children=True)
    for child in Path(f"/proc/{server}/task/{server}/children").read_text().split():
        with contextlib.suppress(FileNotFoundError):  # ended just now
            total += _cpu(child)
    return total


def timed_get(url: str, headers: dict, master: int) -> tuple[float, float]:
    cpu, start = worker_cpu(master), time.perf_counter()
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=60) as r:
        assert r.status == 200 and r.read(4) == b"%PDF", r.status
    return time.perf_counter() - start, worker_cpu(master) - cpu


def first_pdf(env: dict, headers: dict, *, config: str, port: int, runs: int) -> dict:
    cache = Path(env["VAR_DIR"]) / "cache" / "documents"
    first, again = [], []
    for _ in range(runs):
        shutil.rmtree(cache, ignore_errors=True)
        pids: list[int] = []
        with gunicorn(env, workers=1, quiet=True, port=port, config=config, pids=pids) as base:
            first.append(timed_get(base + REPORT, headers, pids[0]))
            shutil.rmtree(cache, ignore_errors=True)
            again.append(timed_get(base + REPORT, headers, pids[0]))
    return {
        "first": tuple(statistics.median(x[i] for x in first) for i in (0, 1)),
        "again": tuple(statistics.median(x[i] for x in again) for i in (0, 1)),
    }


IN_PROCESS = (
    ("/healthz/", "/healthz/", False, False),
    ("inbox (signed in)", "/notices/", True, False),
    ("report PDF, repeat", REPORT, True, False),
    ("report PDF, If-None-Match", REPORT, True, True),
)


def in_process(runs: int, requests: int) -> None:
    """In the child (`--in-process`, the stack's environment): CPU ms per request, the best
    of `runs` rounds of `requests`, and the queries of one, printed as JSON."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cluster_portal.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    signed_in, anonymous = Client(), Client()
    signed_in.cookies["sessionid"] = os.environ["BENCH_SESSION"]
    etag = signed_in.get(REPORT)["ETag"]  # made and cached (or read) once
    result = {}
    for label, url, session, conditional in IN_PROCESS:
        client = signed_in if session else anonymous
        headers = {"if_none_match": etag} if conditional else {}
        queries = []

        def count(execute, sql, params, many, context, queries=queries):
            queries.append(sql)
            return execute(sql, params, many, context)

        client.get(url, headers=headers)
        with connection.execute_wrapper(count):
            status = client.get(url, headers=headers).status_code
        best = []
        for _ in range(runs):
            start = time.process_time()
            for _ in range(requests):
                client.get(url, headers=headers)
            best.append((time.process_time() - start) / requests * 1000)
        result[label] = {"ms": min(best), "queries": len(queries), "status": status}
    print(json.dumps(result))


def measure(base: str, headers: dict, runs: dict, master: int, options) -> int:
    """wrk on each request into `runs`, with the workers' and the database server's CPU per
    request; the PDF's size."""
    server = database_server()
    request = urllib.request.Request(base + REPORT, headers=headers)
    with urllib.request.urlopen(request, timeout=60) as response:
        etag = response.headers["ETag"]
        size = len(response.read())
    for label, url, extra in (
        ("/healthz/", "/healthz/", {}),
        ("inbox (signed in)", "/notices/", headers),
        ("report PDF, repeat", REPORT, headers),
        ("report PDF, If-None-Match", REPORT, {**headers, "If-None-Match": etag}),
    ):
        cpu, database = workers_cpu(master), server_cpu(server)
        runs[label] = wrk(
            base + url, seconds=options.seconds, connections=options.connections, headers=extra
        )
        requests = max(runs[label]["requests"], 1)
        runs[label]["cpu_ms"] = (workers_cpu(master) - cpu) / requests * 1000
        runs[label]["db_ms"] = (server_cpu(server) - database) / requests * 1000
    return size


def cpu_per_request(env: dict, session: str) -> dict:
    output = subprocess.run(
        [PYTHON, __file__, "--in-process"],
        cwd=ROOT,
        env={**env, "BENCH_SESSION": session},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(output.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--port", type=int, default=8200)
    parser.add_argument("--skip-first-pdf", action="store_true")
    parser.add_argument("--in-process", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.in_process:
        in_process(runs=3, requests=300)
        return
    var_dir = tempfile.mkdtemp(prefix="bench-pdf-cache-")
    engine = "PostgreSQL" if os.environ.get("DATABASE_URL") else "SQLite"
    try:
        with production_env("bench-pdf-cache", VAR_DIR=var_dir) as env:
            session = session_for(env, "laocai")
            headers = {"Cookie": f"sessionid={session}"}
            without = Path(var_dir) / "gunicorn-without-hook.conf.py"
            without.write_text(WITHOUT_HOOK)
            print(f"{engine}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
            print("\nThe first PDF of a fresh worker (report, empty cache), median of runs:")
            for label, config in (
                ()
                if options.skip_first_pdf
                else (
                    ("WeasyPrint imported by the worker", str(without)),
                    ("WeasyPrint imported in the master", "deploy/gunicorn.conf.py"),
                )
            ):
                t = first_pdf(env, headers, config=config, port=options.port, runs=options.runs)
                print(
                    f"  {label}: first {t['first'][0] * 1000:6.0f} ms (CPU {t['first'][1]:.2f} s),"
                    f" again {t['again'][0] * 1000:6.0f} ms (CPU {t['again'][1]:.2f} s)"
                )
            pids, runs = [], {}
            try:
                measured = gunicorn(
                    env, workers=options.workers, quiet=True, port=options.port, pids=pids
                )
                with measured as base:
                    size = measure(base, headers, runs, pids[0], options)
            except subprocess.TimeoutExpired:  # a slow graceful stop on a loaded machine
                print("(gunicorn took over 30 s to stop; the figures below are complete)")
            print(
                f"\n{options.workers} workers, {options.connections} connections, "
                f"{options.seconds} s each; the PDF is {size / 1024:.0f} KB"
            )
            width = max(len(label) for label in runs) + 2
            print(" " * width + "".join(f"{c:>11}" for c in COLUMNS))
            baseline = runs["/healthz/"]["rps"]
            for label, result in runs.items():
                print(table_row(label, result, baseline, width))
            print(
                "The workers' CPU per request under wrk (/proc; the honest figure on a shared"
                " machine: what saturated throughput on idle cores follows):"
            )
            for label, result in runs.items():
                ratio = runs["/healthz/"]["cpu_ms"] / result["cpu_ms"]
                print(f"  {label:{width}}{result['cpu_ms']:7.2f} ms  healthz/this {ratio:.2f}")
            if engine == "PostgreSQL":
                print("The PostgreSQL server's CPU per request, and the workers' and its together:")
                healthz = runs["/healthz/"]["cpu_ms"] + runs["/healthz/"]["db_ms"]
                for label, result in runs.items():
                    both = result["cpu_ms"] + result["db_ms"]
                    print(
                        f"  {label:{width}}{result['db_ms']:7.2f} ms  together {both:5.2f} ms"
                        f"  healthz/this {healthz / both:.2f}"
                    )
            print(f"load average {os.getloadavg()[0]:.1f}")
            cpu = cpu_per_request(env, session)
            print("\nIn one process (test client): CPU ms per request, best of 3 x 300")
            for label, figure in cpu.items():
                ratio = cpu["/healthz/"]["ms"] / figure["ms"]
                print(
                    f"  {label:{width}}{figure['ms']:7.2f} ms  {figure['queries']:2d} queries"
                    f"  HTTP {figure['status']}  healthz/this {ratio:.2f}"
                )
            print(f"load average {os.getloadavg()[0]:.1f}")
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
