"""Finding a nomination and deciding whether the user may take a step on it: the one helper
the pages and the API both call (as `provinces.figures.lookups` for the figures)."""

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from provinces.organisation.lookups import cluster_year_for

from .models import NOMINEE_RELATED, Nomination


def get_nomination_for_user(request, pk: int, *, allowed: Callable) -> Nomination:
    """404 when the user may not see the nomination's cluster-year; 403 when they may see
    it but not take this step (`allowed(user, nomination, term)`)."""
    nomination = get_object_or_404(
        Nomination.objects.select_related("cluster", "award_type", *NOMINEE_RELATED),
        pk=pk,
    )
    _, _, term = cluster_year_for(request, nomination.cluster, nomination.year)
    if not allowed(request.user, nomination, term):
        raise PermissionDenied
    return nomination
