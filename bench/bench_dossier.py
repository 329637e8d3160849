"""Benchmark of the award dossier: every Word and PDF file of the demo dossier (Tây Bắc
2023, eleven documents) built and zipped, as the download and `award_dossier` do.

Run:  DEBUG=1 .venv/bin/python bench/bench_dossier.py [--runs 5]

Uses a throwaway SQLite database migrated and seeded with `seed_demo`. Prints the median
(and each run) of: reading the dossier, the .docx files, the PDFs, and the whole zip;
exits non-zero when the median of the whole build exceeds the 5 s budget (design.md).
The machine is shared: the load average is printed beside the numbers.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cluster_portal.settings")
os.environ.setdefault("DEBUG", "1")
os.environ["VAR_DIR"] = tempfile.mkdtemp(prefix="bench-dossier-")
os.environ.pop("DATABASE_URL", None)
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

BUDGET_S = 5.0


def _cpu() -> float:
    """CPU seconds of this process: what the build costs whatever else the shared
    machine is doing."""
    return time.process_time()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--stub-scoring",
        action="store_true",
        help="use the tests' recorded scoring result (tests/dossier_helpers.py) when the "
        "scoring package is not installed",
    )
    args = parser.parse_args()
    if args.stub_scoring:
        from tests.dossier_helpers import patch_scoring

        patch_scoring().start()
        print("Scoring result stubbed with tests/dossier_helpers.recorded_scoring.")
    call_command("migrate", verbosity=0)
    call_command("seed_demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115

    from emulation.dossiers.documents import dossier_documents
    from emulation.dossiers.docx_builder import render_docx
    from emulation.dossiers.render import dossier_zip, render_document_html, render_pdfs
    from emulation.dossiers.selectors import dossier_for
    from provinces.organisation.models import Cluster

    cluster = Cluster.objects.get(slug="tay-bac")
    dossier = dossier_for(cluster, 2023)
    if dossier.missing:
        print("The demo dossier is incomplete:", *[m.text for m in dossier.missing], sep="\n- ")
        return 2
    timings: dict[str, list[float]] = {
        "read": [],
        "docx": [],
        "pdf": [],
        "zip (all)": [],
        "zip CPU": [],
    }
    for _ in range(args.runs):
        start = time.perf_counter()
        dossier = dossier_for(cluster, 2023)
        documents = dossier_documents(dossier)
        timings["read"].append(time.perf_counter() - start)
        start = time.perf_counter()
        for document in documents:
            render_docx(document)
        timings["docx"].append(time.perf_counter() - start)
        start = time.perf_counter()
        render_pdfs([render_document_html(d, linked_css=False) for d in documents])
        timings["pdf"].append(time.perf_counter() - start)
        start, cpu = time.perf_counter(), _cpu()
        size = len(dossier_zip(dossier_for(cluster, 2023)))
        timings["zip (all)"].append(time.perf_counter() - start)
        timings["zip CPU"].append(_cpu() - cpu)
    print(f"Award dossier Tây Bắc 2023: {len(documents)} documents, zip {size:,} bytes")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    for name, values in timings.items():
        runs = " ".join(f"{v:.2f}" for v in values)
        print(f"  {name:10s} median {statistics.median(values):5.2f} s   ({runs})")
    median = statistics.median(timings["zip (all)"])
    verdict = "within" if median < BUDGET_S else "OVER"
    print(f"whole dossier: median {median:.2f} s, {verdict} the {BUDGET_S:.0f} s budget")
    cpu = statistics.median(timings["zip CPU"])
    print(f"  (CPU time {cpu:.2f} s)")
    return 0 if median < BUDGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
