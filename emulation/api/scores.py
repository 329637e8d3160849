"""Scores and rankings of a cluster-year's emulation scoring.

The read rule is the pages' (access.can_view_score_sheet): a member's own sheet in any
state; the chair, the vice-head and admins every sheet; the other members' once the
scoring meeting is recorded. A sheet the reader may not read is listed with its status
alone (`withheld`); the ranking follows the pages' summary rule
(access.can_view_scoring_summary): once the meeting is recorded, or to those who read
every sheet (the chair, the vice-head of the year, admins).
"""

import datetime
from enum import StrEnum
from typing import Annotated

from ninja import Field, Query, Router, Schema

from cluster_portal import access
from emulation.scoring.models import CriterionKind
from emulation.scoring.selectors import scores_changed_since, scoring_year
from emulation.scoring.sheet_context import sheet_context, summary_sheet_context
from provinces.organisation.lookups import cluster_year_for

from .lookups import cluster_ref, ref
from .paging import KeyedPage, Limit, Offset, Since, gone, paginate
from .schemas import ClusterRef, DecimalString, ProvinceRef, Slug, Year

router = Router(tags=["Scores"])


class SheetState(StrEnum):
    """A member's sheet as machines read it (emulation.scoring.columns.Column.state)."""

    UNSCORED = "unscored"
    DRAFT = "draft"
    SUBMITTED = "submitted"
    CROSS_CHECKED = "cross_checked"
    CLOSED = "closed"


class CriterionScore(Schema):
    number: str = Field(description="số thứ tự của tiêu chí, ví dụ I.2")
    name: str
    kind: CriterionKind
    max_points: DecimalString
    self_points: DecimalString | None = Field(None, description="điểm tự chấm của thành viên")
    cluster_points: DecimalString | None = Field(None, description="điểm cụm chấm chéo")
    final_points: DecimalString | None = Field(None, description="điểm thống nhất")


class MemberScores(Schema):
    province: ProvinceRef
    status: SheetState = Field(
        description=(
            "trạng thái của phiếu chấm: unscored (chưa chấm), draft (bản nháp), submitted "
            "(đã nộp), cross_checked (đã chấm chéo), closed (đã bình xét)"
        )
    )
    status_label: str = Field(description="trạng thái ấy bằng lời, như trên trang")
    withheld: bool = Field(description="true: bạn chưa được đọc phiếu này")
    total: DecimalString | None = None
    rank: int | None = None
    criteria: list[CriterionScore] = Field(default_factory=list)
    updated_at: datetime.datetime | None = Field(
        None, description="lần ghi cuối của phiếu (khi đọc được; null: chưa chấm)"
    )


class ScoresOut(KeyedPage):
    cluster: ClusterRef
    year: int
    agreement_signed: bool
    result_recorded: bool
    total_points: DecimalString | None = Field(None, description="tổng điểm tối đa của phiếu")
    members: list[MemberScores] = Field(..., description="các thành viên của trang")


@router.get(
    "/clusters/{slug}/{year}/scores",
    response=ScoresOut,
    summary="Điểm và xếp hạng thi đua của cụm",
    description=(
        "Điểm từng tiêu chí, tổng điểm và thứ hạng của mỗi thành viên, trong phạm vi "
        "bạn được đọc: phiếu của đơn vị mình ở mọi trạng thái; cụm trưởng, cụm phó và "
        "quản trị viên: mọi phiếu; phiếu của thành viên khác khi kết quả hội nghị chấm "
        "điểm đã được ghi nhận. Thứ hạng có khi kết quả đã ghi nhận, hoặc với người đọc "
        "được mọi phiếu. Lọc theo trạng thái phiếu (`status`), từng trang (`limit`, "
        "`offset`, theo thứ tự của bảng); `updated_since`: chỉ các thành viên mà phiếu, "
        "điểm hoặc giao ước đã thay đổi từ thời điểm đó, kèm `deleted`: mã tỉnh các thành "
        "viên đã ra khỏi danh sách."
    ),
)
def scores(
    request,
    slug: Slug,
    year: Year,
    status: Annotated[
        SheetState | None, Query(None, description="chỉ các phiếu ở trạng thái này")
    ] = None,
    updated_since: Since = None,
    limit: Limit = 100,
    offset: Offset = 0,
):
    cluster, _, _ = cluster_year_for(request, slug, year)
    data = scoring_year(cluster, year)
    agreement = data.agreement
    show_rank = access.can_view_scoring_summary(request.user, summary_sheet_context(data))
    members = []
    for column in data.columns:
        if status is not None and column.state != status.value:
            continue
        readable = access.can_view_score_sheet(request.user, sheet_context(data, column.province))
        entry = {
            "province": ref(column.province),
            "status": column.state,
            "status_label": column.status_label,
            "withheld": not readable,
            "updated_at": column.sheet.updated_at if readable and column.sheet else None,
        }
        if readable and agreement is not None:
            # A member without a sheet is unscored: no total, no rank (not 0, not last).
            entry["total"] = column.total if column.scored else None
            entry["rank"] = column.standing.rank if show_rank and column.standing else None
            entry["criteria"] = [
                {
                    "number": leaf.number,
                    "name": leaf.title,
                    "kind": leaf.kind,
                    "max_points": leaf.max_points,
                    "self_points": cell.self_points,
                    "cluster_points": cell.cluster_points,
                    "final_points": cell.final,
                }
                for leaf in data.leaves
                for cell in [column.cells[leaf.pk]]
            ]
        members.append(entry)
    deleted = ()
    if updated_since is not None:
        touched = scores_changed_since(cluster, year, updated_since)
        deleted = gone(touched, (entry["province"]["code"] for entry in members))
        members = [entry for entry in members if entry["province"]["code"] in touched]
    return {
        "cluster": cluster_ref(cluster),
        "year": year,
        "agreement_signed": bool(agreement and agreement.is_signed),
        "result_recorded": data.result_recorded,
        "total_points": agreement.total_points if agreement else None,
        **paginate(members, limit=limit, offset=offset, deleted=deleted, key="members"),
    }
