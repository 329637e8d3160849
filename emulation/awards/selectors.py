"""Reads of the award-history register: a province's page, and the awards each nominee
of a dossier has received (its achievement report's table)."""

from collections import defaultdict

from django.db.models import Q

from emulation.nominees.models import Household, OtherUnit, Person, tidy
from provinces.disbursements.models import Cooperative
from provinces.organisation.models import Province

from .models import AwardRecord, of_province_q


def register_of(province: Province) -> list[AwardRecord]:
    """The province's rows (its alliance's and its cooperatives'), newest year first.
    One query."""
    return list(
        AwardRecord.objects.of_province(province)
        .select_related("alliance", "cooperative__province", "other_unit", "person", "household")
        .order_by("-year", "cooperative__name", "decision_date", "pk")
    )


def awards_received(
    *,
    alliance_ids: list[int],
    cooperative_ids: list[int],
    person_ids: list[int] = (),
    household_ids: list[int] = (),
    other_unit_ids: list[int] = (),
) -> dict[tuple[str, int], list[AwardRecord]]:
    """Every unit's rows, by (kind, id) with kind one of `UNIT_KINDS`, oldest year first
    (the order of the report's table). One query whatever the number of units."""
    wanted = {
        "alliance": alliance_ids,
        "cooperative": cooperative_ids,
        "person": person_ids,
        "household": household_ids,
        "other_unit": other_unit_ids,
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


def province_person(province: Province, full_name: str, date_of_birth) -> Person | None:
    """The province's individual with this full name (case aside) and date of birth, what
    identifies a person (emulation.nominees): the register's upload finds them so. One
    query."""
    return Person.objects.filter(
        province=province, full_name__iexact=tidy(full_name), date_of_birth=date_of_birth
    ).first()


def province_household(province: Province, head_name: str, address: str) -> Household | None:
    """The province's household with this head (case aside) and address (case aside), what
    identifies a household (emulation.nominees). One query."""
    return Household.objects.filter(
        province=province, head_name__iexact=tidy(head_name), address__iexact=tidy(address)
    ).first()


def province_other_unit(province: Province, legal_name: str) -> OtherUnit | None:
    """The province's other unit with this full name (case and spacing aside). One query."""
    return OtherUnit.objects.filter(province=province, legal_name__iexact=tidy(legal_name)).first()
