"""Fetch a province-year's yearly figures and check its user in one call: the pages
(`provinces/figures/views.py`) and the API (`emulation/api/figures.py`) both call it, so
both answer the same request the same way. 404 when the user may not read the record
(the read rule of `access.can_view_figures`); 403 when they may read it but not do what
they asked (`allowed`, one of the `access.can_*_figures` rules)."""

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.http import Http404

from cluster_portal import access
from provinces.organisation.selectors import ProvinceYear

from .selectors import province_year


def get_figures_for_user(
    request, year: int, code: str, *, allowed: Callable | None = None, judging: str = ""
) -> ProvinceYear:
    """`judging`: the life-cycle action asked ("approve", "return", "reopen"), whose refusal
    on one's own unit names its reason (four eyes, `access.own_unit_refusal`)."""
    py = province_year(code, year)
    if py is None or not access.can_view_figures(request.user, py):
        raise Http404
    if allowed is not None and not allowed(request.user, py):
        reason = access.own_unit_refusal(request.user, py, judging) if judging else None
        raise PermissionDenied(reason or "")
    return py
