"""Reads of the award-history register: a province's page, and the awards each nominee
of a dossier has received (its achievement report's table)."""

from collections import defaultdict

from django.db.models import Q

from provinces.disbursements.models import Cooperative
from provinces.organisation.models import Province

from .models import AwardRecord, of_province_q


def register_of(province: Province) -> list[AwardRecord]:
    """The province's rows (its alliance's and its cooperatives'), newest year first.
    One query."""
    return list(
        AwardRecord.objects.of_province(province)
        .select_related("alliance", "cooperative__province", "person", "household")
        .order_by("-year", "cooperative__name", "decision_date", "pk")
    )


def awards_received(
    *,
    alliance_ids: list[int],
    cooperative_ids: list[int],
    person_ids: list[int] = (),
    household_ids: list[int] = (),
) -> dict[tuple[str, int], list[AwardRecord]]:
    """Every unit's rows, by (kind, id) with kind one of `UNIT_KINDS`, oldest year first
    (the order of the report's table). One query whatever the number of units."""
    wanted = {
        "alliance": alliance_ids,
        "cooperative": cooperative_ids,
        "person": person_ids,
        "household": household_ids,
    }
    condition = Q(pk__in=[])
    for kind, ids in wanted.items():
        if ids:
            condition |= Q(**{f"{kind}_id__in": list(ids)})
    found: dict[tuple[str, int], list[AwardRecord]] = defaultdict(list)
    for record in AwardRecord.objects.filter(condition).order_by("year", "decision_date", "pk"):
        kind = record.unit_kind
        found[(kind, getattr(record, f"{kind}_id"))].append(record)
    return found


def directory_cooperative(province: Province, name: str) -> Cooperative | None:
    """The province's cooperative named `name` in its directory (accents and case aside),
    as the register's form and the API find it. One query."""
    return Cooperative.objects.filter(province=province).matching(name).first()


def register_changed_since(province: Province, since) -> set[int]:
    """The ids of the province's rows written or deleted since `since` (their history):
    what a copy kept in step may have to drop. One query."""
    history = AwardRecord.history.filter(of_province_q(province), history_date__gte=since)
    return set(history.values_list("id", flat=True))
