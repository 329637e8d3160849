"""The fund-disbursement register: a province's loans of a year, and the bulk import with
the Excel import's all-or-nothing rules (loan_rows.loans_import)."""

from ninja import Router, Status

from provinces.register.lookups import get_register_for_user
from provinces.register.selectors import disbursement_totals, register_loans

from .loan_rows import loans_import
from .lookups import fund_totals, ref
from .schemas import Code, DryRun, LoansImport, LoansImportResult, LoansOut, Year

router = Router(tags=["Sổ giải ngân"])


@router.get("/loans/{year}/{code}", response=LoansOut)
def loans(request, year: Year, code: Code):
    """A province's register of the year (loans of units merged into it that year
    included), with the totals the report counts. Its own staff, the chair of the year
    and admins read it."""
    py = get_register_for_user(request, year, code)
    totals = disbursement_totals(provinces=[py.province], year=year)
    return {
        "province": ref(py.province),
        "year": year,
        "all_funds": fund_totals(totals.all_funds[py.province.pk]),
        "htx_dev": fund_totals(totals.htx_dev[py.province.pk]),
        "loans": [
            {
                "province": loan.province.code,
                "fund": loan.fund,
                "date": loan.date,
                "borrower": loan.borrower.name,
                "borrower_type": loan.borrower.kind,
                "amount": loan.amount,
                "purpose": loan.purpose,
                "term_months": loan.term_months,
            }
            for loan in register_loans(py)
        ],
    }


@router.post("/loans/import", response={200: LoansImportResult, 422: LoansImportResult})
def loans_bulk_import(request, payload: LoansImport, dry_run: DryRun = False):
    """Add loans to the registers, all or nothing, by the rules of the Excel import:
    each row's province code means the unit valid on the loan date; staff import their
    own unit's loans, the chair of the year any member's, admins every province's; a
    borrower new to the directory is added. Any error (listed by row and column) saves
    nothing; `dry_run` checks only."""
    rows = [row.model_dump() for row in payload.rows]
    report = loans_import(
        rows=rows, user=request.user, dry_run=dry_run, reason=request.api_token.history_reason
    )
    result = {
        "dry_run": dry_run,
        "saved": report.saved,
        "count": len(report.rows),
        "total_amount": report.total_amount,
        "new_borrowers": [b.name for b in report.new_borrowers],
        "errors": [{"row": e.row, "column": e.column, "message": e.message} for e in report.errors],
    }
    return Status(200 if report.ok else 422, result)
