import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, Q

from .dates import year_end
from .models import Cluster, ClusterMembership, ClusterTerm, Province
from .querysets import in_year_q, valid_on_q


def province_for_code(code: str, year: int) -> Province | None:
    """Which unit province code `code` means in `year`: the unit valid on 31 December."""
    return Province.objects.resolve(code, year)


@dataclass
class ProvinceYear:
    """A province as it stood in one year: its cluster, that year's term, the cluster's
    members, and its figures (None when nothing was entered yet, or not loaded). Every
    per-province page and the access rules read it, so it lives on this floor; the
    figures are loaded by `provinces.figures.selectors.province_year`."""

    province: Province
    year: int
    cluster: Cluster | None = None
    term: ClusterTerm | None = None
    member_ids: set[int] = field(default_factory=set)
    figures: Any = None  # the YearlyFigures of the year (provinces.figures), when loaded


def province_in_year(code: str, year: int) -> ProvinceYear | None:
    """Code `code` in `year` with its cluster, term and the cluster's members, without its
    figures (three queries more than the code lookup at most); None when the code means
    no unit that year."""
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
    return py


def _memberships(year: int, *related: str):
    # The model's ordering within one cluster, without the join its cluster ordering costs.
    return (
        ClusterMembership.objects.in_year(year)
        .select_related("province", *related)
        .order_by("from_year", "province__name")
    )


def cluster_members(cluster: Cluster | str, year: int) -> list[Province]:
    """The member alliances of a cluster (object or slug) in `year`, by name."""
    memberships = _memberships(year)
    if isinstance(cluster, Cluster):
        memberships = memberships.filter(cluster=cluster)
    else:
        memberships = memberships.filter(cluster__slug=cluster)
    return sorted((m.province for m in memberships), key=lambda p: p.sort_key)


def cluster_with_members(slug: str, year: int) -> tuple[Cluster | None, list[Province]]:
    """The cluster of `slug` with its members in `year` (as `cluster_members`), in one
    query; (None, []) when it has none that year, or there is no such cluster."""
    memberships = list(_memberships(year, "cluster").filter(cluster__slug=slug))
    if not memberships:
        return None, []
    members = sorted((m.province for m in memberships), key=lambda p: p.sort_key)
    return memberships[0].cluster, members


def term_for(cluster: Cluster, year: int) -> ClusterTerm | None:
    """The head and vice-head of a cluster in `year`, if the flag was passed that year."""
    # One term per cluster-year: no ordering (the model's joins the cluster to sort), and
    # no join of the cluster the caller holds.
    term = (
        ClusterTerm.objects.select_related("head", "vice")
        .filter(cluster=cluster, year=year)
        .order_by()
        .first()
    )
    if term is not None:
        term.cluster = cluster
    return term


def term_of_member(province: Province, year: int) -> ClusterTerm | None:
    """The term of the cluster `province` belonged to in `year`: one query."""
    clusters = ClusterMembership.objects.in_year(year).filter(province=province)
    return ClusterTerm.objects.filter(
        cluster_id__in=clusters.values("cluster_id"), year=year
    ).first()


def terms_of(years) -> dict[tuple[int, int], ClusterTerm]:
    """(cluster id, year) -> the term of that cluster-year, with its cluster, head and vice,
    for every cluster and the given years: one query."""
    terms = ClusterTerm.objects.with_alliances().filter(year__in=set(years))
    return {(t.cluster_id, t.year): t for t in terms}


# The unit a merged member counts as ------------------------------------------------------
#
# After a merger (1 July 2025: Yên Bái into Lào Cai, Hòa Bình and Vĩnh Phúc into Phú Thọ…)
# what a closed unit did that year, and what is recorded under it later (a cooperative of
# its directory, a target of last year's agreement), counts for the unit it merged into.
# Two questions, one rule, asked here and nowhere else: forward, `counts_as` (the member a
# unit counts as in a year); backward, `merged_into` (the units counting as each of some
# members in a year). The walk itself is `Province.unit_in`.


def counts_as(province: Province, year: int) -> Province:
    """The unit `province` counts as in `year`: the unit it had merged into by the end of
    that year (following successors), or itself when it still stood then, or when it
    ended with no successor. Reads `province.successor` (select_related it for many)."""
    return province.unit_in(year) or province


def merged_into(provinces: list[Province], year: int) -> dict[int, list[Province]]:
    """The units that merged into each of `provinces` during `year` (valid when it began,
    i.e. on 31 December of the year before, and closed before its end), by successor id,
    in display order: their year counts for the successor (`counts_as` is the same rule
    read forward), and their figures of the year before are what the successor compares
    with. One query whatever the number of provinces. The register, the disbursement totals and
    the previous-year comparison all ask it."""
    merged: dict[int, list[Province]] = {}
    units = Province.objects.filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=year_end(year)),
        successor__in=provinces,
        valid_to__gte=year_end(year - 1),
    )
    for unit in units:
        if not unit.is_valid_in(year):
            merged.setdefault(unit.successor_id, []).append(unit)
    for units_of in merged.values():
        units_of.sort(key=lambda p: p.sort_key)
    return merged


@dataclass
class ClusterYear:
    """A cluster as it stood in one year: its members and its head and vice-head."""

    cluster: Cluster
    year: int
    members: list[Province] = field(default_factory=list)
    term: ClusterTerm | None = None
    # The last write of what it shows: the cluster, the year's memberships, the members
    # (their names), the term (deletions are in the history: clusters_changed_since).
    updated_at: datetime.datetime | None = None

    def saw(self, *rows) -> None:
        for row in rows:
            if row is not None and (self.updated_at is None or row.updated_at > self.updated_at):
                self.updated_at = row.updated_at

    @property
    def member_ids(self) -> set[int]:
        return {member.pk for member in self.members}


def cluster_years(*, first: int | None = None, last: int) -> list[ClusterYear]:
    """Every cluster-year up to `last` (from `first`, or the earliest membership), newest
    first. Two queries whatever the number of clusters, provinces and years."""
    memberships = ClusterMembership.objects.select_related("cluster", "province").filter(
        Q(to_year__isnull=True) | Q(to_year__gte=first or 0), from_year__lte=last
    )
    by_key: dict[tuple[int, int], ClusterYear] = {}
    for membership in memberships:
        start = max(membership.from_year, first or membership.from_year)
        # A membership that goes on past `last` (to_year 2024 when asked up to 2023) is
        # counted up to `last` only: a year after it has no term read and is not asked for.
        for year in range(start, min(membership.to_year or last, last) + 1):
            key = (membership.cluster_id, year)
            entry = by_key.setdefault(key, ClusterYear(cluster=membership.cluster, year=year))
            entry.members.append(membership.province)
            entry.saw(membership, membership.cluster, membership.province)
    terms = ClusterTerm.objects.with_alliances().filter(year__lte=last)
    if first is not None:
        terms = terms.filter(year__gte=first)
    for term in terms:
        if (term.cluster_id, term.year) in by_key:
            by_key[(term.cluster_id, term.year)].term = term
            by_key[(term.cluster_id, term.year)].saw(term)
    for entry in by_key.values():
        entry.members.sort(key=lambda province: province.sort_key)
    return sorted(by_key.values(), key=lambda cy: (-cy.year, cy.cluster.name))


def provinces_listed(*, year: int | None = None, code: str | None = None):
    """The units valid on 31 December of `year` and/or carrying `code`, by code, a unit
    valid since before the data begins first of its code, with successor and predecessors."""
    units = Province.objects.select_related("successor").prefetch_related("predecessors")
    if year is not None:
        units = units.valid_in(year)
    if code is not None:
        units = units.filter(code=code)
    return units.order_by("code", F("valid_from").asc(nulls_first=True), "pk")


def provinces_changed_since(units, since, *, year: int | None = None, code: str | None = None):
    """(`units` narrowed to the units written since `since`, or whose successor or
    predecessors were: what each row shows; the ids of the units changed or deleted since
    that `units` does not hold now: one query when iterated)."""
    changed = units.filter(
        Q(updated_at__gte=since)
        | Q(successor__updated_at__gte=since)
        | Q(predecessors__updated_at__gte=since)
    ).distinct()
    history = Province.history.filter(history_date__gte=since)
    if year is not None:
        history = history.filter(valid_on_q(year_end(year)))
    if code is not None:
        history = history.filter(code=code)
    gone = history.exclude(id__in=units.values("pk")).values_list("id", flat=True).distinct()
    return changed, gone


def clusters_changed_since(year: int, since) -> set[str]:
    """The slugs of the clusters whose year `year` changed since `since`, in any way the
    history holds: the cluster, a membership running through the year, the year's term
    (written or deleted), a member unit (its name). One query."""
    memberships = ClusterMembership.history.filter(in_year_q(year), history_date__gte=since)
    terms = ClusterTerm.history.filter(year=year, history_date__gte=since)
    units = Province.history.filter(history_date__gte=since).values("id")
    renamed = ClusterMembership.objects.in_year(year).filter(province__in=units)
    standing = Cluster.objects.filter(
        (Q(updated_at__gte=since) & in_year_q(year))
        | Q(id__in=memberships.values("cluster_id"))
        | Q(id__in=terms.values("cluster_id"))
        | Q(id__in=renamed.values("cluster_id"))
    )
    # A cluster deleted, renamed or ended since: its history rows (some clusters have
    # none before, made by the reference data's migration).
    written = Cluster.history.filter(in_year_q(year), history_date__gte=since)
    slugs = standing.order_by().values_list("slug", flat=True)
    slugs = slugs.union(written.order_by().values_list("slug", flat=True))
    return set(slugs)


def members_changed_since(cluster: Cluster, year: int, since):
    """The province ids of the cluster's memberships running through `year` written or
    deleted since `since` (their history), as a subquery."""
    memberships = ClusterMembership.history.filter(
        in_year_q(year), cluster_id=cluster.pk, history_date__gte=since
    )
    return memberships.values("province_id")
