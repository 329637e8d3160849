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


def upsert(Model, lookup: dict, values: dict):
    """The row of `lookup` with `values`: created, or changed only where it differs.

    A change moves the row's version (where the model has one), so that an admin form
    opened on the old row is refused as stale instead of writing over the reference data;
    a row that already holds the values is not saved at all (loading again changes
    nothing, not even the history).
    """
    row = Model.objects.filter(**lookup).first()
    if row is None:
        return Model.objects.create(**lookup, **values), True
    changed = [name for name, value in values.items() if getattr(row, name) != value]
    if changed:
        for name in changed:
            setattr(row, name, values[name])
        if any(field.name == "version" for field in Model._meta.concrete_fields):
            row.version += 1
            changed.append("version")
        row.save(update_fields=changed)
    return row, False


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
        upsert(
            Province,
            {"code": row["code"], "valid_from": _date(row["valid_from"])},
            {"name": row["name"], "valid_to": _date(row["valid_to"]), "note": row["note"]},
        )
    for row in rows:
        if not row["successor_code"]:
            continue
        unit = Province.objects.get(code=row["code"], valid_from=_date(row["valid_from"]))
        successor = _unit_valid_on(
            Province, row["successor_code"], unit.valid_to + datetime.timedelta(days=1)
        )
        upsert(Province, {"pk": unit.pk}, {"successor": successor})


def load_clusters(Cluster, ClusterMembership, Province) -> None:
    for row in read_rows("clusters.csv"):
        from_year = int(row["from_year"])
        to_year = int(row["to_year"]) if row["to_year"] else None
        cluster, _ = upsert(
            Cluster,
            {"slug": row["cluster"]},
            {"name": row["name"], "from_year": from_year, "to_year": to_year},
        )
        for code in row["members"].split():
            upsert(
                ClusterMembership,
                {
                    "cluster": cluster,
                    "province": _unit_valid_on(Province, code, year_end(from_year)),
                    "from_year": from_year,
                },
                {"to_year": to_year},
            )


def load_terms(ClusterTerm, Cluster, Province) -> None:
    for row in read_rows("cluster_terms.csv"):
        year = int(row["year"])
        upsert(
            ClusterTerm,
            {"cluster": Cluster.objects.get(slug=row["cluster"]), "year": year},
            {
                "head": _unit_valid_on(Province, row["head"], year_end(year)),
                "vice": _unit_valid_on(Province, row["vice"], year_end(year))
                if row["vice"]
                else None,
            },
        )
