from collections.abc import Callable

from django.http import Http404
from django.utils.safestring import mark_safe

from cluster_portal import access
from cluster_portal.page_cache import cached_part

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


def cached_cluster_year_page(
    request, cluster: str, year: int, *, name: str, sources: Callable, body: Callable
) -> dict:
    """A cluster-year page's body from the default cache (cluster_portal/page_cache.py)
    while its sources, the reader's class and the code are the same, with the access
    check on every request, hit or miss, against the members the body was made for: the
    sources hold the cluster, the memberships and the mergers, so a hit need not read them
    again. `body(cluster_obj, members)` renders the body; `sources()` stamps it. Gives
    `{"cluster", "member_ids", "body"}`, the body marked safe."""
    access.home_province(request.user)  # read once: for the key's class and the check

    def make() -> dict:
        cluster_obj, members = cluster_with_members(cluster, year)
        member_ids = {m.pk for m in members}
        check_cluster_year(request, member_ids, year)  # before anything is rendered
        return {
            "cluster": cluster_obj,
            "member_ids": member_ids,
            "body": body(cluster_obj, members),
        }

    page = cached_part(request, name=name, parts=(cluster, year), sources=sources, make=make)
    check_cluster_year(request, page["member_ids"], year)
    return {**page, "body": mark_safe(page["body"])}  # noqa: S308 - rendered by our templates
