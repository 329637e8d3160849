"""Benchmark of the annual report: data, HTML, PDF, beside WeasyPrint alone.

Run:  DEBUG=1 .venv/bin/python bench/bench_report.py [--runs 5]

Uses a throwaway SQLite database (migrated and seeded with the demo data) and adds a
synthetic cluster of 34 provinces with 20 years of figures and disbursements. Prints medians;
the ratio (our PDF path / WeasyPrint alone on the same HTML) is what we track, as the
machines are shared and noisy.
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
os.environ["VAR_DIR"] = tempfile.mkdtemp(prefix="bench-report-")
os.environ.pop("DATABASE_URL", None)
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402


def synthetic_cluster(provinces: int = 34, years: int = 20):
    import datetime
    from decimal import Decimal

    from provinces.disbursements.models import Cooperative, Disbursement
    from provinces.figures.models import FiguresStatus, YearlyFigures
    from provinces.organisation.models import Cluster, ClusterMembership, ClusterTerm, Province
    from tests.factories import GOOD_VALUES

    first = 2025 - years
    cluster = Cluster.objects.create(
        slug="bench-34", name="Cụm thử nghiệm 34 tỉnh", from_year=first
    )
    units = [
        Province.objects.create(code=f"{60 + i % 40}", name=f"Tỉnh thử {i:02d}")
        for i in range(provinces)
    ]
    ClusterMembership.objects.bulk_create(
        ClusterMembership(cluster=cluster, province=u, from_year=first) for u in units
    )
    ClusterTerm.objects.bulk_create(
        ClusterTerm(
            cluster=cluster, year=y, head=units[y % provinces], vice=units[(y + 1) % provinces]
        )
        for y in range(first, 2025)
    )
    YearlyFigures.objects.bulk_create(
        YearlyFigures(province=u, year=y, status=FiguresStatus.APPROVED, **GOOD_VALUES)
        for u in units
        for y in range(first, 2025)
    )
    coops = Cooperative.objects.bulk_create(
        Cooperative(province=u, name=f"HTX {u.name}", name_key=f"htx {u.pk}", kind="HTX")
        for u in units
    )
    Disbursement.objects.bulk_create(
        Disbursement(
            province=c.province,
            fund="htx_dev",
            date=datetime.date(y, 6, 1),
            borrower=c,
            amount=Decimal(100),
        )
        for c in coops
        for y in range(first, 2025)
    )
    return cluster


def median_time(function, runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def bench(cluster, year: int, runs: int) -> None:
    from weasyprint import HTML

    from emulation.reports.render import _static_fetcher, render_pdf, render_report_html
    from emulation.reports.selectors import cluster_report

    with CaptureQueriesContext(connection) as queries:
        cluster_report(cluster=cluster, year=year)
    build, report = median_time(lambda: cluster_report(cluster=cluster, year=year), runs)
    html_time, html = median_time(lambda: render_report_html(report), runs)
    pdf_time, pdf = median_time(lambda: render_pdf(html), runs)
    alone, _ = median_time(
        lambda: HTML(string=html, base_url="file:///", url_fetcher=_static_fetcher()).write_pdf(),
        runs,
    )
    total = build + html_time + pdf_time
    print(
        f"{cluster.slug:>22} {year}  provinces={len(report.lines):>2}  "
        f"queries={len(queries):>2}  "
        f"data={build * 1000:7.1f} ms  html={html_time * 1000:7.1f} ms  "
        f"pdf={pdf_time * 1000:7.1f} ms  "
        f"total={total * 1000:7.1f} ms  weasyprint-alone={alone * 1000:7.1f} ms  "
        f"ratio={total / alone:4.2f}  pdf-size={len(pdf) / 1024:.0f} KiB"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    call_command("migrate", verbosity=0)
    call_command("seed_demo", verbosity=0)
    from provinces.organisation.models import Cluster

    print(f"median of {runs} runs; budget: total < 3 s and ratio < 1.5")
    bench(Cluster.objects.get(slug="tay-bac"), 2023, runs)
    bench(Cluster.objects.get(slug="mien-nui-phia-bac-1"), 2025, runs)
    bench(synthetic_cluster(), 2024, runs)


if __name__ == "__main__":
    main()
