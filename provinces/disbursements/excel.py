"""The fund-disbursement register from Excel (.xlsx) or CSV: the importer behind the web
page and `import_disbursements`, through the one upload pipeline
(provinces.spreadsheets.pipeline); the rows are checked and written by
`DisbursementResource` (excel_resource.py).

Columns are the contract: `province`, `fund`, `date` (dd/mm/yyyy), `borrower`,
`borrower_type` (HTX|THT), `amount` (million VND), `purpose`, and optionally
`term_months`. All or nothing: a single bad row and no disbursement is kept. A dry run writes
nothing either: borrowers new to the directory are reported, not created.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext, gettext_lazy, gettext_noop

from cluster_portal.number_style import format_exact
from provinces.disbursements.models import Cooperative, Disbursement, Fund
from provinces.organisation.models import Province
from provinces.spreadsheets.pipeline import Importer, UploadReport, run_import, run_import_rows
from provinces.spreadsheets.reading import UPLOAD_MAX_BYTES, Layout, Table

from .excel_resource import DisbursementResource

DISBURSEMENTS_UPLOAD_MAX_BYTES = UPLOAD_MAX_BYTES
# A province's register holds tens to hundreds of disbursements a year; a cluster's several years
# of history fit many times over.
DISBURSEMENTS_IMPORT_MAX_ROWS = 10_000
# The preview lists this many rows, then the possible duplicates after them; the totals by
# province cover every row. 10,000 rows in full made a 4.5 MB page.
PREVIEW_ROWS = 100

COLUMNS = ("province", "fund", "date", "borrower", "borrower_type", "amount", "purpose")
OPTIONAL_COLUMNS = ("term_months", "client_ref")

COLUMN_LABELS = {
    "province": gettext_noop("Mã tỉnh"),
    "fund": gettext_noop("Quỹ"),
    "date": gettext_noop("Ngày giải ngân"),
    "borrower": gettext_noop("Đơn vị vay"),
    "borrower_type": gettext_noop("Loại hình"),
    "amount": gettext_noop("Số tiền (triệu đồng)"),
    "purpose": gettext_noop("Mục đích vay"),
    "term_months": gettext_noop("Thời hạn (tháng)"),
    "client_ref": gettext_noop("Mã tham chiếu"),
}

# What the web page explains about each column (in the reader's language: excel_views).
COLUMN_HELP = {
    "province": gettext_noop(
        "mã tỉnh 2 chữ số của đơn vị có hiệu lực vào ngày giải ngân, ví dụ 14"
    ),
    "fund": gettext_noop("htx_dev (Quỹ hỗ trợ phát triển HTX) hoặc other (Quỹ khác)"),
    "date": gettext_noop("ngày/tháng/năm, ví dụ 05/06/2025, hoặc ô kiểu ngày của Excel"),
    "borrower": gettext_noop(
        "tên HTX/THT (tối đa 255 ký tự); tên chưa có trong danh bạ sẽ được thêm"
    ),
    "borrower_type": gettext_noop("HTX hoặc THT"),
    "amount": gettext_noop("triệu đồng, lớn hơn 0; viết kiểu Việt Nam: 1.250 hoặc 1.637,5"),
    "purpose": gettext_noop("có thể để trống"),
    "term_months": gettext_noop("cột không bắt buộc; số tháng"),
    "client_ref": gettext_noop(
        "cột không bắt buộc; mã của khoản giải ngân trong hệ thống của bạn, không trùng"
    ),
}


@dataclass
class ImportRow:
    """A checked row: what will be (or was) saved."""

    row: int
    province: Province
    fund: str
    date: datetime.date
    borrower: Cooperative
    borrower_is_new: bool
    amount: Decimal
    purpose: str
    term_months: int | None
    possible_duplicate: bool = False  # the same disbursement is already in the register
    client_ref: str = ""
    instance: Disbursement | None = None  # what is saved (its id once the import wrote it)

    @property
    def fund_label(self) -> str:
        return str(Fund(self.fund).label)


@dataclass
class ProvinceTotal:
    """What a file adds to one unit's register."""

    province: Province
    disbursements: int = 0
    amount: Decimal = Decimal(0)
    new_borrowers: int = 0


@dataclass
class DisbursementImportReport(UploadReport):
    @property
    def new_borrowers(self) -> list[Cooperative]:
        """Directory entries the import adds (once each, however many rows name them)."""
        seen, found = set(), []
        for row in self.rows:
            if row.borrower_is_new and id(row.borrower) not in seen:
                seen.add(id(row.borrower))
                found.append(row.borrower)
        return found

    @property
    def total_amount(self) -> Decimal:
        return sum((row.amount for row in self.rows), Decimal(0))

    @property
    def possible_duplicates(self) -> list[ImportRow]:
        return [row for row in self.rows if row.possible_duplicate]

    @property
    def by_province(self) -> list[ProvinceTotal]:
        """Disbursements, amount and new directory entries per unit, in the order of the file."""
        totals: dict[int, ProvinceTotal] = {}
        for row in self.rows:
            total = totals.setdefault(row.province.pk, ProvinceTotal(row.province))
            total.disbursements += 1
            total.amount += row.amount
        for borrower in self.new_borrowers:  # added to the directory of its disbursement's unit
            totals[borrower.province.pk].new_borrowers += 1
        return list(totals.values())

    @property
    def shown_rows(self) -> list[ImportRow]:
        """The rows the preview lists: the first PREVIEW_ROWS, then every possible
        duplicate after them (the rows someone must look at)."""
        later = [row for row in self.rows[PREVIEW_ROWS:] if row.possible_duplicate]
        return self.rows[:PREVIEW_ROWS] + later

    @property
    def unshown_rows(self) -> int:
        return len(self.rows) - len(self.shown_rows)

    def summary(self) -> str:
        values = {
            "count": format_exact(len(self.rows)),
            "amount": format_exact(self.total_amount),
            "new": format_exact(len(self.new_borrowers)),
        }
        new = len(self.new_borrowers)
        if self.saved:
            if new:
                message = gettext(
                    "Đã nhập %(count)s khoản giải ngân, tổng %(amount)s triệu đồng; "
                    "đã thêm %(new)s đơn vị vay mới vào danh bạ."
                )
            else:
                message = gettext("Đã nhập %(count)s khoản giải ngân, tổng %(amount)s triệu đồng.")
        elif new:
            message = gettext(
                "Chạy thử, chưa lưu gì: %(count)s khoản giải ngân, tổng %(amount)s triệu đồng; "
                "sẽ thêm %(new)s đơn vị vay mới vào danh bạ."
            )
        else:
            message = gettext(
                "Chạy thử, chưa lưu gì: %(count)s khoản giải ngân, tổng %(amount)s triệu đồng."
            )
        return message % values


class DisbursementImporter(Importer):
    layout = Layout(
        columns=COLUMNS, optional=OPTIONAL_COLUMNS, max_rows=DISBURSEMENTS_IMPORT_MAX_ROWS
    )
    column_labels = COLUMN_LABELS
    report_class = DisbursementImportReport
    no_rows_message = gettext_lazy("Tệp không có khoản giải ngân nào (chỉ có dòng tiêu đề).")

    def resource(self, *, user, row_numbers, dry_run, **options) -> DisbursementResource:
        return DisbursementResource(user=user, row_numbers=row_numbers, **options)

    def preview(self, report, result, resource, rows) -> None:
        for number, row_result in zip(rows, result.rows, strict=True):
            disbursement, facts = row_result.instance, resource.facts[number]
            report.rows.append(
                ImportRow(
                    row=number,
                    province=disbursement.province,
                    fund=disbursement.fund,
                    date=disbursement.date,
                    borrower=disbursement.borrower,
                    borrower_is_new=facts.borrower_is_new,
                    amount=disbursement.amount,
                    purpose=disbursement.purpose,
                    term_months=disbursement.term_months,
                    possible_duplicate=facts.possible_duplicate,
                    client_ref=disbursement.client_ref,
                    instance=disbursement,
                )
            )


def disbursements_import(
    *, data: bytes | Table, filename: str, user, dry_run: bool
) -> DisbursementImportReport:
    """Import an .xlsx or .csv of disbursements into the register, all or nothing. `data` is the
    file, or the table its preview read (`report.table`).

    `user` is the person importing (access rules apply per row, and history records
    them); None only for the command line without --user. With `dry_run` everything is
    checked and nothing is kept, not even the new directory entries.
    """
    return run_import(
        DisbursementImporter(), data=data, filename=filename, user=user, dry_run=dry_run
    )


def disbursements_import_rows(
    *, rows: list[dict], source: str, user, dry_run: bool, change_reason: str = ""
) -> DisbursementImportReport:
    """The same import for rows that arrive as cells keyed by the column codes (the API):
    the same checks, the same all-or-nothing save, errors by row (1 = the first row);
    `change_reason` names the change in the history."""
    return run_import_rows(
        DisbursementImporter(),
        rows=rows,
        source=source,
        user=user,
        dry_run=dry_run,
        change_reason=change_reason,
    )
