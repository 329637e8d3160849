"""The head and vice-head terms of cluster-years, for the importers' access checks.

TODO(lead): ClusterTerm is moving from emulation into provinces (the organisation).
Until then this is the one place the upload code reaches it, through the app registry,
so that nothing in provinces imports emulation. After the move, replace the
functions below with the organisation's selectors (term_for, cluster_year_for) and
delete this module.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.apps import apps


def _term_model():
    return apps.get_model("emulation", "ClusterTerm")


def terms_of(years: Iterable[int]) -> dict[tuple[int, int], object]:
    """(cluster id, year) -> term, with its cluster, head and vice: one query."""
    terms = _term_model().objects.select_related("cluster", "head", "vice")
    return {(t.cluster_id, t.year): t for t in terms.filter(year__in=set(years))}


def term_of(cluster, year: int):
    return terms_of([year]).get((cluster.pk, year))


def cluster_year_for(request, slug: str, year: int):
    """The cluster, its members and term that year; 404 unless the user may see it (as
    emulation.lookups.cluster_year_for, which moves with ClusterTerm)."""
    from django.http import Http404
    from django.shortcuts import get_object_or_404

    from cluster_portal import access
    from provinces.models import Cluster
    from provinces.selectors import cluster_members

    cluster = get_object_or_404(Cluster, slug=slug)
    members = cluster_members(cluster, year)
    if not members or not access.can_view_cluster_year(request.user, {m.pk for m in members}, year):
        raise Http404
    return cluster, members, term_of(cluster, year)
