"""Yearly figures: a cluster-year's records (JSON, CSV), one record, and its writes.

Reads go through the pages' read rule (readable_figures / access.can_view_figures);
writes through provinces.figures.services, in the history as "API: <token name>".
A write with `dry_run=true` runs the real service inside a transaction that is rolled
back, so it answers exactly what the write would change, or the errors of the one
validation path (figures rules and the model's full_clean), and changes nothing.
"""

import datetime
from dataclasses import replace
from typing import Annotated, Literal

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.utils.translation import gettext
from ninja import Field, Query, Router, Schema, Status

from cluster_portal import access
from cluster_portal.locking import created_meanwhile
from provinces.figures.excel_export import figures_csv
from provinces.figures.lookups import get_figures_for_user
from provinces.figures.models import FiguresStatus, YearlyFigures
from provinces.figures.rules import figures_warnings
from provinces.figures.selectors import (
    cluster_figures_year,
    figures_changed_since,
    previous_values,
)
from provinces.figures.services import (
    FiguresError,
    StaleFiguresError,
    figures_approve,
    figures_return,
    figures_save,
    figures_submit,
)
from provinces.figures.spec import CODES
from provinces.organisation.lookups import cluster_year_for

from .lookups import cluster_ref, ref
from .paging import KeyedPage, Limit, Offset, Since, gone, paginate
from .problems import ApiProblem
from .schemas import (
    ClusterRef,
    Code,
    DecideWrite,
    DryRun,
    FiguresOut,
    FiguresValuesOut,
    FiguresWrite,
    ProvinceRef,
    Slug,
    SubmitWrite,
    WriteResult,
    Year,
)

router = Router(tags=["Figures"])


class MemberFigures(Schema):
    province: ProvinceRef
    status: FiguresStatus | None = Field(None, description="null: chưa nhập gì")
    withheld: bool = Field(False, description="đã nhập, nhưng bạn chưa được đọc")
    version: int | None = None
    values: FiguresValuesOut | None = None
    updated_at: datetime.datetime | None = Field(None, description="lần ghi cuối (khi đọc được)")


class ClusterFiguresOut(KeyedPage):
    cluster: ClusterRef
    year: int
    members: list[MemberFigures] = Field(..., description="các thành viên của trang")


CSV = {"schema": {"type": "string"}}


def figures_out(record: YearlyFigures) -> dict:
    return {
        "province": ref(record.province),
        "year": record.year,
        "status": record.status,
        "version": record.version,
        "values": record.values(),
        "updated_at": record.updated_at,
    }


@router.get(
    "/clusters/{slug}/{year}/figures",
    response=ClusterFiguresOut,
    summary="Số liệu năm của các thành viên cụm",
    description=(
        "Bản ghi số liệu của từng thành viên cụm trong năm: có giá trị khi bạn được đọc "
        "(của đơn vị mình ở mọi trạng thái, của đơn vị khác khi đã duyệt; cụm trưởng và "
        "quản trị viên: tất cả), chỉ có trạng thái khi bị giữ lại (`withheld`). Lọc: "
        "`status` (chỉ các thành viên có bản ghi ở trạng thái đó), `updated_since` (chỉ các "
        "bản ghi bạn đọc được và đã ghi từ thời điểm đó, và các thành viên mà bản ghi hay "
        "tư cách thành viên năm đó đã thay đổi; `deleted`: mã tỉnh các thành viên đã ra "
        "khỏi danh sách). Từng trang (`limit`, `offset`), theo tên tỉnh."
    ),
)
def cluster_figures(
    request,
    slug: Slug,
    year: Year,
    status: Annotated[
        Literal["draft", "submitted", "returned", "approved"] | None,
        Query(None, description="chỉ các bản ghi ở trạng thái này"),
    ] = None,
    updated_since: Since = None,
    limit: Limit = 100,
    offset: Offset = 0,
):
    cluster, members, term = cluster_year_for(request, slug, year)
    overview = cluster_figures_year(cluster, year, user=request.user, members=members, term=term)
    rows = []
    for row in overview.rows:
        record, progress = row.figures, row.progress
        if status is not None and (progress is None or progress.status != status):
            continue
        readable = record is not None and not row.withheld
        rows.append(
            {
                "province": ref(row.province),
                "status": progress.status if progress else None,
                "withheld": row.withheld,
                "version": record.version if record else None,
                "values": record.values() if record else None,
                "updated_at": record.updated_at if readable else None,
            }
        )
    deleted = ()
    if updated_since is not None:
        touched = figures_changed_since(cluster, year, updated_since)
        deleted = gone(touched, (row["province"]["code"] for row in rows))
        rows = [
            row
            for row in rows
            if row["province"]["code"] in touched
            or (row["updated_at"] is not None and row["updated_at"] >= updated_since)
        ]
    page = paginate(rows, limit=limit, offset=offset, deleted=deleted, key="members")
    return {"cluster": cluster_ref(cluster), "year": year, **page}


@router.get(
    "/clusters/{slug}/{year}/figures.csv",
    openapi_extra={
        "responses": {
            200: {"description": "CSV", "content": {"text/csv": {"schema": {"type": "string"}}}}
        }
    },
    summary="Số liệu năm của các thành viên cụm, dạng CSV",
    description=(
        "Cùng các bản ghi dưới dạng CSV (UTF-8, mã cột như tệp nhập Excel): bản xuất "
        "của trang năm, theo cùng quy tắc đọc."
    ),
)
def cluster_figures_csv(request, slug: Slug, year: Year):
    cluster, _, _ = cluster_year_for(request, slug, year)
    data = figures_csv(year=year, cluster=cluster, user=request.user, bom=False)
    response = HttpResponse(data, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="so-lieu-{cluster.slug}-{year}.csv"'
    return response


@router.get(
    "/figures/{year}/{code}",
    response=FiguresOut,
    summary="Số liệu năm của một tỉnh",
    description=(
        "Bản ghi của một tỉnh trong một năm, kèm `version` để gửi lại khi ghi (404 khi "
        "không có bản ghi nào bạn được đọc)."
    ),
)
def figures_detail(request, year: Year, code: Code):
    py = get_figures_for_user(request, year, code)
    if py.figures is None:
        raise ApiProblem(404, gettext("Tỉnh chưa có số liệu năm này."))
    return figures_out(py.figures)


def _stale(version: int | None, current: YearlyFigures) -> ApiProblem:
    if version is None:
        detail = gettext(
            "Bản ghi đã thay đổi (không gửi phiên bản, hiện là phiên bản %(current)s): "
            "hãy đọc lại bản mới nhất, đối chiếu rồi gửi lại với phiên bản đó."
        )
    else:
        detail = gettext(
            "Bản ghi đã thay đổi (phiên bản %(sent)s, hiện là phiên bản %(current)s): "
            "hãy đọc lại bản mới nhất, đối chiếu rồi gửi lại với phiên bản đó."
        )
    detail %= {"sent": version, "current": current.version}
    return ApiProblem(409, detail, code="stale_version")


def _state_conflict(figures: YearlyFigures) -> ApiProblem:
    detail = gettext(
        "Số liệu đang ở trạng thái “%(status)s” (phiên bản %(version)s): việc này không "
        "làm được ở trạng thái đó (đã gửi rồi?). Hãy đọc lại bản ghi."
    ) % {"status": figures.get_status_display(), "version": figures.version}
    return ApiProblem(409, detail, code="state_conflict")


def _figures_for(request, year: int, code: str, *, allowed, judging: str = ""):
    """The pages' lookup (404 / 403), except that a refusal only because of the record's
    state — a submit sent again once the record is submitted, an approval of an approved
    record — is a conflict (409), as the issue's clients expect: the request was right
    when it was made."""
    try:
        return get_figures_for_user(request, year, code, allowed=allowed, judging=judging)
    except PermissionDenied:
        py = get_figures_for_user(request, year, code)
        figures, user = py.figures, request.user
        if figures is not None and figures.pk is not None:
            if judging and not figures.is_submitted:
                acts = access.judges(user, py.term, py.province, py.year)
            else:
                acts = not judging and not figures.is_editable
                acts = acts and access.can_edit_figures(user, replace(py, figures=None))
            if acts:
                raise _state_conflict(figures) from None
        raise


def _field_errors(exc: ValidationError) -> list[dict]:
    messages = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return [
        {
            "location": "body",
            "field": "" if name == NON_FIELD_ERRORS else f"values.{name}",
            "code": "rule",
            "detail": message,
        }
        for name, texts in messages.items()
        for message in texts
    ]


def _created_meanwhile(py) -> ApiProblem | None:
    """The loser of two concurrent creates: the record exists now (409), whichever check
    (the service's, the model's unique check, the database's constraint) saw it first."""
    if not YearlyFigures.objects.filter(province=py.province, year=py.year).exists():
        return None
    return ApiProblem(409, created_meanwhile(), code="already_exists")


@router.put(
    "/figures/{year}/{code}",
    response={200: WriteResult, 201: WriteResult},
    summary="Tạo hoặc cập nhật số liệu năm",
    description=(
        "Tạo bản ghi của năm (`version` null) hoặc cập nhật bản nháp hay bản bị trả lại "
        "(`version` như đã đọc). Gửi lại đúng những gì đã lưu thì không thay đổi gì "
        "(không có phiên bản mới, không thêm dòng lịch sử): gửi lại là an toàn. Phiên "
        "bản đã cũ, bản ghi vừa được người khác tạo, hoặc không còn sửa được: 409. "
        "`dry_run=true`: trả lời 200 với những gì sẽ thay đổi, hoặc các lỗi, mà không lưu."
    ),
)
def figures_write(request, year: Year, code: Code, payload: FiguresWrite, dry_run: DryRun = False):
    py = _figures_for(request, year, code, allowed=access.can_edit_figures)
    current = py.figures
    new = payload.values.model_dump()
    old = current.values() if current else {}
    changes = [
        {"field": c, "old": old.get(c), "new": new[c]}
        for c in CODES
        if current is None or old[c] != new[c]
    ]
    if current is not None and not changes:
        unchanged = {"dry_run": dry_run, "changed": False, "record": figures_out(current)}
        return Status(200, unchanged)
    old_version = current.version if current else None
    figures = current or YearlyFigures(province=py.province, year=year)
    for c, value in new.items():
        setattr(figures, c, value)
    try:
        with transaction.atomic():
            saved = figures_save(
                figures=figures,
                by=request.user,
                seen_version=payload.version if current else None,
                channel=request.api_token.history_reason,
            )
            if current is not None:
                changes.append({"field": "version", "old": old_version, "new": saved.version})
            warnings = figures_warnings(saved.values(), previous_values(saved))
            result = {
                "dry_run": dry_run,
                "changed": True,
                "changes": changes,
                "warnings": [w.message for w in warnings],
                "record": figures_out(saved),
            }
            if dry_run:
                transaction.set_rollback(True)
    except (ValidationError, IntegrityError) as exc:
        conflict = _created_meanwhile(py) if current is None else None
        if conflict is not None:
            raise conflict from None
        if isinstance(exc, IntegrityError):
            raise
        detail = gettext("Số liệu không hợp lệ theo quy tắc của số liệu năm (xem errors).")
        raise ApiProblem(422, detail, code="rule_violation", errors=_field_errors(exc)) from None
    except StaleFiguresError as exc:
        if current is None:  # created by another request since this one read: no pk here
            raise ApiProblem(409, str(exc), code="already_exists") from None
        raise _stale(payload.version, YearlyFigures.objects.get(pk=figures.pk)) from None
    except FiguresError as exc:
        raise ApiProblem(409, str(exc), code="state_conflict") from None
    # A dry run changes nothing: 200 with what the write would do, never 201.
    return Status(201 if current is None and not dry_run else 200, result)


@router.post(
    "/figures/{year}/{code}/submit",
    response={200: WriteResult},
    summary="Gửi số liệu năm cho cụm trưởng",
    description=(
        "Gửi bản nháp hoặc bản bị trả lại cho cụm trưởng, với `version` đã đọc: cùng "
        "các kiểm tra như nút trên trang (lỗi theo quy tắc thì chặn: 422; có cảnh báo "
        "thì cần `explanation` giải trình). Gửi lại một bản ghi đã gửi: 409."
    ),
)
def figures_submit_api(
    request, year: Year, code: Code, payload: SubmitWrite, dry_run: DryRun = False
):
    py = _figures_for(request, year, code, allowed=access.can_submit_figures)
    current = py.figures
    try:
        with transaction.atomic():
            saved = figures_submit(
                figures=current,
                by=request.user,
                seen_version=payload.version,
                explanation=payload.explanation,
                channel=request.api_token.history_reason,
            )
            result = {
                "dry_run": dry_run,
                "changed": True,
                "changes": [
                    {"field": "status", "old": current.status, "new": saved.status},
                    {"field": "version", "old": payload.version, "new": saved.version},
                ],
                "record": figures_out(saved),
            }
            if dry_run:
                transaction.set_rollback(True)
    except StaleFiguresError:
        raise _stale(payload.version, YearlyFigures.objects.get(pk=current.pk)) from None
    except FiguresError as exc:
        warnings = figures_warnings(current.values(), previous_values(current))
        raise ApiProblem(
            422, str(exc), code="rule_violation", warnings=[w.message for w in warnings]
        ) from None
    return Status(200, result)


def _decide(request, year: int, code: str, payload: DecideWrite, action: str):
    """Approve or return a submitted record: the chair of the year or an admin, the
    vice-head for the chair's own unit; nobody their own unit's (four eyes: refused with
    403 and the reason, `access.own_unit_refusal`)."""
    py = _figures_for(request, year, code, allowed=access.can_decide_figures, judging=action)
    current = py.figures
    try:
        if action == "approve":
            saved = figures_approve(figures=current, by=request.user, seen_version=payload.version)
        else:
            saved = figures_return(
                figures=current,
                by=request.user,
                seen_version=payload.version,
                reason=payload.reason,
            )
    except StaleFiguresError:
        raise _stale(payload.version, YearlyFigures.objects.get(pk=current.pk)) from None
    except FiguresError as exc:
        raise ApiProblem(409, str(exc), code="state_conflict") from None
    changes = [
        {"field": "status", "old": current.status, "new": saved.status},
        {"field": "version", "old": payload.version, "new": saved.version},
    ]
    return Status(
        200, {"dry_run": False, "changed": True, "changes": changes, "record": figures_out(saved)}
    )


@router.post(
    "/figures/{year}/{code}/approve",
    response={200: WriteResult},
    summary="Duyệt số liệu năm",
    description=(
        "Duyệt một bản ghi đã gửi (sau đó bản ghi bị khóa), ở `version` đã đọc: cụm "
        "trưởng năm đó, quản trị viên, cụm phó với đơn vị của cụm trưởng; không ai "
        "duyệt đơn vị của chính mình (403 kèm lý do). Bản ghi không ở trạng thái đã gửi: 409."
    ),
)
def figures_approve_api(request, year: Year, code: Code, payload: DecideWrite):
    return _decide(request, year, code, payload, "approve")


@router.post(
    "/figures/{year}/{code}/return",
    response={200: WriteResult},
    summary="Trả lại số liệu năm",
    description=(
        "Trả một bản ghi đã gửi về tỉnh kèm lý do (`reason`), ở `version` đã đọc; cùng "
        "quyền như khi duyệt."
    ),
)
def figures_return_api(request, year: Year, code: Code, payload: DecideWrite):
    return _decide(request, year, code, payload, "return")
