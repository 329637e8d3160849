"""Reads of the fund-disbursement register (the page and the API) and its yearly totals."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Sum

from provinces.disbursements.models import Disbursement, Fund
from provinces.organisation.models import Province
from provinces.organisation.selectors import ProvinceYear, merged_into


def disbursement_units(py: ProvinceYear) -> list[Province]:
    """The province, and the units that merged into it during that year: their disbursements of
    the year appear in its register (each still recorded against its own unit)."""
    return [py.province, *merged_into([py.province], py.year).get(py.province.pk, [])]


def province_disbursements(py: ProvinceYear, *, fund: str = ""):
    """The disbursements of a province's register for the year, newest first (one query)."""
    disbursements = (
        Disbursement.objects.in_year(py.year)
        .filter(province__in=disbursement_units(py))
        .select_related("borrower", "province")
        .order_by("-date", "-pk")
    )
    return disbursements.filter(fund=fund) if fund in Fund.values else disbursements


def disbursements_deleted_since(py: ProvinceYear, *, since) -> list[int]:
    """The ids of the disbursements of a province's register for the year deleted since
    `since` (their history's last entry), for a system that keeps a copy in step."""
    return sorted(
        set(
            Disbursement.history.filter(
                history_type="-",
                history_date__gte=since,
                province__in=disbursement_units(py),
                date__year=py.year,
            ).values_list("id", flat=True)
        )
    )


@dataclass
class FundTotals:
    count: int = 0
    amount: Decimal = Decimal(0)

    def add(self, count: int, amount: Decimal) -> None:
        self.count += count
        self.amount += amount


@dataclass
class DisbursementTotals:
    """Number of disbursements and amount, all funds and the HTX development fund alone, per
    member province and for the cluster. A province formed by a merger during the year
    also carries its predecessors' disbursements of that year (each disbursement stays recorded
    against the unit valid on its date)."""

    year: int
    all_funds: dict[int, FundTotals] = field(default_factory=lambda: defaultdict(FundTotals))
    htx_dev: dict[int, FundTotals] = field(default_factory=lambda: defaultdict(FundTotals))
    cluster_all: FundTotals = field(default_factory=FundTotals)
    cluster_htx_dev: FundTotals = field(default_factory=FundTotals)


def disbursement_totals(*, provinces: list[Province], year: int) -> DisbursementTotals:
    """Two queries whatever the number of provinces and disbursements."""
    member_ids = {p.pk for p in provinces}
    counted_for = {p.pk: p.pk for p in provinces}
    for successor_id, predecessors in merged_into(provinces, year).items():
        for predecessor in predecessors:
            counted_for.setdefault(predecessor.pk, successor_id)
    rows = (
        Disbursement.objects.in_year(year)
        .filter(province__in=counted_for)
        .values("province", "fund")
        .annotate(count=Count("pk"), amount=Sum("amount"))
        .order_by()
    )
    totals = DisbursementTotals(year=year)
    for row in rows:
        member = counted_for[row["province"]]
        if member not in member_ids:
            continue
        totals.all_funds[member].add(row["count"], row["amount"])
        totals.cluster_all.add(row["count"], row["amount"])
        if row["fund"] == Fund.HTX_DEV:
            totals.htx_dev[member].add(row["count"], row["amount"])
            totals.cluster_htx_dev.add(row["count"], row["amount"])
    return totals
