"""Read endpoints: provinces over time, clusters with their members and terms per year,
and the annual report's totals."""

import datetime
from typing import Annotated

from django.core.exceptions import PermissionDenied
from ninja import Field, Query, Router

from cluster_portal import access
from emulation.reports.selectors import cluster_report
from provinces.organisation.lookups import cluster_year_for
from provinces.organisation.models import Province
from provinces.organisation.selectors import (
    cluster_years,
    clusters_changed_since,
    provinces_changed_since,
    provinces_listed,
)

from .lookups import cluster_ref, fund_totals, money, ref, totals_out
from .paging import KeyedPage, Limit, Offset, Page, Since, changed_since, gone, paginate
from .schemas import ClusterYearOut, Int, ProvinceOut, ReportTotalsOut, Slug, Text, Year

router = Router(tags=["Organisation"])

YearQuery = Annotated[
    Int | None,
    Query(ge=1990, le=2999, description="chỉ các đơn vị còn hiệu lực ngày 31/12 năm này"),
]
CodeQuery = Annotated[Text | None, Query(description="chỉ các đơn vị từng mang mã tỉnh này")]


class ProvincesPage(Page):
    items: list[ProvinceOut]


class ClusterYearItem(ClusterYearOut):
    updated_at: datetime.datetime | None = Field(
        None, description="lần ghi cuối của cụm, thành viên, nhiệm kỳ năm đó hoặc tên thành viên"
    )


class ClustersPage(KeyedPage):
    items: list[ClusterYearItem]


def _province_out(province: Province) -> dict:
    return {
        "id": province.pk,
        **ref(province),
        "valid_from": province.valid_from,
        "valid_to": province.valid_to,
        "successor": ref(province.successor) if province.successor else None,
        "predecessors": [ref(p) for p in province.predecessors.all()],
        "updated_at": province.updated_at,
    }


@router.get(
    "/provinces",
    response=ProvincesPage,
    summary="Các đơn vị cấp tỉnh theo thời gian",
    description=(
        "Mọi đơn vị cấp tỉnh với thời gian hiệu lực và đơn vị kế thừa, theo mã. Có `year`: "
        "các đơn vị còn hiệu lực ngày 31 tháng 12 năm đó; có `code`: các đơn vị từng mang "
        "mã đó (có cả hai: đơn vị duy nhất mà mã ấy chỉ trong năm, ví dụ mã 15 năm 2023 "
        "là Yên Bái). Từng trang (`limit`, `offset`); `updated_since`: chỉ các đơn vị ghi "
        "từ thời điểm đó (hoặc có đơn vị kế thừa, đơn vị tiền thân được ghi), kèm `deleted`: "
        "mã (`id`) các đơn vị đã xóa hoặc không còn khớp bộ lọc."
    ),
)
def provinces(
    request,
    year: YearQuery = None,
    code: CodeQuery = None,
    updated_since: Since = None,
    limit: Limit = 100,
    offset: Offset = 0,
):
    units = provinces_listed(year=year, code=code)
    deleted = ()
    if updated_since is not None:
        units, deleted = provinces_changed_since(units, updated_since, year=year, code=code)
    return paginate(units, limit=limit, offset=offset, out=_province_out, deleted=deleted)


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
    response=ClustersPage,
    summary="Các cụm của một năm",
    description=(
        "Các cụm của năm `year` mà bạn được xem (cụm của mình; quản trị viên và cán bộ "
        "Liên minh HTX Việt Nam: mọi cụm), với thành viên, cụm trưởng và cụm phó năm đó, "
        "theo tên cụm, từng trang (`limit`, `offset`). `updated_since`: chỉ các cụm mà "
        "năm đó có gì thay đổi từ thời điểm ấy (cụm, thành viên, nhiệm kỳ, tên thành viên), "
        "kèm `deleted`: mã (`slug`) các cụm đã xóa hoặc không còn trong danh sách năm đó."
    ),
)
def clusters(
    request,
    year: Annotated[Int, Query(ge=1990, le=2999, description="năm, ví dụ 2024")],
    updated_since: Since = None,
    limit: Limit = 100,
    offset: Offset = 0,
):
    listed = [
        cy
        for cy in cluster_years(first=year, last=year)
        if access.can_view_cluster_year(request.user, cy.member_ids, year)
    ]
    rows, deleted = listed, set()
    if updated_since is not None:
        touched = clusters_changed_since(year, updated_since)
        rows = [
            cy
            for cy in listed
            if cy.cluster.slug in touched or changed_since(cy.updated_at, updated_since)
        ]
        # Cluster slugs are no secret (every cluster's name is on the public pages).
        deleted = gone(touched, (cy.cluster.slug for cy in listed))
    return paginate(rows, limit=limit, offset=offset, out=_cluster_item, deleted=deleted)


def _cluster_item(cy) -> dict:
    return {
        **_cluster_year_out(cy.cluster, cy.year, cy.members, cy.term),
        "updated_at": cy.updated_at,
    }


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
    totals = totals_out(report.totals)
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
