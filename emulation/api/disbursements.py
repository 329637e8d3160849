"""The fund-disbursement register: a province's disbursements of a year, and the bulk import with
the Excel import's all-or-nothing rules (disbursement_rows.api_disbursements_import)."""

from django.utils.translation import gettext
from ninja import Router, Status

from provinces.disbursements.lookups import get_disbursements_for_user
from provinces.disbursements.selectors import disbursement_totals, province_disbursements

from .disbursement_rows import api_disbursements_import
from .lookups import fund_totals, ref
from .problems import ApiProblem
from .schemas import Code, DryRun, LoansImport, LoansImportResult, LoansOut, Year

router = Router(tags=["Loans"])


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
        "đó và quản trị viên được đọc."
    ),
)
def disbursements(request, year: Year, code: Code):
    py = get_disbursements_for_user(request, year, code)
    totals = disbursement_totals(provinces=[py.province], year=year)
    return {
        "province": ref(py.province),
        "year": year,
        "all_funds": fund_totals(totals.all_funds[py.province.pk]),
        "htx_dev": fund_totals(totals.htx_dev[py.province.pk]),
        "loans": [
            {
                "province": disbursement.province.code,
                "fund": disbursement.fund,
                "date": disbursement.date,
                "borrower": disbursement.borrower.name,
                "borrower_type": disbursement.borrower.kind,
                "amount": disbursement.amount,
                "purpose": disbursement.purpose,
                "term_months": disbursement.term_months,
            }
            for disbursement in province_disbursements(py)
        ],
    }


@router.post(
    "/loans/import",
    operation_id="loans_import",
    response={200: LoansImportResult},
    summary="Nhập nhiều khoản giải ngân",
    description=(
        "Thêm các khoản giải ngân vào sổ, tất cả hoặc không gì, theo quy tắc của tệp "
        "nhập Excel: mã tỉnh của mỗi dòng là đơn vị có hiệu lực vào ngày giải ngân; cán "
        "bộ nhập cho đơn vị mình, cụm trưởng năm đó cho mọi thành viên, quản trị viên "
        "cho mọi tỉnh; người vay chưa có trong danh bạ được thêm vào. Có lỗi (liệt kê "
        "theo dòng và cột) thì không lưu gì; `dry_run=true` chỉ kiểm tra."
    ),
)
def disbursements_bulk_import(request, payload: LoansImport, dry_run: DryRun = False):
    rows = [row.model_dump() for row in payload.rows]
    report = api_disbursements_import(
        rows=rows, user=request.user, dry_run=dry_run, reason=request.api_token.history_reason
    )
    if not report.ok:
        detail = gettext("Có %(count)s lỗi trong các dòng gửi lên: không lưu dòng nào.") % {
            "count": len(report.errors)
        }
        errors = [
            {
                "location": "body",
                "field": f"rows.{e.row - 1}.{e.column}" if e.row else e.column,
                "code": "rule",
                "detail": e.message,
            }
            for e in report.errors
        ]
        raise ApiProblem(422, detail, code="rule_violation", errors=errors)
    result = {
        "dry_run": dry_run,
        "saved": report.saved,
        "count": len(report.rows),
        "total_amount": report.total_amount,
        "new_borrowers": [b.name for b in report.new_borrowers],
        "errors": [{"row": e.row, "column": e.column, "message": e.message} for e in report.errors],
    }
    return Status(200, result)
