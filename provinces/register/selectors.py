"""Reads of the fund-disbursement register (the page and the API)."""

from provinces.organisation.models import Province
from provinces.organisation.selectors import ProvinceYear, merged_into
from provinces.register.models import Disbursement, Fund


def register_units(py: ProvinceYear) -> list[Province]:
    """The province, and the units that merged into it during that year: their loans of
    the year appear in its register (each still recorded against its own unit)."""
    return [py.province, *merged_into([py.province], py.year).get(py.province.pk, [])]


def register_loans(py: ProvinceYear, *, fund: str = ""):
    """The loans of a province's register for the year, newest first (one query)."""
    loans = (
        Disbursement.objects.in_year(py.year)
        .filter(province__in=register_units(py))
        .select_related("borrower", "province")
        .order_by("-date", "-pk")
    )
    return loans.filter(fund=fund) if fund in Fund.values else loans
