"""The fund-disbursement register: a province's disbursements of a year, and the bulk import with
the Excel import's all-or-nothing rules, matched by the sending system's reference
(provinces.disbursements.batch: a batch sent again creates nothing)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext
from ninja import Field, Router, Status

from provinces.disbursements.batch import BatchConflict, disbursements_batch
from provinces.disbursements.lookups import get_disbursements_for_user, register_of
from provinces.disbursements.selectors import (
    disbursement_totals,
    disbursements_deleted_since,
    province_disbursements,
)

from .loans import FundQuery, loan_out
from .lookups import fund_totals, ref
from .paging import Limit, Offset, Page, Since, paginate
from .problems import ApiProblem
from .schemas import (
    Code,
    DryRun,
    FundTotalsOut,
    LoanOut,
    LoansImport,
    LoansImportResult,
    ProvinceRef,
    Year,
)

router = Router(tags=["Loans"])


class LoansOut(Page):
    province: ProvinceRef
    year: int
    all_funds: FundTotalsOut = Field(..., description="tổng của cả sổ (mọi trang, mọi bộ lọc)")
    htx_dev: FundTotalsOut = Field(..., description="tổng quỹ hỗ trợ phát triển HTX của cả sổ")
    loans: list[LoanOut] = Field(..., description="các khoản của trang, mới nhất trước")


# The API's paths (/loans/…), operation ids, schema names and JSON fields are published
# (clients generate code from them): they keep the word "loans".
@router.get(
    "/loans/{year}/{code}",
    operation_id="loans",
    response=LoansOut,
    summary="Sổ giải ngân của một tỉnh",
    description=(
        "Sổ giải ngân của một tỉnh trong năm (kể cả các khoản của đơn vị sáp nhập vào "
        "tỉnh trong năm), với các tổng mà báo cáo tính. Cán bộ của tỉnh, cụm trưởng năm "
        "đó và quản trị viên được đọc. Các khoản từng trang (`limit`, `offset`), mới nhất "
        "trước, lọc theo quỹ; `updated_since`: chỉ các khoản ghi từ thời điểm đó, kèm mã "
        "các khoản đã xóa (`deleted`); các tổng luôn là của cả sổ."
    ),
)
def disbursements(
    request,
    year: Year,
    code: Code,
    fund: FundQuery = None,
    updated_since: Since = None,
    limit: Limit = 100,
    offset: Offset = 0,
):
    py = get_disbursements_for_user(request, year, code)
    totals = disbursement_totals(provinces=[py.province], year=year)
    loans = province_disbursements(py, fund=fund or "")
    deleted = []
    if updated_since is not None:
        loans = loans.filter(updated_at__gte=updated_since)
        deleted = disbursements_deleted_since(py, since=updated_since)
    page = paginate(loans, limit=limit, offset=offset, out=loan_out, deleted=deleted, key="loans")
    return {
        "province": ref(py.province),
        "year": year,
        "all_funds": fund_totals(totals.all_funds[py.province.pk]),
        "htx_dev": fund_totals(totals.htx_dev[py.province.pk]),
        **page,
    }


@router.post(
    "/loans/import",
    operation_id="loans_import",
    response={200: LoansImportResult},
    summary="Nhập nhiều khoản giải ngân",
    description=(
        "Nhập một lô khoản giải ngân (tối đa 10.000 dòng, như tệp nhập Excel), tất cả "
        "hoặc không gì, theo quy tắc của tệp nhập Excel: mã tỉnh của mỗi dòng là đơn vị có "
        "hiệu lực vào ngày giải ngân; cán bộ nhập cho đơn vị mình, cụm trưởng năm đó cho "
        "mọi thành viên, quản trị viên cho mọi tỉnh; người vay chưa có trong danh bạ được "
        "thêm vào. Dòng có `ref` (mã tham chiếu của hệ thống gửi) đã có trong sổ thì sửa "
        "khoản đó, hoặc để nguyên khi không khác gì: gửi lại cả lô không tạo thêm khoản "
        "nào. Kết quả kiểu DHIS2: số dòng tạo mới, sửa, giữ nguyên, bị từ chối. Có dòng bị "
        "từ chối thì không lưu gì: 422, lý do từng dòng trong `errors` (rows.<số thứ tự>."
        "<cột>) và bản tổng kết trong `summary`. `dry_run=true` chỉ kiểm tra. Một lần ghi "
        "khác xen vào cùng lúc: 409, không lưu gì."
    ),
)
def disbursements_bulk_import(request, payload: LoansImport, dry_run: DryRun = False):
    rows = [row.model_dump() for row in payload.rows]
    for row in rows:
        row["client_ref"] = row.pop("ref")

    def may_edit(disbursement) -> bool:
        try:
            register_of(request, disbursement, write=True)
        except (Http404, PermissionDenied):
            return False
        return True

    try:
        batch = disbursements_batch(
            rows=rows,
            user=request.user,
            dry_run=dry_run,
            reason=request.api_token.history_reason,
            may_edit=may_edit,
        )
    except BatchConflict as exc:
        detail = gettext(
            "Lô này gặp một lần ghi khác cùng lúc (khoản giải ngân vừa được sửa, hoặc mã tham "
            "chiếu vừa được dùng): chưa lưu gì, hãy gửi lại."
        )
        raise ApiProblem(409, f"{detail} ({exc})", code="conflict") from None
    summary = batch_summary(batch, rows)
    if batch.errors:
        detail = gettext("Có %(count)s lỗi trong các dòng gửi lên: không lưu dòng nào.") % {
            "count": len(batch.errors)
        }
        errors = [
            {
                "location": "body",
                "field": f"rows.{e.row - 1}.{_field(e.column)}" if e.row else e.column,
                "code": "rule",
                "detail": e.message,
            }
            for e in batch.errors
        ]
        raise ApiProblem(
            422, detail, code="rule_violation", errors=errors, extensions={"summary": summary}
        )
    return Status(200, summary)


def _field(column: str) -> str:
    return "ref" if column == "client_ref" else column


def batch_summary(batch, rows: list[dict]) -> dict:
    """The DHIS2-like summary of a batch (emulation's words for provinces' BatchRow)."""
    report = batch.checked
    counts = {action: batch.count(action) for action in ("created", "updated", "unchanged")}
    refused = batch.refused_rows
    counts["refused"] = len([row for row in refused if row is not None])
    counts["total"] = len(rows)
    return {
        "status": "ERROR" if batch.errors else "OK",
        "dry_run": batch.dry_run,
        "saved": batch.saved,
        "count": len(rows),
        "total_amount": report.total_amount,
        "new_borrowers": [b.name for b in report.new_borrowers],
        "counts": counts,
        "rows": [
            {
                "row": o.row,
                "ref": o.ref,
                "action": o.action,
                "id": o.disbursement.pk if o.disbursement is not None else None,
            }
            for o in batch.outcomes
        ],
        "refused": [
            {
                "row": row,
                "ref": str(rows[row - 1].get("client_ref") or "") if row else "",
                "reasons": [_problem(e) for e in errors],
            }
            for row, errors in refused.items()
        ],
        "errors": [_problem(e) for e in batch.errors],
    }


def _problem(error) -> dict:
    return {"row": error.row, "column": _field(error.column), "message": error.message}
