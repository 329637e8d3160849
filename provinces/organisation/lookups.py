from django.http import Http404
from django.shortcuts import get_object_or_404

from cluster_portal import access

from .models import Cluster, ClusterTerm, Province
from .selectors import cluster_members, term_for


def cluster_year_for(
    request, cluster: str | Cluster, year: int
) -> tuple[Cluster, list[Province], ClusterTerm | None]:
    """The cluster (by slug, or the object), its members and term that year; 404 unless
    the user may see it. Every view of a cluster-year decides "may see" here."""
    cluster_obj = (
        cluster if isinstance(cluster, Cluster) else get_object_or_404(Cluster, slug=cluster)
    )
    members = cluster_members(cluster_obj, year)
    if not members or not access.can_view_cluster_year(request.user, {m.pk for m in members}, year):
        raise Http404
    return cluster_obj, members, term_for(cluster_obj, year)
