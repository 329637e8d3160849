import datetime
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from django.db.models import Q, Subquery

from cluster_portal import access
from provinces.calendar.models import Deadlines
from provinces.organisation.models import Cluster, ClusterMembership, ClusterTerm, Province
from provinces.organisation.selectors import (
    ProvinceYear,
    cluster_members,
    members_changed_since,
    merged_into,
    province_in_year,
    term_for,
)

from .aggregation import combine
from .models import FiguresStatus, YearlyFigures
from .rules import figures_warnings
from .timeliness import LateReport, figures_late_report


def province_year(code: str, year: int) -> ProvinceYear | None:
    """Everything a figures page needs about code `code` in `year`, in a fixed number of
    queries; None when the code means no unit that year."""
    py = province_in_year(code, year)
    if py is None:
        return None
    py.figures = YearlyFigures.objects.filter(province=py.province, year=year).first()
    if py.figures is not None:
        py.figures.province = py.province
    return py


def previous_values(figures: YearlyFigures) -> dict | None:
    """The same unit's figures of the year before, for comparison and warnings."""
    previous = YearlyFigures.objects.filter(
        province_id=figures.province_id, year=figures.year - 1
    ).first()
    return previous.values() if previous else None


# The read rule on every path --------------------------------------------------------------
#
# Every read of yearly figures that shows values (pages, the report in every format, its
# charts, previous-year comparisons, exports) goes through `readable_figures`: the decision
# itself is `access.can_view_figures`, asked here with each record's own cluster-year.


@dataclass
class ReadableFigures:
    """Records of one year a user may read, by province id, and the units whose record
    exists but is withheld from this user (not yet approved)."""

    records: dict[int, YearlyFigures] = field(default_factory=dict)
    withheld: list[Province] = field(default_factory=list)

    def get(self, province_id: int) -> YearlyFigures | None:
        return self.records.get(province_id)


@dataclass
class _Context:
    cluster: Cluster | None
    term: ClusterTerm | None
    member_ids: set[int]


def _cluster_years_of(province_ids: set[int], year: int) -> dict[int, _Context]:
    """The cluster-year each province belonged to in `year`: two queries."""
    clusters_of_them = (
        ClusterMembership.objects.in_year(year)
        .filter(province_id__in=province_ids)
        .values("cluster_id")
    )
    memberships = (
        ClusterMembership.objects.in_year(year)
        .filter(cluster_id__in=Subquery(clusters_of_them))
        .select_related("cluster")
    )
    members: dict[int, set[int]] = {}
    cluster_of: dict[int, Cluster] = {}
    for membership in memberships:
        members.setdefault(membership.cluster_id, set()).add(membership.province_id)
        cluster_of[membership.province_id] = membership.cluster
    terms = {
        term.cluster_id: term
        for term in ClusterTerm.objects.filter(year=year, cluster_id__in=Subquery(clusters_of_them))
    }
    contexts = {}
    for province_id in province_ids:
        cluster = cluster_of.get(province_id)
        contexts[province_id] = _Context(
            cluster=cluster,
            term=terms.get(cluster.pk) if cluster else None,
            member_ids=members.get(cluster.pk, set()) if cluster else set(),
        )
    return contexts


def readable_figures(
    user,
    *,
    records: Iterable[YearlyFigures],
    year: int,
    cluster: Cluster | None = None,
    term: ClusterTerm | None = None,
    member_ids: set[int] | None = None,
) -> ReadableFigures:
    """The records of `year` that `user` may read (`access.can_view_figures`), and the
    units whose record is withheld. `user=None` is the system itself (commands), which
    reads everything. Give `cluster`, `term` and `member_ids` when every record belongs to
    that one cluster-year (no query); otherwise each record's cluster-year is looked up
    (two queries), so a predecessor's record is judged in its own cluster-year."""
    records = list(records)
    result = ReadableFigures()
    if not records:
        return result
    if user is None or access.is_admin(user):
        result.records = {record.province_id: record for record in records}
        return result
    if member_ids is not None:
        context = _Context(cluster=cluster, term=term, member_ids=member_ids)
        contexts = {record.province_id: context for record in records}
    else:
        contexts = _cluster_years_of({record.province_id for record in records}, year)
    for record in records:
        context = contexts[record.province_id]
        py = ProvinceYear(
            province=record.province,
            year=year,
            cluster=context.cluster,
            term=context.term,
            member_ids=context.member_ids,
            figures=record,
        )
        if access.can_view_figures(user, py):
            result.records[record.province_id] = record
        else:
            result.withheld.append(record.province)
    result.withheld.sort(key=lambda p: p.sort_key)
    return result


@dataclass
class PreviousYear:
    """What a province-year compares with: the same unit a year earlier or, for a unit
    formed by a merger, its predecessors combined. `partial` when a predecessor has no
    figures for that year, or its figures are withheld from the reader (the comparison
    would understate). `unapproved`: units whose not-yet-approved figures are included
    (only for those who read every state), to be marked."""

    values: dict | None
    units: list[Province]
    merged: bool = False
    partial: bool = False
    missing: list[Province] = field(default_factory=list)
    withheld: list[Province] = field(default_factory=list)
    unapproved: list[Province] = field(default_factory=list)


def previous_years(
    provinces: list[Province],
    year: int,
    *,
    user,
    approved_only: bool = False,
    states: Collection[str] | None = None,
) -> dict[int, PreviousYear]:
    """What each province's figures of `year` compare with, by province id, limited to
    the records of `year - 1` that `user` may read (each judged in its own cluster-year;
    `user=None`: everything, for commands), or only approved ones (`approved_only`, for
    documents sent outside the cluster). `states`: only records in these states count, the
    others are withheld whoever reads (the annual report, the same for every reader: give
    `user=None`). At most four queries whatever the number of provinces."""
    formed_since = [p for p in provinces if not p.is_valid_in(year - 1)]
    # Only units formed by a merger need their predecessors looked up.
    predecessors = merged_into(formed_since, year) if formed_since else {}
    compared = {
        province.pk: (
            [province] if province.is_valid_in(year - 1) else predecessors.get(province.pk, [])
        )
        for province in provinces
    }
    units_by_id = {u.pk: u for units in compared.values() for u in units}
    records = YearlyFigures.objects.filter(province__in=list(units_by_id), year=year - 1)
    records = records.order_by()  # read by province: no ordering (the model's joins it)
    if approved_only:
        records = records.filter(status=FiguresStatus.APPROVED)
    records = list(records)
    for record in records:
        record.province = units_by_id[record.province_id]
    readable = readable_figures(
        user,
        records=[r for r in records if states is None or r.status in states],
        year=year - 1,
    )
    if states is not None:
        readable.withheld += [r.province for r in records if r.status not in states]
    found = {pid: record.values() for pid, record in readable.records.items()}
    withheld_ids = {unit.pk for unit in readable.withheld}
    result = {}
    for province in provinces:
        units = compared[province.pk]
        present = [found[u.pk] for u in units if u.pk in found]
        missing = [u for u in units if u.pk not in found and u.pk not in withheld_ids]
        withheld = [u for u in units if u.pk in withheld_ids]
        unapproved = [
            u for u in units if u.pk in readable.records and not readable.records[u.pk].is_locked
        ]
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
            partial=bool(present) and bool(missing or withheld),
            missing=missing,
            withheld=withheld,
            unapproved=unapproved,
        )
    return result


def previous_year(province: Province, year: int, *, user) -> PreviousYear:
    return previous_years([province], year, user=user)[province.pk]


@dataclass
class FiguresRow:
    """One member on the year page. `figures`: the record when the reader may read it;
    `progress`: the record whatever its state, for the workflow columns only (status,
    who submitted, when): never show its values."""

    province: Province
    figures: YearlyFigures | None
    progress: YearlyFigures | None = None
    warnings: list = field(default_factory=list)

    @property
    def withheld(self) -> bool:
        return self.progress is not None and self.figures is None


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
        return sum(1 for row in self.rows if row.progress and row.progress.status in statuses)

    @property
    def submitted_count(self) -> int:
        return self._count(FiguresStatus.SUBMITTED, FiguresStatus.APPROVED)

    @property
    def approved_count(self) -> int:
        return self._count(FiguresStatus.APPROVED)

    @property
    def total(self) -> int:
        return len(self.rows)


def cluster_figures_year(
    cluster: Cluster, year: int, *, user, members: list[Province] | None = None, term=None
) -> ClusterFiguresYear:
    """Three queries whatever the number of members (one when the caller already has the
    members and term). Warnings only for the records `user` may read, against the same
    member's record of the year before."""
    if members is None:
        members = cluster_members(cluster, year)
        term = term_for(cluster, year)
    by_id = {p.pk: p for p in members}
    records, before = [], {}
    for record in (
        YearlyFigures.objects.filter(province__in=members, year__in=[year - 1, year])
        .select_related("submitted_by", "approved_by")
        .order_by()  # read by province: no ordering (the model's joins the province)
    ):
        if record.year == year:
            record.province = by_id[record.province_id]
            records.append(record)
        else:
            before[record.province_id] = record
    progress = {record.province_id: record for record in records}
    readable = readable_figures(
        user, records=records, year=year, cluster=cluster, term=term, member_ids=set(by_id)
    )
    previous = {pk: before[pk].values() for pk in readable.records if pk in before}
    rows = []
    for province in members:
        record = readable.get(province.pk)
        warnings = figures_warnings(record.values(), previous.get(province.pk)) if record else []
        rows.append(
            FiguresRow(
                province=province,
                figures=record,
                progress=progress.get(province.pk),
                warnings=warnings,
            )
        )
    return ClusterFiguresYear(cluster=cluster, year=year, term=term, rows=rows)


@dataclass
class Returned:
    """Why a record is back with its province: who returned (or reopened) it, when, why."""

    action: str  # "returned" (by the chair, from submitted) or "reopened" (from approved)
    by: str  # the user's name ("" when the history does not say)
    at: object  # the history's aware datetime
    reason: str


def figures_returned(figures: YearlyFigures | None) -> Returned | None:
    """For a returned record, the history row that returned it: the oldest of the latest
    run of "returned" rows (saving a returned record keeps it returned). None otherwise."""
    if figures is None or figures.pk is None or figures.status != FiguresStatus.RETURNED:
        return None
    rows = figures.history.select_related("history_user").order_by("-history_id")
    event, before = None, None
    for row in rows.only("status", "history_date", "history_user", "history_change_reason"):
        if row.status != FiguresStatus.RETURNED:
            before = row
            break
        event = row
    if event is None:
        return None
    reopened = before is not None and before.status == FiguresStatus.APPROVED
    return Returned(
        action="reopened" if reopened else "returned",
        by=(user.get_full_name() or user.get_username()) if (user := event.history_user) else "",
        at=event.history_date,
        reason=figures.status_reason,
    )


def late_figures(
    members: list[Province],
    year: int,
    deadlines: Deadlines | None,
    *,
    now: datetime.datetime,
    records: dict[int, YearlyFigures] | None = None,
) -> dict[int, LateReport]:
    """The members (by province id) whose figures of the year count as late for the
    late-report penalty (`figures_late_report`: sent late, or missing past the due day
    whatever the record's state). One query (none with the year's `records` by province
    id, every state); none without a figures deadline."""
    if deadlines is None or deadlines.figures_due is None:
        return {}
    if records is None:
        records = {
            record.province_id: record
            for record in YearlyFigures.objects.filter(province__in=members, year=year)
            .only("province_id", "status", "submitted_at")
            .order_by()
        }
    found = {}
    for member in members:
        report = figures_late_report(records.get(member.pk), deadlines, now=now)
        if report is not None:
            found[member.pk] = report
    return found


def figures_changed_since(cluster: Cluster, year: int, since) -> set[str]:
    """The codes of the cluster's members whose record of `year` was written or deleted
    since `since`, and of the units whose membership of that year was (their history):
    what the API's list of the cluster-year's figures may have to show again or drop.
    One query."""
    records = YearlyFigures.history.filter(year=year, history_date__gte=since)
    ever = ClusterMembership.objects.filter(cluster=cluster).values("province_id")
    units = Province.objects.filter(
        Q(id__in=members_changed_since(cluster, year, since))
        | Q(id__in=records.values("province_id"), pk__in=ever)
    )
    return set(units.values_list("code", flat=True))
