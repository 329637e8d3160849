"""The public facts the portal ships as initial data (copied from the shared reference).

The loaders take the model classes as arguments so that the data migrations can pass
their historical models and `seed_demo` the real ones. They are idempotent: running them
again changes nothing.
"""

import csv
import datetime
from pathlib import Path

from provinces.organisation.dates import year_end

REFERENCE_DIR = Path(__file__).resolve().parent / "reference"


def read_rows(name: str) -> list[dict[str, str]]:
    with open(REFERENCE_DIR / name, encoding="utf-8", newline="") as handle:
        return [
            {key: value.strip() for key, value in row.items()} for row in csv.DictReader(handle)
        ]


def _date(text: str) -> datetime.date | None:
    return datetime.date.fromisoformat(text) if text else None


def _unit_valid_on(Province, code: str, day: datetime.date):
    units = [
        unit
        for unit in Province.objects.filter(code=code)
        if (unit.valid_from is None or unit.valid_from <= day)
        and (unit.valid_to is None or day <= unit.valid_to)
    ]
    if len(units) != 1:
        raise ValueError(f"reference data: code {code} means {len(units)} units on {day}")
    return units[0]


def load_provinces(Province) -> None:
    rows = read_rows("provinces.csv")
    for row in rows:
        Province.objects.update_or_create(
            code=row["code"],
            valid_from=_date(row["valid_from"]),
            defaults={"name": row["name"], "valid_to": _date(row["valid_to"]), "note": row["note"]},
        )
    for row in rows:
        if not row["successor_code"]:
            continue
        unit = Province.objects.get(code=row["code"], valid_from=_date(row["valid_from"]))
        unit.successor = _unit_valid_on(
            Province, row["successor_code"], unit.valid_to + datetime.timedelta(days=1)
        )
        unit.save(update_fields=["successor"])


def load_clusters(Cluster, ClusterMembership, Province) -> None:
    for row in read_rows("clusters.csv"):
        from_year = int(row["from_year"])
        to_year = int(row["to_year"]) if row["to_year"] else None
        cluster, _ = Cluster.objects.update_or_create(
            slug=row["cluster"],
            defaults={"name": row["name"], "from_year": from_year, "to_year": to_year},
        )
        for code in row["members"].split():
            ClusterMembership.objects.update_or_create(
                cluster=cluster,
                province=_unit_valid_on(Province, code, year_end(from_year)),
                from_year=from_year,
                defaults={"to_year": to_year},
            )


def load_terms(ClusterTerm, Cluster, Province) -> None:
    for row in read_rows("cluster_terms.csv"):
        year = int(row["year"])
        ClusterTerm.objects.update_or_create(
            cluster=Cluster.objects.get(slug=row["cluster"]),
            year=year,
            defaults={
                "head": _unit_valid_on(Province, row["head"], year_end(year)),
                "vice": _unit_valid_on(Province, row["vice"], year_end(year))
                if row["vice"]
                else None,
            },
        )
