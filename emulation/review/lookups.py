"""The one fetch-and-check of a cluster-year's dossier for the alliance's reviewers, pages
and API: 403 unless a reviewer (`cluster_portal.access_review.can_review_dossiers`), 404
for no such cluster-year."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from cluster_portal import access_review
from provinces.organisation.models import Cluster
from provinces.organisation.selectors import cluster_with_members


def reviewer_only(request) -> None:
    if not access_review.can_review_dossiers(request.user):
        raise PermissionDenied


def cluster_for_reviewer(request, cluster: str, year: int) -> Cluster:
    reviewer_only(request)
    cluster_obj, members = cluster_with_members(cluster, year)
    if not members:
        raise Http404
    return cluster_obj
