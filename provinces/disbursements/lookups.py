"""Fetch a province-year's disbursement register, or one disbursement, and check its user in
one call: the pages (`provinces/disbursements/views.py`) and the API
(`emulation/api/disbursements.py`, `emulation/api/loans.py`) all call these. 404 when the user
may not read the register (`access.can_view_disbursements`); 403 when they may read it but
asked to write and may not (`access.can_edit_disbursements`)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from cluster_portal import access
from provinces.disbursements.models import Disbursement
from provinces.disbursements.selectors import disbursement_units
from provinces.organisation.selectors import ProvinceYear, counts_as, province_in_year


def get_disbursements_for_user(
    request, year: int, code: str, *, write: bool = False
) -> ProvinceYear:
    py = province_in_year(code, year)
    if py is None or not access.can_view_disbursements(request.user, py):
        raise Http404
    if write and not access.can_edit_disbursements(request.user, py):
        raise PermissionDenied
    return py


def register_of(request, disbursement: Disbursement, *, write: bool = False) -> ProvinceYear:
    """The register a disbursement appears in (the unit its province counts as in the
    disbursement's year), checked for the user."""
    year = disbursement.date.year
    py = get_disbursements_for_user(
        request, year, counts_as(disbursement.province, year).code, write=write
    )
    if disbursement.province_id not in {unit.pk for unit in disbursement_units(py)}:
        raise Http404  # the code means an unrelated unit at the end of that year
    return py


def get_disbursement_for_user(
    request, pk: int, *, write: bool = False
) -> tuple[Disbursement, ProvinceYear]:
    disbursement = (
        Disbursement.objects.select_related("province", "province__successor", "borrower")
        .filter(pk=pk)
        .first()
    )
    if disbursement is None:
        raise Http404
    return disbursement, register_of(request, disbursement, write=write)
