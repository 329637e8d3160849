"""Reads of the award-history register: a province's page, and the awards each nominee
of a dossier has received (its achievement report's table)."""

from collections import defaultdict

from provinces.disbursements.models import Cooperative
from provinces.organisation.models import Province

from .models import AwardRecord


def register_of(province: Province) -> list[AwardRecord]:
    """The province's rows (its alliance's and its cooperatives'), newest year first.
    One query."""
    return list(
        AwardRecord.objects.of_province(province)
        .select_related("alliance", "cooperative__province")
        .order_by("-year", "cooperative__name", "decision_date", "pk")
    )


def awards_received(
    *, alliance_ids: list[int], cooperative_ids: list[int]
) -> dict[tuple[str, int], list[AwardRecord]]:
    """Every unit's rows, by ("alliance" | "cooperative", id), oldest year first (the order
    of the report's table). One query whatever the number of units."""
    rows = AwardRecord.objects.filter(alliance_id__in=alliance_ids) | AwardRecord.objects.filter(
        cooperative_id__in=cooperative_ids
    )
    found: dict[tuple[str, int], list[AwardRecord]] = defaultdict(list)
    for record in rows.order_by("year", "decision_date", "pk"):
        key = ("alliance", record.alliance_id) if record.alliance_id else None
        found[key or ("cooperative", record.cooperative_id)].append(record)
    return found


def directory_cooperative(province: Province, name: str) -> Cooperative | None:
    """The province's cooperative named `name` in its directory (accents and case aside),
    as the register's form and the API find it. One query."""
    return Cooperative.objects.filter(province=province).matching(name).first()
