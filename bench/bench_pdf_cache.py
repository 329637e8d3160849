"""Generated documents under gunicorn in production mode (stack.py, the demo data):

1. the first PDF a fresh worker makes, with WeasyPrint imported in the master
   (deploy/gunicorn.conf.py, `on_starting`) and without (the same configuration with the
   hook removed): wall time and the worker's CPU time, each on an empty document cache,
   beside the same PDF made again by the same worker (cache emptied in between);
2. a repeat download of the annual report's PDF (served from the document cache), and a
   revalidation of it (If-None-Match: 304), beside /healthz/ and beside the inbox, a
   small page that, like the download, loads and saves the session (SESSION_SAVE_EVERY_
   REQUEST: a write per signed-in request), with wrk on 3 workers.

Run (wrk installed; SQLite by default, or PostgreSQL under bin/with-postgres):
    .venv/bin/python bench/bench_pdf_cache.py [--seconds 10] [--connections 8] [--port 8200]
    bin/with-postgres .venv/bin/python bench/bench_pdf_cache.py
"""

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from stack import COLUMNS, ROOT, gunicorn, production_env, session_for, table_row, wrk  # noqa: E402

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--port", type=int, default=8200)
    options = parser.parse_args()
    var_dir = tempfile.mkdtemp(prefix="bench-pdf-cache-")
    engine = "PostgreSQL" if os.environ.get("DATABASE_URL") else "SQLite"
    try:
        with production_env("bench-pdf-cache", VAR_DIR=var_dir) as env:
            headers = {"Cookie": f"sessionid={session_for(env, 'laocai')}"}
            without = Path(var_dir) / "gunicorn-without-hook.conf.py"
            without.write_text(WITHOUT_HOOK)
            print(f"{engine}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
            print("\nThe first PDF of a fresh worker (report, empty cache), median of runs:")
            for label, config in (
                ("WeasyPrint imported by the worker", str(without)),
                ("WeasyPrint imported in the master", "deploy/gunicorn.conf.py"),
            ):
                t = first_pdf(env, headers, config=config, port=options.port, runs=options.runs)
                print(
                    f"  {label}: first {t['first'][0] * 1000:6.0f} ms (CPU {t['first'][1]:.2f} s),"
                    f" again {t['again'][0] * 1000:6.0f} ms (CPU {t['again'][1]:.2f} s)"
                )
            with gunicorn(env, workers=options.workers, quiet=True, port=options.port) as base:
                request = urllib.request.Request(base + REPORT, headers=headers)
                with urllib.request.urlopen(request, timeout=60) as response:
                    etag = response.headers["ETag"]
                    size = len(response.read())
                runs = {}
                for label, url, extra in (
                    ("/healthz/", "/healthz/", {}),
                    ("inbox (signed in)", "/notices/", headers),
                    ("report PDF, repeat", REPORT, headers),
                    ("report PDF, If-None-Match", REPORT, {**headers, "If-None-Match": etag}),
                ):
                    runs[label] = wrk(
                        base + url,
                        seconds=options.seconds,
                        connections=options.connections,
                        headers=extra,
                    )
            print(
                f"\n{options.workers} workers, {options.connections} connections, "
                f"{options.seconds} s each; the PDF is {size / 1024:.0f} KB"
            )
            width = max(len(label) for label in runs) + 2
            print(" " * width + "".join(f"{c:>11}" for c in COLUMNS))
            baseline = runs["/healthz/"]["rps"]
            for label, result in runs.items():
                print(table_row(label, result, baseline, width))
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
