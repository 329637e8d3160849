"""The national board of a year: every cluster of the Vietnam Cooperative Alliance side by
side, and the nation's totals.

Each cluster is the annual report's own `ClusterReport`, built from rows read once for all
clusters by the report's rules (`report_lines`, `report_totals`: design.md's aggregation,
approved records only, a merged member compared with its predecessors combined), so the
board's numbers for a cluster are the cluster report's. The nation's totals count each unit
once, as it stood at the end of the year (`counts_as`: a unit closed by a merger that year
counts as its successor), however many clusters list it.

One truth for every reader (design.md, "Who reads what"): approved records only, scores only
once the scoring meeting is recorded. A fixed number of queries whatever the number of
clusters, provinces and nominations (`test_national_board`'s query count at 1 and 6
clusters).
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Max
from django.utils import timezone

from emulation.nominations.models import NOMINEE_RELATED, Nomination
from emulation.reports.selectors import (
    ClusterReport,
    ProvinceLine,
    counted_states,
    report_lines,
    report_totals,
)
from emulation.review.models import DossierReview
from emulation.scoring.selectors import ScoringYear, agreements_of_year, late_note, scoring_year
from provinces.calendar.selectors import deadlines_by_cluster_year
from provinces.disbursements.selectors import DisbursementTotals, disbursement_totals
from provinces.figures.aggregation import combine
from provinces.figures.models import YearlyFigures
from provinces.figures.selectors import PreviousYear, late_figures, previous_years
from provinces.figures.timeliness import ReportingRate, figures_timeliness, reporting_rate
from provinces.organisation.models import Cluster, ClusterMembership, Province
from provinces.organisation.selectors import counts_as, terms_of


@dataclass
class Standing:
    """A member's place in its cluster's recorded scoring."""

    province: Province
    total: Decimal
    rank: int


@dataclass
class ClusterBoard:
    """One cluster on the board: its annual report's numbers, how its members reported,
    its recorded scoring, its nominations."""

    report: ClusterReport
    timeliness: dict[int, str]  # province id -> provinces.figures.timeliness.Timeliness
    nominations: list[Nomination]
    scoring: ScoringYear | None = None  # None until its scoring meeting is recorded
    review: DossierReview | None = None  # the dossier sent to the alliance, once sent

    @property
    def cluster(self) -> Cluster:
        return self.report.cluster

    @property
    def short_name(self) -> str:
        return short_cluster_name(self.cluster)

    @property
    def rate(self) -> ReportingRate:
        return reporting_rate([self.timeliness[m.pk] for m in self.report.members])

    @property
    def standings(self) -> list[Standing]:
        if self.scoring is None:
            return []
        return [
            Standing(province=s.key.province, total=s.total, rank=s.rank)
            for s in self.scoring.ranking
        ]

    @property
    def leader(self) -> Province | None:
        """The member the recorded scoring puts first (suy tôn), when one stands alone."""
        column = self.scoring.leader if self.scoring else None
        return column.province if column else None

    @property
    def score_range(self) -> tuple[Decimal, Decimal, Decimal] | None:
        """Lowest, mean and highest total of the scored members."""
        totals = [s.total for s in self.standings]
        if not totals:
            return None
        return min(totals), sum(totals) / len(totals), max(totals)


@dataclass
class NationalLine:
    """A unit counted once in the nation's totals: its approved records of the year (its own,
    and a closed unit's that counts as it), in the clusters that list it."""

    province: Province
    clusters: list[Cluster]
    records: list[YearlyFigures]
    comparison: PreviousYear

    @property
    def figures(self) -> list[YearlyFigures]:
        return self.records

    @property
    def cluster_names(self) -> str:
        return "; ".join(short_cluster_name(cluster) for cluster in self.clusters)

    @property
    def values(self) -> dict | None:
        if not self.records:
            return None
        if len(self.records) == 1:
            return self.records[0].values()
        return combine(record.values() for record in self.records)

    @property
    def previous(self) -> dict | None:
        return self.comparison.values

    @property
    def partial(self) -> bool:
        return self.comparison.partial

    @property
    def merged(self) -> bool:
        return self.comparison.merged


@dataclass
class NationalBoard:
    year: int
    clusters: list[ClusterBoard]
    lines: list[NationalLine]
    disbursements: DisbursementTotals
    totals: dict | None = None
    compared_totals: dict | None = None
    previous_totals: dict | None = None
    compared_count: int = 0
    previous_partial: bool = False
    made_at: datetime.datetime = field(default_factory=timezone.now)

    @property
    def member_count(self) -> int:
        return len(self.lines)

    @property
    def entered_count(self) -> int:
        return sum(1 for line in self.lines if line.records)

    @property
    def in_several(self) -> list[NationalLine]:
        """Units listed by more than one cluster (counted once all the same)."""
        return [line for line in self.lines if len(line.clusters) > 1]

    @property
    def merged_lines(self) -> list[NationalLine]:
        return [line for line in self.lines if line.merged and line.records]

    @property
    def comparisons(self) -> list:
        # The report's own comparison rows (indicator, this year, the year before, change).
        return ClusterReport.comparisons.fget(self)

    @property
    def agri_share(self) -> Decimal | None:
        return ClusterReport.agri_share.fget(self)

    @property
    def htx_new_per_province(self) -> Decimal | None:
        return ClusterReport.htx_new_per_province.fget(self)

    @property
    def rate(self) -> ReportingRate:
        """How the member alliances reported, each once (by its first cluster's deadline)."""
        states: dict[int, str] = {}
        for board in self.clusters:
            for pk, state in board.timeliness.items():
                states.setdefault(pk, state)
        return reporting_rate(list(states.values()))


def short_cluster_name(cluster: Cluster, width: int = 28) -> str:
    """ "Cụm thi đua số 1 Liên minh HTX các tỉnh miền núi phía Bắc" -> "Cụm số 1 miền núi phía
    Bắc": the words every cluster's name shares left out, for chart labels and table heads;
    cut at a word with "…" past `width` characters."""
    name = cluster.name
    for words in ("Cụm thi đua ", "Liên minh HTX ", "các tỉnh "):
        name = name.replace(words, "")
    name = f"Cụm {name.strip()}"
    if len(name) <= width:
        return name
    return name[: name.rfind(" ", 0, width)] + "…"


def _cluster_disbursements(members: list[Province], year: int, every: DisbursementTotals):
    """A cluster's share of the totals read for every member of every cluster."""
    totals = DisbursementTotals(year=year)
    for member in members:
        totals.all_funds[member.pk] = every.all_funds[member.pk]
        totals.htx_dev[member.pk] = every.htx_dev[member.pk]
        totals.cluster_all.add(every.all_funds[member.pk].count, every.all_funds[member.pk].amount)
        totals.cluster_htx_dev.add(every.htx_dev[member.pk].count, every.htx_dev[member.pk].amount)
    return totals


def latest_board_year() -> int:
    """The latest year with an approved record, else this year: one query."""
    latest = YearlyFigures.objects.filter(status__in=counted_states(preview=False)).aggregate(
        year=Max("year")
    )["year"]
    return latest or timezone.localdate().year


def board_filename(year: int, extension: str) -> str:
    return f"bang-tong-hop-toan-quoc-{year}.{extension}"


def national_board(year: int, *, now: datetime.datetime | None = None) -> NationalBoard:
    """Every cluster with members in `year` (by name) and the nation's totals, the same for
    every reader; at most sixteen queries whatever the number of clusters."""
    now = now or timezone.now()
    memberships = (
        ClusterMembership.objects.in_year(year)
        .select_related("cluster", "province__successor__successor")
        .order_by()
    )
    clusters: dict[int, Cluster] = {}
    members_of: dict[int, list[Province]] = {}
    for membership in memberships:
        clusters[membership.cluster_id] = membership.cluster
        members_of.setdefault(membership.cluster_id, []).append(membership.province)
    ordered = sorted(clusters.values(), key=lambda c: c.name)
    every = {p.pk: p for members in members_of.values() for p in members}
    for members in members_of.values():
        members.sort(key=lambda p: p.sort_key)

    terms = terms_of([year, year + 1]) if ordered else {}
    records = list(YearlyFigures.objects.filter(province__in=list(every), year=year).order_by())
    by_province = {record.province_id: record for record in records}
    for record in records:
        record.province = every[record.province_id]
    counted = counted_states(preview=False)
    approved = {r.province_id: r for r in records if r.status in counted}
    withheld = {r.province_id for r in records if r.status not in counted}

    # The units the nation counts: each member as it stood at the end of the year.
    units: dict[int, Province] = {}
    unit_of: dict[int, int] = {}
    for province in sorted(every.values(), key=lambda p: p.sort_key):
        unit = counts_as(province, year)
        units.setdefault(unit.pk, unit)
        unit_of[province.pk] = unit.pk
    previous = previous_years(
        list(every.values()) + [u for u in units.values() if u.pk not in every],
        year,
        user=None,
        states=counted,
    )
    disbursements = disbursement_totals(provinces=list(every.values()), year=year)
    deadlines = deadlines_by_cluster_year(clusters, [year]) if ordered else {}
    nominations: dict[int, list[Nomination]] = {}
    for nomination in (
        Nomination.objects.filter(cluster__in=ordered, year=year)
        .select_related("award_type", "achievement_report", *NOMINEE_RELATED)
        .order_by("award_type__order", "award_type__name", "award_type_id", "pk")
    ):
        nomination.cluster = clusters[nomination.cluster_id]
        nominations.setdefault(nomination.cluster_id, []).append(nomination)
    agreements = agreements_of_year(clusters, year) if ordered else {}
    reviews = {
        review.cluster_id: review
        for review in DossierReview.objects.filter(cluster__in=ordered, year=year)
    }

    boards = []
    for cluster in ordered:
        members = members_of[cluster.pk]
        cluster_disbursements = _cluster_disbursements(members, year, disbursements)
        lines = report_lines(members, approved, withheld, previous, cluster_disbursements)
        report = ClusterReport(
            cluster=cluster,
            year=year,
            lines=lines,
            **report_totals(lines),
            disbursements=cluster_disbursements,
            term=terms.get((cluster.pk, year)),
            next_term=terms.get((cluster.pk, year + 1)),
            conference=None,
            nominations=[],
            approved_records=[r for m in members if (r := approved.get(m.pk))],
        )
        due = deadlines.get((cluster.pk, year))
        board = ClusterBoard(
            report=report,
            timeliness={
                m.pk: figures_timeliness(by_province.get(m.pk), due, now=now) for m in members
            },
            nominations=nominations.get(cluster.pk, []),
            review=reviews.get(cluster.pk),
        )
        loaded = agreements.get(cluster.pk)
        if loaded and loaded.agreement.result_recorded and loaded.criteria:
            late = late_figures(members, year, due, now=now, records=by_province)
            board.scoring = scoring_year(
                cluster,
                year,
                members=members,
                term=report.term,
                disbursements=cluster_disbursements,
                approved=report.approved_records,
                loaded=agreements,
                late={
                    m.pk: [late_note(year, late[m.pk].working)] if m.pk in late else []
                    for m in members
                },
            )
        boards.append(board)

    in_clusters: dict[int, list[Cluster]] = {}
    for cluster in ordered:
        for member in members_of[cluster.pk]:
            listed = in_clusters.setdefault(unit_of[member.pk], [])
            if cluster not in listed:
                listed.append(cluster)
    lines = [
        NationalLine(
            province=unit,
            clusters=in_clusters[unit.pk],
            records=[
                approved[pk] for pk, of in unit_of.items() if of == unit.pk and pk in approved
            ],
            comparison=previous[unit.pk],
        )
        for unit in units.values()
    ]
    return NationalBoard(
        year=year,
        clusters=boards,
        lines=lines,
        disbursements=disbursements,
        **report_totals(lines),
        made_at=now,
    )


__all__ = ["ClusterBoard", "NationalBoard", "NationalLine", "ProvinceLine", "national_board"]
