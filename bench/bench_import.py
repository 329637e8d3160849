"""Benchmark of the yearly-figures import: a 1,000-row .xlsx, previewed (dry run) and
imported for real, as the web page and `import_figures` do it.

Budget (design.md, "Budgets"): a figures upload of 1,000 rows under 5 s including the
preview. Run from the project root:

    DEBUG=1 .venv/bin/python bench/bench_import.py [--rows 1000] [--runs 5]

It builds a throwaway SQLite database in a temporary directory (VAR_DIR), migrates it,
adds synthetic provinces and one synthetic cluster whose memberships hold the rows, and
prints the median of a few runs and the number of SQL queries of each step.
"""

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUDGET_SECONDS = 5.0
FIRST_CODE, FIRST_YEAR, LAST_YEAR = 30, 2005, 2024


def setup_django(var_dir: str) -> None:
    os.environ["VAR_DIR"] = var_dir
    os.environ.pop("DATABASE_URL", None)  # always the throwaway SQLite database
    os.environ.setdefault("DEBUG", "1")
    os.environ["DJANGO_SETTINGS_MODULE"] = "cluster_portal.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def synthetic_cluster(rows: int) -> list[tuple[str, int]]:
    """Enough provinces (codes 30–99, which the reference data leaves free) and yearly
    memberships of one cluster to hold `rows` province-years; returns them."""
    from provinces.models import Cluster, ClusterMembership, ClusterTerm, Province

    years = list(range(FIRST_YEAR, LAST_YEAR + 1))
    count = -(-rows // len(years))
    if FIRST_CODE + count > 100:
        raise SystemExit(f"{rows} rows need more than 70 codes × {len(years)} years")
    cluster = Cluster.objects.create(
        slug="bench", name="Cụm đo hiệu năng", from_year=FIRST_YEAR, to_year=LAST_YEAR
    )
    provinces = Province.objects.bulk_create(
        Province(code=f"{FIRST_CODE + i:02d}", name=f"Tỉnh thử {FIRST_CODE + i}")
        for i in range(count)
    )
    ClusterMembership.objects.bulk_create(
        ClusterMembership(cluster=cluster, province=p, from_year=FIRST_YEAR, to_year=LAST_YEAR)
        for p in provinces
    )
    for year in years:
        ClusterTerm.objects.create(cluster=cluster, year=year, head=provinces[0], vice=provinces[1])
    pairs = [(p.code, year) for year in years for p in provinces]
    return pairs[:rows]


def workbook(pairs: list[tuple[str, int]], *, bump: int = 0) -> bytes:
    """The template layout (codes, labels, then data); a quarter of the amounts typed as
    Vietnamese text ("1.637,5") to exercise the parser as well as numeric cells."""
    import openpyxl

    from provinces.figures_io import COLUMN_LABELS, COLUMNS

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(COLUMNS))
    sheet.append([COLUMN_LABELS[c] for c in COLUMNS])
    for i, (code, year) in enumerate(pairs):
        revenue = Decimal("1637.5") + i % 7
        values = {
            "tht_new": 10 + bump,
            "tht_total": 160 + i % 50,
            "tht_members": 1300 + i,
            "tht_agri": 110,
            "tht_avg_revenue": Decimal("236.8"),
            "tht_avg_profit": Decimal("43.7"),
            "htx_new": 5 + bump,
            "htx_total": 60 + i % 30,
            "htx_members": 3100 + i,
            "htx_avg_revenue": f"{revenue:,.1f}".replace(",", " ")
            .replace(".", ",")
            .replace(" ", ".")
            if i % 4 == 0
            else revenue,
            "htx_avg_profit": Decimal("177"),
            "htx_workers": 1100,
            "htx_avg_income": Decimal("51.3"),
            "bulletins": 4,
            "tv_reports": 9,
            "press_articles": 19,
            "online_posts": 196,
            "training_courses": 8,
            "training_participants": 680,
        }
        sheet.append([code, year, *values.values()])
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def timed(function) -> tuple[float, int, object]:
    from django.db import connection

    executed = []

    def count(execute, sql, params, many, context):
        executed.append(1)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        start = time.perf_counter()
        result = function()
        elapsed = time.perf_counter() - start
    return elapsed, len(executed), result


def measure(label: str, runs: int, prepare, function) -> dict:
    times, queries = [], []
    for _ in range(runs):
        prepare()
        elapsed, count, report = timed(function)
        if not report.ok:
            raise SystemExit(f"{label}: import failed: {report.errors[:5]}")
        times.append(elapsed)
        queries.append(count)
    result = {
        "label": label,
        "median": statistics.median(times),
        "min": min(times),
        "max": max(times),
        "queries": statistics.median(queries),
        "totals": report.totals,
    }
    print(
        f"  {label:<38} median {result['median']:6.3f} s  (min {result['min']:.3f}, "
        f"max {result['max']:.3f})  {int(result['queries']):>6} queries  {report.totals}"
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-import-") as var_dir:
        setup_django(var_dir)
        from django.contrib.auth import get_user_model

        from provinces.figures_io import figures_import
        from provinces.models import YearlyFigures

        pairs = synthetic_cluster(args.rows)
        admin = get_user_model().objects.create_superuser("bench-admin", password="x")
        files = [workbook(pairs), workbook(pairs, bump=1)]
        print(
            f"figures import: {len(pairs)} rows, .xlsx of {len(files[0]) / 1024:.0f} KiB, "
            f"{args.runs} runs each, SQLite in {var_dir}"
        )

        def run(data: bytes, *, dry_run: bool):
            return lambda: figures_import(
                data=data, filename="bench.xlsx", user=admin, dry_run=dry_run
            )

        def empty():
            YearlyFigures.history.all().delete()
            YearlyFigures.objects.all().delete()

        def filled(data: bytes):
            def prepare():
                empty()
                figures_import(data=data, filename="bench.xlsx", user=admin, dry_run=False)

            return prepare

        results = [
            measure("preview of new rows (dry run)", args.runs, empty, run(files[0], dry_run=True)),
            measure("import of new rows", args.runs, empty, run(files[0], dry_run=False)),
            measure(
                "preview of changed rows (dry run)",
                args.runs,
                filled(files[0]),
                run(files[1], dry_run=True),
            ),
            measure(
                "import of changed rows", args.runs, filled(files[0]), run(files[1], dry_run=False)
            ),
            measure(
                "re-import of an unchanged file",
                args.runs,
                filled(files[0]),
                run(files[0], dry_run=False),
            ),
        ]
        new_total = results[0]["median"] + results[1]["median"]
        update_total = results[2]["median"] + results[3]["median"]
        worst = max(new_total, update_total)
        print(f"  preview + import, new rows:      {new_total:6.3f} s")
        print(f"  preview + import, changed rows:  {update_total:6.3f} s")
        verdict = "within" if worst < BUDGET_SECONDS else "OVER"
        print(f"budget {BUDGET_SECONDS:.0f} s for {len(pairs)} rows incl. preview: {verdict}")
        if worst >= BUDGET_SECONDS:
            sys.exit(1)


if __name__ == "__main__":
    main()
