from dataclasses import dataclass, field

from provinces.organisation.models import Cluster, ClusterMembership, ClusterTerm, Province
from provinces.organisation.selectors import cluster_members, province_for_code, term_for

from .aggregation import combine
from .models import FiguresStatus, YearlyFigures
from .rules import figures_warnings


@dataclass
class ProvinceYear:
    """A province as it stood in one year: its cluster, that year's term, the cluster's
    members, and its figures (None when nothing was entered yet)."""

    province: Province
    year: int
    cluster: Cluster | None = None
    term: ClusterTerm | None = None
    member_ids: set[int] = field(default_factory=set)
    figures: YearlyFigures | None = None


def province_year(code: str, year: int) -> ProvinceYear | None:
    """Everything a figures page needs about code `code` in `year`, in a fixed number of
    queries; None when the code means no unit that year."""
    province = province_for_code(code, year)
    if province is None:
        return None
    py = ProvinceYear(province=province, year=year)
    membership = (
        ClusterMembership.objects.in_year(year).filter(province=province).select_related("cluster")
    ).first()
    if membership is not None:
        py.cluster = membership.cluster
        py.member_ids = set(
            ClusterMembership.objects.in_year(year)
            .filter(cluster=membership.cluster)
            .values_list("province_id", flat=True)
        )
        py.term = ClusterTerm.objects.filter(cluster=membership.cluster, year=year).first()
    py.figures = YearlyFigures.objects.filter(province=province, year=year).first()
    if py.figures is not None:
        py.figures.province = province
    return py


@dataclass
class PreviousYear:
    """What a province-year compares with: the same unit a year earlier or, for a unit
    formed by a merger, its predecessors combined. `partial` when a predecessor has no
    figures for that year (the comparison would understate)."""

    values: dict | None
    units: list[Province]
    merged: bool = False
    partial: bool = False
    missing: list[Province] = field(default_factory=list)


def previous_years(provinces: list[Province], year: int) -> dict[int, PreviousYear]:
    """What each province's figures of `year` compare with, by province id. At most two
    queries whatever the number of provinces."""
    predecessors: dict[int, list[Province]] = {}
    formed_since = [p for p in provinces if not p.is_valid_in(year - 1)]
    if formed_since:  # only units formed by a merger need their predecessors looked up
        for unit in Province.objects.filter(successor__in=formed_since).valid_in(year - 1):
            predecessors.setdefault(unit.successor_id, []).append(unit)
    compared = {
        province.pk: (
            [province]
            if province.is_valid_in(year - 1)
            else sorted(predecessors.get(province.pk, []), key=lambda p: p.sort_key)
        )
        for province in provinces
    }
    found = {
        f.province_id: f.values()
        for f in YearlyFigures.objects.filter(
            province__in=[u for units in compared.values() for u in units], year=year - 1
        )
    }
    result = {}
    for province in provinces:
        units = compared[province.pk]
        present = [found[u.pk] for u in units if u.pk in found]
        missing = [u for u in units if u.pk not in found]
        merged = units != [province]
        if not present:
            values = None
        elif not merged:
            values = present[0]
        else:
            values = combine(present)
        result[province.pk] = PreviousYear(
            values=values,
            units=units,
            merged=merged,
            partial=bool(present) and bool(missing),
            missing=missing,
        )
    return result


def previous_year(province: Province, year: int) -> PreviousYear:
    return previous_years([province], year)[province.pk]


@dataclass
class FiguresRow:
    province: Province
    figures: YearlyFigures | None
    warnings: list = field(default_factory=list)


@dataclass
class ClusterFiguresYear:
    """The year page of a cluster: one row per member with its figures and warnings."""

    cluster: Cluster
    year: int
    term: ClusterTerm | None
    rows: list[FiguresRow]

    @property
    def members(self) -> list[Province]:
        return [row.province for row in self.rows]

    @property
    def member_ids(self) -> set[int]:
        return {row.province.pk for row in self.rows}

    def _count(self, *statuses: str) -> int:
        return sum(1 for row in self.rows if row.figures and row.figures.status in statuses)

    @property
    def submitted_count(self) -> int:
        return self._count(FiguresStatus.SUBMITTED, FiguresStatus.APPROVED)

    @property
    def approved_count(self) -> int:
        return self._count(FiguresStatus.APPROVED)

    @property
    def total(self) -> int:
        return len(self.rows)


def cluster_figures_year(cluster: Cluster, year: int) -> ClusterFiguresYear:
    """Four queries whatever the number of members."""
    members = cluster_members(cluster, year)
    term = term_for(cluster, year)
    figures = {
        f.province_id: f
        for f in YearlyFigures.objects.filter(province__in=members, year=year).select_related(
            "submitted_by", "approved_by"
        )
    }
    previous = {
        f.province_id: f.values()
        for f in YearlyFigures.objects.filter(province__in=members, year=year - 1)
    }
    rows = []
    for province in members:
        record = figures.get(province.pk)
        if record is not None:
            record.province = province
        warnings = figures_warnings(record.values(), previous.get(province.pk)) if record else []
        rows.append(FiguresRow(province=province, figures=record, warnings=warnings))
    return ClusterFiguresYear(cluster=cluster, year=year, term=term, rows=rows)
