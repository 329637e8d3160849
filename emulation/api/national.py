"""The national board of a year (issue 26): every cluster's report numbers and the nation's
totals, each unit counted once as it stood at the end of the year; the page's selector
(`emulation.national.selectors.national_board`) and the page's rule (national staff and
admins: `access.can_view_national`), approved records only, the same for every reader."""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from ninja import Field, Router, Schema

from cluster_portal import access
from emulation.national.selectors import national_board

from .lookups import cluster_ref, fund_totals, money, ref, totals_out
from .schemas import ClusterRef, FundTotalsOut, ProvinceRef, Year

router = Router(tags=["Toàn quốc"])

Totals = dict[str, Decimal | int | None] | None


class ReportingOut(Schema):
    total: int = Field(..., description="số tỉnh")
    on_time: int = Field(..., description="nộp đúng hạn")
    late: int = Field(..., description="nộp muộn")
    missing: int = Field(..., description="quá hạn chưa nộp")
    pending: int = Field(..., description="chưa nộp, chưa đến hạn")


class StandingOut(Schema):
    province: ProvinceRef
    total: Decimal
    rank: int


class NominationOut(Schema):
    award: str
    nominee: str
    status: str = Field(..., description="proposed | endorsed | submitted | granted | not_granted")
    achievement_report: str | None = Field(None, description="draft | submitted; null: chưa có")
    decision_number: str
    decision_date: datetime.date | None


class NationalClusterOut(Schema):
    cluster: ClusterRef
    members: list[ProvinceRef]
    head: ProvinceRef | None
    approved_count: int
    reporting: ReportingOut
    totals: Totals = Field(None, description="như báo cáo năm của cụm (bình quân gia quyền)")
    agri_share_percent: Decimal | None
    loans_all_funds: FundTotalsOut
    leader: ProvinceRef | None = Field(None, description="dẫn đầu (suy tôn) theo kết quả bình xét")
    standings: list[StandingOut] = Field(..., description="rỗng cho đến khi ghi biên bản bình xét")
    nominations: list[NominationOut]


class NationalProvinceOut(Schema):
    province: ProvinceRef
    clusters: list[str] = Field(..., description="mã các cụm có tên tỉnh này")
    values: Totals = Field(None, description="số liệu đã duyệt; null: chưa có")
    previous: Totals = Field(None, description="năm trước (đơn vị sáp nhập: cộng các đơn vị cũ)")
    partial: bool


class NationalOut(Schema):
    year: int
    member_count: int = Field(..., description="số tỉnh, mỗi tỉnh tính một lần")
    entered_count: int = Field(..., description="số tỉnh có số liệu đã duyệt")
    reporting: ReportingOut
    totals: Totals = Field(None, description="toàn quốc, theo quy tắc tổng hợp")
    compared_count: int = Field(..., description="số tỉnh có số liệu đã duyệt của cả hai năm")
    compared_totals: Totals = Field(None, description="năm nay của các tỉnh đem so sánh")
    previous_totals: Totals = Field(None, description="năm trước của cùng các tỉnh")
    previous_partial: bool
    agri_share_percent: Decimal | None
    loans_all_funds: FundTotalsOut
    loans_htx_dev: FundTotalsOut
    clusters: list[NationalClusterOut]
    provinces: list[NationalProvinceOut]


def _rate(rate) -> dict:
    return {
        "total": rate.total,
        "on_time": rate.on_time,
        "late": rate.late,
        "missing": rate.missing,
        "pending": rate.pending,
    }


def _nomination(n) -> dict:
    report = getattr(n, "achievement_report", None)  # the reverse one-to-one, when there is one
    return {
        "award": n.award_type.name,
        "nominee": n.nominee_name,
        "status": n.status,
        "achievement_report": report.status if report else None,
        "decision_number": n.decision_number,
        "decision_date": n.decision_date,
    }


def _cluster(item) -> dict:
    report = item.report
    return {
        "cluster": cluster_ref(item.cluster),
        "members": [ref(m) for m in report.members],
        "head": ref(report.term.head) if report.term else None,
        "approved_count": report.approved_count,
        "reporting": _rate(item.rate),
        "totals": totals_out(report.totals),
        "agri_share_percent": money(report.agri_share),
        "loans_all_funds": fund_totals(report.disbursements.cluster_all),
        "leader": ref(item.leader) if item.leader else None,
        "standings": [
            {"province": ref(s.province), "total": money(s.total), "rank": s.rank}
            for s in item.standings
        ],
        "nominations": [_nomination(n) for n in item.nominations],
    }


@router.get(
    "/years/{year}/national",
    response=NationalOut,
    summary="Bảng tổng hợp toàn quốc của một năm",
    description=(
        "Mọi cụm thi đua của năm `year` với số tổng hợp của báo cáo năm, tình hình nộp "
        "số liệu, kết quả bình xét và đề nghị khen thưởng; số toàn quốc tính mỗi tỉnh một "
        "lần theo đơn vị hành chính ngày 31/12 năm đó, và so sánh với năm trước (đơn vị "
        "sáp nhập so với tổng các đơn vị cũ). Chỉ số liệu đã duyệt, như nhau với mọi người "
        "đọc; dành cho cán bộ Liên minh HTX Việt Nam và quản trị viên (người khác: 403)."
    ),
)
def national(request, year: Year):
    if not access.can_view_national(request.user):
        raise PermissionDenied
    board = national_board(year)
    return {
        "year": year,
        "member_count": board.member_count,
        "entered_count": board.entered_count,
        "reporting": _rate(board.rate),
        "totals": totals_out(board.totals),
        "compared_count": board.compared_count,
        "compared_totals": totals_out(board.compared_totals),
        "previous_totals": totals_out(board.previous_totals),
        "previous_partial": board.previous_partial,
        "agri_share_percent": money(board.agri_share),
        "loans_all_funds": fund_totals(board.disbursements.cluster_all),
        "loans_htx_dev": fund_totals(board.disbursements.cluster_htx_dev),
        "clusters": [_cluster(item) for item in board.clusters],
        "provinces": [
            {
                "province": ref(line.province),
                "clusters": [c.slug for c in line.clusters],
                "values": totals_out(line.values),
                "previous": totals_out(line.previous),
                "partial": line.partial,
            }
            for line in board.lines
        ],
    }
