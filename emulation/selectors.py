from dataclasses import dataclass, field

from django.db.models import Q

from provinces.models import Cluster, ClusterMembership, Province

from .models import ClusterTerm


@dataclass
class ClusterYear:
    """A cluster as it stood in one year: its members and its head and vice-head."""

    cluster: Cluster
    year: int
    members: list[Province] = field(default_factory=list)
    term: ClusterTerm | None = None

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
        for year in range(start, (membership.to_year or last) + 1):
            key = (membership.cluster_id, year)
            entry = by_key.setdefault(key, ClusterYear(cluster=membership.cluster, year=year))
            entry.members.append(membership.province)
    terms = ClusterTerm.objects.with_alliances().filter(year__lte=last)
    if first is not None:
        terms = terms.filter(year__gte=first)
    for term in terms:
        if (term.cluster_id, term.year) in by_key:
            by_key[(term.cluster_id, term.year)].term = term
    for entry in by_key.values():
        entry.members.sort(key=lambda province: province.sort_key)
    return sorted(by_key.values(), key=lambda cy: (-cy.year, cy.cluster.name))
