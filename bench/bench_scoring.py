"""Do the scoring pages grow with the sheet? Median CPU time of the member sheet page, the
overview page and the scoring-summary PDF at the demo's size (7 members × 11 criteria)
and at 34 members × 80 criteria, and the annual report's PDF of the large cluster-year.

Run:  .venv/bin/python bench/bench_scoring.py [--runs 5]

A throwaway SQLite database (migrated, seeded with the demo), production settings
(DEBUG off, collected static files), the Django test client signed in as the demo's
admin. Both cluster-years are built the same way through the services: a signed
agreement, a target for every member on every target criterion, approved figures, every
sheet self-scored and submitted, none cross-checked (the admin sees the cross-check
inputs of a sheet). CPU time (time.process_time) and medians: the machine is shared.
The document cache is emptied before each PDF. Targets: sheet and overview at 34 × 80
within 2× their demo-size cost (printed); the summary PDF within 1.2× the report PDF of
the same cluster-year, at both sizes: the exit status is 1 when it is not.
"""

import argparse
import datetime
import os
import shutil
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORK = tempfile.mkdtemp(prefix="bench-scoring-")
os.environ.update(
    {
        "DJANGO_SETTINGS_MODULE": "cluster_portal.settings",
        "DEBUG": "0",
        "SECRET_KEY": "bench-scoring-" + "x" * 60,
        "ALLOWED_HOSTS": "testserver",
        "SECURE_SSL_REDIRECT": "0",
        "VAR_DIR": str(Path(WORK) / "var"),
        "STATIC_ROOT": str(Path(WORK) / "static"),
        "DATABASE_URL": f"sqlite:///{Path(WORK) / 'portal.sqlite3'}",
        "LOG_LEVEL": "WARNING",
    }
)

import django  # noqa: E402

django.setup()

from django.core.cache import caches  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

YEAR = 2026
SMALL_LEAVES = 11  # the demo's agreement (emulation/scoring/demo.py)
PAGE_TARGET = 2.0  # the 34 × 80 page against the demo-size page
PDF_TARGET = 1.2  # the summary PDF against the report PDF of the same cluster-year


def large_rows() -> list[tuple]:
    """80 leaf criteria: six groups of twelve scored ones (every fourth computed from the
    figures), a bonus group and a penalty group of four each."""
    computed = [
        ("target", "htx_new", "", "≥100: 2; ≥80: 1; còn lại: 0"),
        ("band", "tht_agri", "tht_total", "≥70: 2; ≥60: 1; còn lại: 0"),
        ("target", "training_courses", "", "≥100: 2; ≥80: 1; còn lại: 0"),
        ("band", "online_posts", "", "≥200: 2; ≥150: 1; còn lại: 0"),
    ]
    roman = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII"]
    rows = []
    for g in range(6):
        rows.append((roman[g], f"Nhóm tiêu chí {g + 1}", "group", "24", "", "", ""))
        for i in range(12):
            kind, indicator, denominator, bands = (
                computed[(g + i) % 4] if i % 4 == 0 else ("judged", "", "", "")
            )
            rows.append(
                (str(i + 1), f"Tiêu chí {g + 1}.{i + 1}", kind, "2", indicator, denominator, bands)
            )  # noqa: E501
    rows.append(("VII", "Điểm thưởng", "group", "4", "", "", ""))
    rows += [(str(i + 1), f"Thưởng {i + 1}", "bonus", "1", "", "", "") for i in range(4)]
    rows.append(("VIII", "Điểm trừ", "group", "0", "", "", ""))
    rows += [(str(i + 1), f"Trừ {i + 1}", "penalty", "2", "", "", "") for i in range(4)]
    return rows  # fmt: skip


def build(slug: str, codes: list[str], rows: list[tuple], total: Decimal, admin):
    """A cluster of `codes` in YEAR, its agreement signed and every sheet submitted."""
    from emulation.scoring.criteria_io import parse_criteria_rows
    from emulation.scoring.selectors import scoring_year
    from emulation.scoring.services import (
        agreement_create,
        agreement_sign,
        criteria_replace,
        targets_set,
    )
    from emulation.scoring.sheets import sheet_self_save, sheet_submit
    from provinces.figures.models import FiguresStatus, YearlyFigures
    from provinces.organisation.models import Cluster, ClusterMembership, ClusterTerm, Province
    from tests.factories import GOOD_VALUES
    from tests.scoring_helpers import HEADER
    from tests.versions import shown_version

    cluster = Cluster.objects.create(slug=slug, name=f"Cụm thử {slug}", from_year=YEAR)
    units = [
        Province.objects.create(
            code=code, name=f"Tỉnh thử {code}", valid_from=datetime.date(YEAR, 1, 1)
        )
        for code in codes
    ]
    ClusterMembership.objects.bulk_create(
        ClusterMembership(cluster=cluster, province=u, from_year=YEAR) for u in units
    )
    ClusterTerm.objects.create(cluster=cluster, year=YEAR, head=units[0], vice=units[1])
    YearlyFigures.objects.bulk_create(
        YearlyFigures(province=u, year=YEAR, status=FiguresStatus.APPROVED, **GOOD_VALUES)
        for u in units
    )
    agreement = agreement_create(cluster=cluster, year=YEAR, by=admin, total_points=total)
    parsed = parse_criteria_rows([HEADER, *rows])
    assert not parsed.errors, parsed.errors
    criteria_replace(
        agreement=agreement,
        seen_version=shown_version(agreement),
        parsed=parsed,
        members=units,
        by=admin,
    )
    data = scoring_year(cluster, YEAR)
    targets = {
        (c.pk, m.pk): Decimal(40 + i)
        for c in data.leaves
        if c.kind == "target"
        for i, m in enumerate(data.members)
    }
    targets_set(
        agreement=agreement, seen_version=shown_version(agreement), values=targets, by=admin
    )
    data = scoring_year(cluster, YEAR)
    problems = data.problems
    assert not problems, problems
    agreement_sign(
        agreement=agreement,
        seen_version=shown_version(agreement),
        data=data,
        signed_on=datetime.date(YEAR - 1, 12, 8),
        by=admin,
    )
    for n, member in enumerate(data.members):
        data = scoring_year(cluster, YEAR)
        entries = {
            c.pk: (min(c.max_points, Decimal((n + c.pk) % 5) / 2), f"Minh chứng {c.number}.")
            for c in data.leaves
            if not c.is_computed
        }
        sheet = sheet_self_save(
            data=data, province=member, entries=entries, seen_version=0, by=admin
        )
        sheet_submit(
            data=scoring_year(cluster, YEAR),
            province=member,
            seen_version=sheet.version,
            by=admin,
        )
    return cluster, units


def cpu_median(client: Client, url: str, runs: int, *, pdf: bool = False) -> float:
    times = []
    for _ in range(runs + 1):  # the first run warms the templates and imports
        if pdf:
            caches["documents"].clear()
        start = time.process_time()
        response = client.get(url)
        times.append(time.process_time() - start)
        assert response.status_code == 200, (url, response.status_code)
        if pdf:
            assert response.content[:4] == b"%PDF", url
    return statistics.median(times[1:])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--save-pdf", metavar="FILE", help="write the 34×80 summary PDF there")
    options = parser.parse_args()
    runs = options.runs
    try:
        call_command("migrate", verbosity=0)
        call_command("seed_demo", "--force", verbosity=0)
        call_command("collectstatic", "--noinput", verbosity=0)
        from django.contrib.auth import get_user_model

        from emulation.scoring.demo import CRITERIA
        from provinces.organisation.models import Province

        admin = get_user_model().objects.filter(is_superuser=True).first()
        taken = set(Province.objects.valid_in(YEAR).values_list("code", flat=True))
        free = [f"{i:02d}" for i in range(1, 100) if f"{i:02d}" not in taken]
        small, small_units = build("bench-small", free[:7], CRITERIA, Decimal(100), admin)
        large, large_units = build("bench-large", free[7:41], large_rows(), Decimal(144), admin)
        client = Client()
        client.force_login(admin)
        results = {}
        for name, cluster, units in (
            ("demo 7×11", small, small_units),
            ("34×80", large, large_units),
        ):
            base = f"/clusters/{cluster.slug}/{YEAR}/scoring/"
            results[name] = {
                "sheet": cpu_median(client, f"{base}{units[0].code}/", runs),
                "overview": cpu_median(client, base, runs),
                "summary PDF": cpu_median(client, f"{base}pdf/", runs, pdf=True),
            }
            results[name]["report PDF"] = cpu_median(
                client, f"/reports/{cluster.slug}/{YEAR}/pdf/", runs, pdf=True
            )
        if options.save_pdf:
            base = f"/clusters/{large.slug}/{YEAR}/scoring/pdf/"
            Path(options.save_pdf).write_bytes(client.get(base).content)
        print(f"median CPU time of {runs} runs (ms), load average {os.getloadavg()[0]:.1f}")
        print(f"{'':14}{'demo 7×11':>12}{'34×80':>12}{'ratio':>8}{'target':>10}")
        for page, target in (
            ("sheet", PAGE_TARGET),
            ("overview", PAGE_TARGET),
            ("summary PDF", None),
            ("report PDF", None),
        ):
            small_t, large_t = results["demo 7×11"][page], results["34×80"][page]
            ratio = large_t / small_t
            verdict = "" if target is None else ("≤ 2×" if ratio <= target else "over 2×")
            print(f"{page:14}{small_t * 1000:12.1f}{large_t * 1000:12.1f}{ratio:8.2f}{verdict:>10}")
        failed = False
        for name in results:
            ratio = results[name]["summary PDF"] / results[name]["report PDF"]
            over = ratio > PDF_TARGET
            failed |= over
            print(
                f"summary PDF / report PDF at {name}: {ratio:.2f}"
                f" ({'over' if over else 'within'} {PDF_TARGET}×)"
            )
    finally:
        shutil.rmtree(WORK, ignore_errors=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
