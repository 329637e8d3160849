"""Benchmark of both uploads (yearly figures and the disbursement register) through the upload
pipeline: the preview (dry run) and the confirmation (the real import), at 1,000 and
10,000 rows, as the services run them and, for the disbursements, as a person does it on the web
page (upload -> preview page -> confirm -> redirect), in production settings.

Budgets (design.md, "Budgets"): a figures upload of 1,000 rows under 5 s including the
preview; 10,000 disbursement rows under 5 s including the preview, with queries that do not grow
per row. Run from the project root:

    .venv/bin/python bench/bench_import.py [--rows 1000 10000] [--runs 3] [--only disbursements]
    bin/with-postgres .venv/bin/python bench/bench_import.py --postgres

It builds a throwaway SQLite database in a temporary directory (VAR_DIR, STATIC_ROOT),
migrates it and collects the static files, with production settings (DEBUG off, a
random SECRET_KEY: Django's debug cursor, which logs every query, would add about a
tenth); --debug runs with DEBUG on. It adds synthetic provinces (codes 30-99, which the
reference data leaves free), one synthetic cluster whose memberships hold the rows and a
directory of 200 cooperatives. For each importer and size it prints the median time of
the runs, the SQL queries and the peak Python memory (tracemalloc, measured in a
separate run so that it does not slow the timed ones). A figures row is one
province-year: the synthetic cluster holds at most 70 codes x 20 years = 1,400 of them,
so the figures file of "10,000 rows" is 1,400 rows (and a real 10,000-row figures file
is refused by the 5,000-row limit).
"""

import argparse
import datetime
import io
import os
import re
import statistics
import sys
import tempfile
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUDGET_SECONDS = 5.0
FIRST_CODE, FIRST_YEAR, LAST_YEAR = 30, 2005, 2024
CODES_AVAILABLE = 70
DISBURSEMENT_YEAR = 2024
DIRECTORY_SIZE = 200


def setup_django(var_dir: str, *, debug: bool, postgres: bool = False) -> None:
    import secrets

    if not postgres:
        os.environ.pop("DATABASE_URL", None)  # the throwaway SQLite database
    elif not os.environ.get("DATABASE_URL"):
        sys.exit("--postgres needs DATABASE_URL (bin/with-postgres sets it)")
    os.environ.update(
        VAR_DIR=var_dir,
        STATIC_ROOT=os.path.join(var_dir, "static"),
        DEBUG="1" if debug else "0",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="testserver",
        SECURE_SSL_REDIRECT="0",
        LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="cluster_portal.settings",
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    if not debug:
        call_command("collectstatic", interactive=False, verbosity=0)


def importers():
    """The two import services and the figures column layout: the pipeline's entry points,
    or the modules before the pipeline (so the same script measures both)."""
    try:
        from provinces.disbursements.excel import disbursements_import
        from provinces.figures.excel import COLUMN_LABELS, COLUMNS, figures_import
    except ImportError:
        from provinces.disbursement_io import disbursements_import
        from provinces.figures_io import COLUMN_LABELS, COLUMNS, figures_import
    return figures_import, disbursements_import, COLUMNS, COLUMN_LABELS


def synthetic_cluster():
    from provinces.disbursements.models import Cooperative
    from provinces.organisation.models import Cluster, ClusterMembership, ClusterTerm, Province

    cluster = Cluster.objects.create(
        slug="bench", name="Cụm đo hiệu năng", from_year=FIRST_YEAR, to_year=LAST_YEAR
    )
    provinces = Province.objects.bulk_create(
        Province(code=f"{FIRST_CODE + i:02d}", name=f"Tỉnh thử {FIRST_CODE + i}")
        for i in range(CODES_AVAILABLE)
    )
    ClusterMembership.objects.bulk_create(
        ClusterMembership(cluster=cluster, province=p, from_year=FIRST_YEAR, to_year=LAST_YEAR)
        for p in provinces
    )
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        ClusterTerm.objects.create(cluster=cluster, year=year, head=provinces[0], vice=provinces[1])
    for i in range(DIRECTORY_SIZE):
        cooperative = Cooperative(
            province=provinces[i % len(provinces)], name=f"HTX Bản Thử {i}", kind="HTX"
        )
        cooperative.full_clean()
        cooperative.save()
    return provinces


def figures_pairs(provinces, rows: int) -> list[tuple[str, int]]:
    pairs = [(p.code, y) for y in range(FIRST_YEAR, LAST_YEAR + 1) for p in provinces]
    return pairs[:rows]


def _xlsx(header: list, rows) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()  # as Excel saves it: <dimension> first in the sheet
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def figures_file(pairs, columns, labels, *, bump: int = 0) -> bytes:
    """The template layout (codes, labels, then data); a quarter of the amounts typed as
    Vietnamese text ("1.637,5") to exercise the parser as well as numeric cells."""

    def rows():
        yield [labels[c] for c in columns]
        for i, (code, year) in enumerate(pairs):
            revenue = Decimal("1637.5") + i % 7
            text = f"{revenue:,.1f}".replace(",", " ").replace(".", ",").replace(" ", ".")
            yield [
                code,
                year,
                10 + bump,
                160 + i % 50,
                1300 + i,
                110,
                Decimal("236.8"),
                Decimal("43.7"),
                5 + bump,
                60 + i % 30,
                3100 + i,
                text if i % 4 == 0 else revenue,
                Decimal("177"),
                1100,
                Decimal("51.3"),
                4,
                9,
                19,
                196,
                8,
                680,
            ]

    return _xlsx(list(columns), rows())


def disbursements_file(provinces, rows: int) -> bytes:
    """Disbursements of 2024: three in four to a cooperative of the directory, one in four to a
    new borrower; dates as Excel dates and as dd/mm/yyyy text, amounts as numbers and text."""

    def lines():
        start = datetime.date(DISBURSEMENT_YEAR, 1, 1)
        for i in range(rows):
            province = provinces[i % DIRECTORY_SIZE % len(provinces)]
            borrower = f"HTX Bản Thử {i % DIRECTORY_SIZE}" if i % 4 else f"HTX Mới {i}"
            day = start + datetime.timedelta(days=i % 330)
            yield [
                province.code,
                "htx_dev" if i % 3 else "other",
                day if i % 2 else day.strftime("%d/%m/%Y"),
                borrower,
                "HTX",
                "1.250,5" if i % 5 == 0 else Decimal(100 + i % 900),
                "Mua máy sấy nông sản",
            ]

    header = ["province", "fund", "date", "borrower", "borrower_type", "amount", "purpose"]
    return _xlsx(header, lines())


class WebFlow:
    """The import page as a person uses it: upload (the preview page), then confirm (a
    redirect to the register). Each step returns an object with `ok` and `errors`."""

    URL = "/disbursements/import/"

    def __init__(self, user, data: bytes):
        from django.test import Client

        self.client, self.data, self.token = Client(), data, ""
        self.client.force_login(user)

    def preview(self):
        from django.core.files.uploadedfile import SimpleUploadedFile

        response = self.client.post(self.URL, {"file": SimpleUploadedFile("b.xlsx", self.data)})
        found = re.search(rb'name="token" value="([0-9a-f]+)"', response.content)
        self.token = found[1].decode() if response.status_code == 200 and found else ""
        return Step(response.status_code == 200 and bool(self.token), response)

    def confirm(self):
        response = self.client.post(self.URL, {"confirm": "1", "token": self.token})
        return Step(response.status_code == 302, response)


class Step:
    def __init__(self, ok: bool, response):
        self.ok = ok
        self.errors = [] if ok else [f"HTTP {response.status_code}"]


def timed(function) -> tuple[float, float, int, object]:
    """Wall time, CPU time of this process (less disturbed by other processes on a shared
    machine), the SQL queries and the result of `function()`."""
    from django.db import connection

    executed = []

    def count(execute, sql, params, many, context):
        executed.append(1)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        start, cpu = time.perf_counter(), time.process_time()
        result = function()
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    return elapsed, cpu, len(executed), result


def peak_mb(prepare, function) -> float:
    prepare()
    tracemalloc.start()
    try:
        function()
        return tracemalloc.get_traced_memory()[1] / (1024 * 1024)
    finally:
        tracemalloc.stop()


def measure(label: str, runs: int, prepare, function) -> dict:
    times, cpus, queries = [], [], []
    for _ in range(runs):
        prepare()
        elapsed, cpu, count, report = timed(function)
        if not report.ok:
            print(f"| {label:<34} | {elapsed:7.3f} | | {count:>7} | refused: {report.errors[0]} |")
            return {"label": label, "median": float("inf"), "cpu": float("inf"), "queries": count}
        times.append(elapsed)
        cpus.append(cpu)
        queries.append(count)
    result = {
        "label": label,
        "median": statistics.median(times),
        "cpu": statistics.median(cpus),
        "queries": int(statistics.median(queries)),
        "peak": peak_mb(prepare, function),
    }
    print(
        f"| {label:<34} | {result['median']:7.3f} | {result['cpu']:7.3f} | {result['queries']:>7} "
        f"| {result['peak']:7.1f} |",
        flush=True,
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", choices=["figures", "disbursements"])
    parser.add_argument("--debug", action="store_true", help="DEBUG on (query logging)")
    parser.add_argument(
        "--postgres", action="store_true", help="the empty database of DATABASE_URL instead"
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-import-") as var_dir:
        setup_django(var_dir, debug=args.debug, postgres=args.postgres)
        from django.contrib.auth import get_user_model

        from provinces.disbursements.models import Cooperative, Disbursement
        from provinces.figures.models import YearlyFigures

        figures_import, disbursements_import, columns, labels = importers()
        provinces = synthetic_cluster()
        admin = get_user_model().objects.create_superuser("bench-admin", password="x")
        directory = set(Cooperative.objects.values_list("pk", flat=True))
        mode = "DEBUG on" if args.debug else "production settings"
        database = "PostgreSQL (DATABASE_URL)" if args.postgres else f"SQLite in {var_dir}"
        print(f"{database}, {mode}; median of {args.runs} runs; peak = tracemalloc")
        print("| step | median s | CPU s | queries | peak MiB |")
        print("|---|---:|---:|---:|---:|")
        over = []

        def figures(data: bytes, *, dry_run: bool):
            return lambda: figures_import(
                data=data, filename="bench.xlsx", user=admin, dry_run=dry_run
            )

        def disbursements(data: bytes, *, dry_run: bool):
            return lambda: disbursements_import(
                data=data, filename="bench.xlsx", user=admin, dry_run=dry_run
            )

        def no_figures():
            YearlyFigures.history.all().delete()
            YearlyFigures.objects.all().delete()

        def no_disbursements():
            Disbursement.history.all().delete()
            Disbursement.objects.all().delete()
            Cooperative.history.exclude(id__in=directory).delete()
            Cooperative.objects.exclude(pk__in=directory).delete()

        for rows in args.rows:
            if args.only != "disbursements":
                pairs = figures_pairs(provinces, rows)
                new, changed = (
                    figures_file(pairs, columns, labels),
                    figures_file(pairs, columns, labels, bump=1),
                )

                def filled(data=new):
                    no_figures()
                    figures_import(data=data, filename="bench.xlsx", user=admin, dry_run=False)

                n = len(pairs)
                results = [
                    measure(
                        f"figures {n}: preview, new",
                        args.runs,
                        no_figures,
                        figures(new, dry_run=True),
                    ),
                    measure(
                        f"figures {n}: confirm, new",
                        args.runs,
                        no_figures,
                        figures(new, dry_run=False),
                    ),
                    measure(
                        f"figures {n}: preview, changed",
                        args.runs,
                        filled,
                        figures(changed, dry_run=True),
                    ),
                    measure(
                        f"figures {n}: confirm, changed",
                        args.runs,
                        filled,
                        figures(changed, dry_run=False),
                    ),
                ]
                worst = max(
                    results[0]["median"] + results[1]["median"],
                    results[2]["median"] + results[3]["median"],
                )
                if n <= 1000 and worst >= BUDGET_SECONDS:
                    over.append(f"figures {n}: {worst:.2f} s")
            if args.only != "figures":
                data = disbursements_file(provinces, rows)
                # The confirmation checks the table the preview read, as the web page does.
                table = disbursements_import(
                    data=data, filename="bench.xlsx", user=admin, dry_run=True
                ).table
                page = WebFlow(admin, data)
                results = [
                    measure(
                        f"disbursements {rows}: preview",
                        args.runs,
                        no_disbursements,
                        disbursements(data, dry_run=True),
                    ),
                    measure(
                        f"disbursements {rows}: confirm",
                        args.runs,
                        no_disbursements,
                        disbursements(table, dry_run=False),
                    ),
                    measure(
                        f"disbursements {rows}: web, preview page",
                        args.runs,
                        no_disbursements,
                        page.preview,
                    ),
                    measure(
                        f"disbursements {rows}: web, confirm",
                        args.runs,
                        lambda page=page: (no_disbursements(), page.preview()),
                        page.confirm,
                    ),
                ]
                for label, (first, second) in (
                    ("preview + confirm", results[:2]),
                    ("web, both pages", results[2:]),
                ):
                    total = first["median"] + second["median"]
                    cpu = first["cpu"] + second["cpu"]
                    print(f"| disbursements {rows}: {label} | {total:7.3f} | {cpu:7.3f} | | |")
                    if total >= BUDGET_SECONDS:
                        over.append(f"disbursements {rows}, {label}: {total:.2f} s")
        if over:
            print(f"OVER the {BUDGET_SECONDS:.0f} s budget: {', '.join(over)}")
            sys.exit(1)
        print(f"within the {BUDGET_SECONDS:.0f} s budgets")


if __name__ == "__main__":
    main()
