"""Finding what a request asks for, and deciding whether its user may have it: every
decision is a function of cluster_portal.access (404 when the user may not see it, 403
when they may see it but not do what they asked), as on the pages."""

from collections.abc import Callable
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.http import Http404

from cluster_portal import access
from provinces.figures.selectors import province_year
from provinces.organisation.selectors import ProvinceYear


def province_year_for(
    request, year: int, code: str, *, view: Callable, allowed: Callable | None = None
) -> ProvinceYear:
    py = province_year(code, year)
    if py is None or not view(request.user, py):
        raise Http404
    if allowed is not None and not allowed(request.user, py):
        raise PermissionDenied
    return py


def figures_for(request, year: int, code: str, *, allowed: Callable | None = None):
    return province_year_for(request, year, code, view=access.can_view_figures, allowed=allowed)


def register_for(request, year: int, code: str) -> ProvinceYear:
    return province_year_for(request, year, code, view=access.can_view_register)


def ref(province) -> dict:
    return {"code": province.code, "name": province.name, "slug": province.slug}


def cluster_ref(cluster) -> dict:
    return {"slug": cluster.slug, "name": cluster.name}


def money(value) -> Decimal | None:
    """Million VND with the two decimals the records keep (sums and weighted averages
    come back from the database or `combine` with any number)."""
    return None if value is None else Decimal(value).quantize(Decimal("0.01"))


def fund_totals(totals) -> dict:
    return {"count": totals.count, "amount": money(totals.amount)}
