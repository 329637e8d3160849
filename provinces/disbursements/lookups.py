"""Fetch a province-year's disbursement register and check its user in one call: the pages
(`provinces/disbursements/views.py`) and the API (`emulation/api/disbursements.py`) both call it.
404 when the user may not read the register (`access.can_view_disbursements`); 403 when they
may read it but asked to write and may not (`access.can_edit_disbursements`)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from cluster_portal import access
from provinces.organisation.selectors import ProvinceYear, province_in_year


def get_disbursements_for_user(
    request, year: int, code: str, *, write: bool = False
) -> ProvinceYear:
    py = province_in_year(code, year)
    if py is None or not access.can_view_disbursements(request.user, py):
        raise Http404
    if write and not access.can_edit_disbursements(request.user, py):
        raise PermissionDenied
    return py
