"""Read endpoints: provinces over time, clusters with their members and terms per year,
and the annual report's totals."""

import datetime
from decimal import Decimal
from typing import Annotated

from django.core.exceptions import PermissionDenied
from ninja import Query, Router

from cluster_portal import access
from emulation.reports.selectors import cluster_report
from provinces.organisation.lookups import cluster_year_for
from provinces.organisation.models import Province
from provinces.organisation.selectors import cluster_years

from .lookups import cluster_ref, fund_totals, money, ref
from .schemas import ClusterYearOut, Int, ProvinceOut, ReportTotalsOut, Slug, Text, Year

router = Router(tags=["Organisation"])

YearQuery = Annotated[Int | None, Query(ge=1990, le=2999)]


def _province_out(province: Province) -> dict:
    return {
        **ref(province),
        "valid_from": province.valid_from,
        "valid_to": province.valid_to,
        "successor": ref(province.successor) if province.successor else None,
        "predecessors": [ref(p) for p in province.predecessors.all()],
    }


@router.get(
    "/provinces",
    response=list[ProvinceOut],
    summary="Các đơn vị cấp tỉnh theo thời gian",
    description=(
        "Mọi đơn vị cấp tỉnh với thời gian hiệu lực và đơn vị kế thừa. Có `year`: các "
        "đơn vị còn hiệu lực ngày 31 tháng 12 năm đó; có `code`: các đơn vị từng mang "
        "mã đó (có cả hai: đơn vị duy nhất mà mã ấy chỉ trong năm, ví dụ mã 15 năm 2023 "
        "là Yên Bái)."
    ),
)
def provinces(request, year: YearQuery = None, code: Text | None = None):
    units = Province.objects.select_related("successor").prefetch_related("predecessors")
    if year is not None:
        units = units.valid_in(year)
    if code is not None:
        units = units.filter(code=code)
    # A unit valid since before the data begins (valid_from null) comes first of its code.
    first = datetime.date.min
    return [_province_out(p) for p in sorted(units, key=lambda p: (p.code, p.valid_from or first))]


def _cluster_year_out(cluster, year: int, members, term) -> dict:
    return {
        "cluster": cluster_ref(cluster),
        "year": year,
        "members": [ref(m) for m in members],
        "head": ref(term.head) if term else None,
        "vice": ref(term.vice) if term and term.vice else None,
    }


@router.get(
    "/clusters",
    response=list[ClusterYearOut],
    summary="Các cụm của một năm",
    description=(
        "Các cụm của năm `year` mà bạn được xem (cụm của mình; quản trị viên: mọi cụm), "
        "với thành viên, cụm trưởng và cụm phó năm đó."
    ),
)
def clusters(request, year: Annotated[Int, Query(ge=1990, le=2999)]):
    return [
        _cluster_year_out(cy.cluster, year, cy.members, cy.term)
        for cy in cluster_years(first=year, last=year)
        if access.can_view_cluster_year(request.user, cy.member_ids, year)
    ]


@router.get(
    "/clusters/{slug}/{year}",
    response=ClusterYearOut,
    summary="Một cụm trong một năm",
    description=(
        "Thành viên, cụm trưởng và cụm phó của cụm `slug` trong năm `year` (404 khi bạn "
        "không được xem cụm năm đó)."
    ),
)
def cluster_year(request, slug: Slug, year: Year):
    cluster, members, term = cluster_year_for(request, slug, year)
    return _cluster_year_out(cluster, year, members, term)


@router.get(
    "/clusters/{slug}/{year}/report",
    response=ReportTotalsOut,
    summary="Số tổng hợp của báo cáo năm",
    description=(
        "Số tổng hợp của báo cáo năm, từ cùng nguồn với báo cáo và như nhau với mọi "
        "người đọc: chỉ tính các bản ghi đã duyệt (`withheld` nêu các thành viên có bản "
        "ghi chưa được duyệt). `preview=true`: bản xem trước của cụm trưởng năm đó và "
        "quản trị viên, tính cả các bản ghi đã gửi (người khác: 403)."
    ),
)
def report_totals(request, slug: Slug, year: Year, preview: bool = False):
    cluster, members, term = cluster_year_for(request, slug, year)
    if preview and not access.can_preview_report(request.user, term):
        raise PermissionDenied
    report = cluster_report(cluster=cluster, year=year, members=members, preview=preview)
    totals = report.totals
    if totals is not None:
        totals = {
            code: money(value) if isinstance(value, Decimal) else value
            for code, value in totals.items()
        }
    return {
        "cluster": cluster_ref(cluster),
        "year": year,
        "draft": report.is_draft,
        "preview": report.preview,
        "member_count": report.member_count,
        "entered_count": report.entered_count,
        "approved_count": report.approved_count,
        "withheld": [ref(p) for p in report.withheld],
        "missing": [ref(p) for p in report.missing],
        "totals": totals,
        "agri_share_percent": money(report.agri_share),
        "htx_new_per_province": money(report.htx_new_per_province),
        # `loans_all_funds`, `loans_htx_dev`: the published JSON fields (ReportTotalsOut).
        "loans_all_funds": fund_totals(report.disbursements.cluster_all),
        "loans_htx_dev": fund_totals(report.disbursements.cluster_htx_dev),
        # The document's own text sections, as the page and the PDF print them.
        "legal_basis": report.legal_basis,
        "difficulties": _section(report.difficulties),
        "directions": _section(report.directions),
    }


def _section(section: tuple[list[str], bool]) -> dict:
    paragraphs, drafted = section
    return {"paragraphs": paragraphs, "drafted": drafted}
