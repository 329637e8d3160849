"""The one fetch-and-check of a province's award-history register, for the pages
(views.py) and the API (emulation/api/awards.py): 404 when the user may not read it, 403
when they may read it but not change it (cluster_portal.access_awards)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from cluster_portal.access_awards import can_edit_award_register, can_view_award_register
from provinces.organisation.selectors import ProvinceYear, province_in_year


def get_register_for_user(request, year: int, code: str, *, write: bool = False) -> ProvinceYear:
    py = province_in_year(code, year)
    if py is None or not can_view_award_register(request.user, py):
        raise Http404
    if write and not can_edit_award_register(request.user, py):
        raise PermissionDenied
    return py
