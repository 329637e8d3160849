"""Benchmark of the crafted uploads (tests/crafted_uploads.py): what each costs a worker
to read and refuse, beside a small valid disbursement file. Run from the project root:

    .venv/bin/python bench/bench_corpus.py [--no-tracemalloc] [--only NAME ...]

Each file runs through its import service as a dry run (the web page's preview; the
criteria's `read_rows` and parser), in a child process forked after the setup, so that
one file's memory cannot hide another's: it prints the CPU time of the child
(time.process_time: what the file costs, little disturbed by the other processes of a
loaded machine), the wall time, the growth of the child's resident memory (ru_maxrss)
and, in a second child, the peak Python memory (tracemalloc; --no-tracemalloc skips it,
for code that would take gigabytes). Budget: under 100 MB and under 1 s CPU beyond the
small valid file. The 10,000-disbursement upload is bench/bench_import.py's.
"""

import argparse
import os
import pickle
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

MEMORY_BUDGET_MB = 100
CPU_MARGIN_S = 1.0


def run_upload(kind: str, data: bytes, filename: str) -> tuple[bool, str]:
    """The dry run of one upload: (accepted, the first error or "")."""
    if kind == "criteria":
        from emulation.scoring.criteria_io import MAX_ROWS, parse_criteria_rows
        from provinces.spreadsheets.reading import FileProblem, read_rows

        try:
            parsed = parse_criteria_rows(read_rows(data=data, filename=filename, max_rows=MAX_ROWS))
        except FileProblem as exc:
            return False, str(exc)
        return not parsed.errors, parsed.errors[0][1] if parsed.errors else ""
    from provinces.disbursements.excel import disbursements_import
    from provinces.figures.excel import figures_import

    service = figures_import if kind == "figures" else disbursements_import
    report = service(data=data, filename=filename, user=None, dry_run=True)
    return report.ok, str(report.errors[0]) if report.errors else ""


def in_child(function):
    """`function()` in a forked child; its result (or the child's failure)."""
    from django.db import connections

    connections.close_all()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(read)
        try:
            result = function()
        except BaseException as exc:  # noqa: BLE001 (reported, not hidden)
            result = {"failed": f"{type(exc).__name__}: {exc}"[:120]}
        with os.fdopen(write, "wb") as out:
            pickle.dump(result, out)
        os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as source:
        payload = source.read()
    os.waitpid(pid, 0)
    return pickle.loads(payload) if payload else {"failed": "the child died (memory?)"}


def costs(kind: str, data: bytes, filename: str) -> dict:
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    wall, cpu = time.perf_counter(), time.process_time()
    ok, error = run_upload(kind, data, filename)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024
    return {"ok": ok, "error": error, "cpu": cpu, "wall": wall, "rss": grown}


def peak(kind: str, data: bytes, filename: str) -> dict:
    tracemalloc.start()
    run_upload(kind, data, filename)
    return {"peak": tracemalloc.get_traced_memory()[1] / (1024 * 1024)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-tracemalloc", action="store_true")
    parser.add_argument("--only", nargs="+", help="names of crafted files")
    args = parser.parse_args()
    from bench_import import setup_django, synthetic_cluster

    with tempfile.TemporaryDirectory(prefix="bench-corpus-") as var_dir:
        setup_django(var_dir, debug=False)
        from tests.crafted_uploads import (
            CORPUS,
            DISBURSEMENT_HEADER,
            DISBURSEMENT_ROW,
            package,
            row_xml,
        )

        synthetic_cluster()
        valid = package(
            [row_xml(1, DISBURSEMENT_HEADER), *(row_xml(n, DISBURSEMENT_ROW) for n in range(2, 12))]
        )
        files = [
            ("hop-le-10-khoan-vay", "disbursements", valid, "a valid file of 10 disbursements")
        ]
        files += [
            (c.name, c.kind, c.build(), c.finding)
            for c in CORPUS
            if not args.only or c.name in args.only
        ]
        print("| file | KB | kind | result | CPU s | wall s | RSS +MB | tracemalloc MB |")
        print("|---|---:|---|---|---:|---:|---:|---:|")
        baseline, over = None, []
        for name, kind, data, _finding in files:
            filename = f"{name}.xlsx"
            result = in_child(lambda: costs(kind, data, filename))  # noqa: B023
            if "failed" in result:
                print(f"| {name} | {len(data) / 1024:.0f} | {kind} | {result['failed']} |")
                over.append(name)
                continue
            traced = (
                {"peak": float("nan")}
                if args.no_tracemalloc
                else in_child(lambda: peak(kind, data, filename))  # noqa: B023
            )
            verdict = "accepted" if result["ok"] else f"refused: {result['error'][:70]}"
            print(
                f"| {name} | {len(data) / 1024:.0f} | {kind} | {verdict} | {result['cpu']:.2f} "
                f"| {result['wall']:.2f} | {result['rss']:.0f} | {traced.get('peak', 0):.1f} |",
                flush=True,
            )
            baseline = result["cpu"] if baseline is None else baseline
            if traced.get("peak", 0) >= MEMORY_BUDGET_MB or result["rss"] >= MEMORY_BUDGET_MB:
                over.append(f"{name}: memory")
            if result["cpu"] - baseline >= CPU_MARGIN_S:
                over.append(f"{name}: CPU")
        if over:
            print(f"OVER budget: {', '.join(over)}")
            sys.exit(1)
        print(f"within budget: < {MEMORY_BUDGET_MB} MB, < {CPU_MARGIN_S:.0f} s CPU beyond valid")


if __name__ == "__main__":
    main()
