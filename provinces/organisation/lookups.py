from django.http import Http404

from cluster_portal import access

from .models import Cluster, ClusterTerm, Province
from .selectors import cluster_members, cluster_with_members, term_for


def check_cluster_year(request, member_ids: set[int], year: int) -> None:
    """404 unless the user may see the cluster-year of these members (an empty one is
    nobody's). The one place a page or the API turns "may see this cluster-year"
    (`access.can_view_cluster_year`) into an answer; `cluster_year_for` and the scoring
    pages, which read the members themselves, both call it."""
    if not member_ids or not access.can_view_cluster_year(request.user, member_ids, year):
        raise Http404


def cluster_year_for(
    request, cluster: str | Cluster, year: int
) -> tuple[Cluster, list[Province], ClusterTerm | None]:
    """The cluster (by slug, or the object), its members and term that year; 404 unless
    the user may see it. Every view of a cluster-year decides "may see" here."""
    if isinstance(cluster, Cluster):
        cluster_obj, members = cluster, cluster_members(cluster, year)
    else:  # one query for both; a cluster without members that year is a 404 anyway
        cluster_obj, members = cluster_with_members(cluster, year)
    check_cluster_year(request, {m.pk for m in members}, year)
    return cluster_obj, members, term_for(cluster_obj, year)
