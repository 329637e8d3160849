from django.http import Http404
from django.shortcuts import get_object_or_404

from cluster_portal import access
from provinces.models import Cluster, Province
from provinces.selectors import cluster_members

from .models import ClusterTerm


def cluster_year_for(
    request, cluster: str, year: int
) -> tuple[Cluster, list[Province], ClusterTerm | None]:
    """The cluster, its members and term that year; 404 unless the user may see it."""
    cluster_obj = get_object_or_404(Cluster, slug=cluster)
    members = cluster_members(cluster_obj, year)
    if not members or not access.can_view_cluster_year(request.user, {m.pk for m in members}, year):
        raise Http404
    term = ClusterTerm.objects.with_alliances().filter(cluster=cluster_obj, year=year).first()
    return cluster_obj, members, term
