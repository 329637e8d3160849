"""The fund-disbursement register from Excel (.xlsx) or CSV: one importer behind the web
page and the `import_disbursements` command (design.md, "Contracts").

Columns are the contract: `province`, `fund`, `date` (dd/mm/yyyy), `borrower`,
`borrower_type` (HTX|THT), `amount` (million VND), `purpose`, and optionally
`term_months`. A province code means the unit valid ON THE LOAN DATE: 15 dated 01/03/2025
is Yên Bái, dated 01/09/2025 the merged Lào Cai.

An import is all-or-nothing. Every row is checked first, without writing anything, by the
same rules as the web form (`Disbursement.full_clean()`, `Cooperative.full_clean()`); the
rows are then saved in one transaction, and a single bad row rolls the whole file back.
Every problem is reported with its spreadsheet row, column code and reason. A dry run
stops after the check: borrowers new to the directory are reported, not created.

Reading the file (size limit, zip-bomb guard, .xlsx/.csv parsing) is shared with the
yearly-figures import (`figures_io`).
"""

from __future__ import annotations

import calendar
import contextlib
import datetime
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction

from cluster_portal import access
from provinces.figures_io import cell_number
from provinces.models import (
    BorrowerKind,
    ClusterMembership,
    Cooperative,
    Disbursement,
    Fund,
    Province,
    directory_key,
)
from provinces.numbers import format_vn_number
from provinces.organisation.dates import fmt_date
from provinces.uploads import (
    UPLOAD_MAX_BYTES,
    FileProblem,
    upload_rows,
)

# The same bound as the figures upload (`check_upload_size`).
DISBURSEMENTS_UPLOAD_MAX_BYTES = UPLOAD_MAX_BYTES
# A province's register holds tens to hundreds of loans a year.
DISBURSEMENTS_IMPORT_MAX_ROWS = 5_000

COLUMNS = ("province", "fund", "date", "borrower", "borrower_type", "amount", "purpose")
OPTIONAL_COLUMNS = ("term_months",)
CHANGE_REASON = "Nhập sổ giải ngân từ tệp Excel/CSV"

COLUMN_LABELS = {
    "province": "Mã tỉnh",
    "fund": "Quỹ",
    "date": "Ngày giải ngân",
    "borrower": "Đơn vị vay",
    "borrower_type": "Loại hình",
    "amount": "Số tiền (triệu đồng)",
    "purpose": "Mục đích vay",
    "term_months": "Thời hạn (tháng)",
}

# What the web page explains about each column.
COLUMN_HELP = {
    "province": "mã tỉnh 2 chữ số của đơn vị có hiệu lực vào ngày giải ngân, ví dụ 14",
    "fund": "htx_dev (Quỹ hỗ trợ phát triển HTX) hoặc other (Quỹ khác)",
    "date": "ngày/tháng/năm, ví dụ 05/06/2025, hoặc ô kiểu ngày của Excel",
    "borrower": "tên HTX/THT (tối đa 255 ký tự); tên chưa có trong danh bạ sẽ được thêm",
    "borrower_type": "HTX hoặc THT",
    "amount": "triệu đồng, lớn hơn 0; viết kiểu Việt Nam: 1.250 hoặc 1.637,5",
    "purpose": "có thể để trống",
    "term_months": "cột không bắt buộc; số tháng",
}

_DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_FUNDS = {
    **{directory_key(value): value for value in Fund.values},
    **{directory_key(label): value for value, label in Fund.choices},
}
_KINDS = {
    **{directory_key(value): value for value in BorrowerKind.values},
    **{directory_key(label): value for value, label in BorrowerKind.choices},
    directory_key("Hợp tác xã"): BorrowerKind.HTX,
    directory_key("Tổ hợp tác"): BorrowerKind.THT,
}
# Model fields and the columns they come from.
_LOAN_COLUMNS = {
    "province": "province",
    "fund": "fund",
    "date": "date",
    "borrower": "borrower",
    "amount": "amount",
    "purpose": "purpose",
    "term_months": "term_months",
    NON_FIELD_ERRORS: "",
}
_BORROWER_COLUMNS = {"name": "borrower", "name_key": "borrower", "kind": "borrower_type"}


# Access ---------------------------------------------------------------------------------
#
# A loan counts, for access, as the loan of the unit its province had become at the end of
# the year: staff of the merged Lào Cai keep the loans Yên Bái made earlier that year, as
# the register shows them together. The decisions themselves live in cluster_portal.access.


def can_import_disbursement_for(user, province: Province, year: int) -> bool:
    from provinces.models import ClusterTerm

    unit = province.unit_in(year)
    if unit is None:
        return access.is_admin(user)
    membership = ClusterMembership.objects.in_year(year).filter(province=unit).first()
    term = (
        ClusterTerm.objects.filter(cluster_id=membership.cluster_id, year=year).first()
        if membership
        else None
    )
    return access.can_import_disbursements_for(user, unit, year, term)


# Report ---------------------------------------------------------------------------------


class RowError(NamedTuple):
    """One problem: spreadsheet row (the header is row 1; None for the whole file), column
    code ("" for the whole row or file) and the reason, in Vietnamese."""

    row: int | None
    column: str
    message: str

    @property
    def column_label(self) -> str:
        return COLUMN_LABELS.get(self.column, self.column)

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"Dòng {self.row}")
        if self.column:
            where.append(f"cột {self.column}")
        return f"{', '.join(where)}: {self.message}" if where else self.message


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
    possible_duplicate: bool = False  # the same loan is already in the register
    loan: Disbursement | None = None  # set once saved

    @property
    def fund_label(self) -> str:
        return Fund(self.fund).label


@dataclass
class DisbursementImportReport:
    filename: str
    dry_run: bool
    rows: list[ImportRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    saved: bool = False

    @classmethod
    def refused(cls, *, filename: str, dry_run: bool, message: str) -> DisbursementImportReport:
        """A file refused before reading it (the web page and the command check the size
        of an upload first, so that an oversize file is never held in memory)."""
        return cls(filename=filename, dry_run=dry_run, errors=[RowError(None, "", message)])

    @property
    def ok(self) -> bool:
        return not self.errors

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

    def summary(self) -> str:
        text = (
            f"{format_vn_number(len(self.rows))} khoản giải ngân, tổng "
            f"{format_vn_number(self.total_amount)} triệu đồng"
        )
        new = len(self.new_borrowers)
        if self.saved:
            added = f"; đã thêm {format_vn_number(new)} đơn vị vay mới vào danh bạ" if new else ""
            return f"Đã nhập {text}{added}."
        added = f"; sẽ thêm {format_vn_number(new)} đơn vị vay mới vào danh bạ" if new else ""
        return f"Chạy thử, chưa lưu gì: {text}{added}."


# Reading the file -----------------------------------------------------------------------


def read_disbursement_rows(*, data: bytes, filename: str) -> list[tuple[int, dict]]:
    """The data rows of an upload as (row number, {column code: cell value}); raises
    FileProblem naming what is wrong with the file as a whole."""
    raw_rows = upload_rows(data=data, filename=filename)
    if not raw_rows or all(_blank(v) for v in raw_rows[0]):
        raise FileProblem(
            f"Tệp rỗng hoặc dòng đầu tiên trống: dòng 1 phải là mã cột ({', '.join(COLUMNS)})."
        )
    headers = [str(v).strip().casefold() if v is not None else "" for v in raw_rows[0]]
    missing = [column for column in COLUMNS if column not in headers]
    if missing:
        raise FileProblem(
            f"Thiếu cột: {', '.join(missing)}. Dòng 1 phải là mã cột: {', '.join(COLUMNS)} "
            f"(thêm {', '.join(OPTIONAL_COLUMNS)} nếu có)."
        )
    known = (*COLUMNS, *OPTIONAL_COLUMNS)
    repeated = sorted({h for h in headers if h in known and headers.count(h) > 1})
    if repeated:
        raise FileProblem(f"Cột xuất hiện hơn một lần: {', '.join(repeated)}.")
    index = {header: i for i, header in enumerate(headers) if header in known}
    rows = []
    for number, raw in enumerate(raw_rows[1:], start=2):
        cells = {column: raw[i] if i < len(raw) else None for column, i in index.items()}
        cells = {column: None if _blank(v) else v for column, v in cells.items()}
        if all(value is None for value in cells.values()):
            continue
        if len(rows) >= DISBURSEMENTS_IMPORT_MAX_ROWS:
            raise FileProblem(
                f"Tệp có hơn {format_vn_number(DISBURSEMENTS_IMPORT_MAX_ROWS)} khoản giải ngân: "
                "hãy tách thành nhiều tệp."
            )
        rows.append((number, cells))
    if not rows:
        raise FileProblem("Tệp không có khoản giải ngân nào (chỉ có dòng tiêu đề).")
    return rows


# Cells ----------------------------------------------------------------------------------


class _CellError(ValueError):
    pass


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.strftime("%d/%m/%Y")
    return " ".join(str(value).replace("\u00a0", " ").split())


def _province_code(value: object) -> str:
    text = _text(value)
    if not text:
        raise _CellError("Chưa nhập mã tỉnh.")
    if text.isdigit() and len(text) == 1:
        text = "0" + text  # Excel drops the leading zero of 04 in a number cell
    if not (len(text) == 2 and text.isdigit()):
        raise _CellError(f"Mã tỉnh “{text}” không hợp lệ: cần 2 chữ số, ví dụ 14 (Sơn La).")
    return text


def _fund(value: object) -> str:
    text = _text(value)
    if not text:
        raise _CellError("Chưa ghi quỹ: htx_dev (Quỹ hỗ trợ phát triển HTX) hoặc other.")
    fund = _FUNDS.get(directory_key(text))
    if fund is None:
        raise _CellError(
            f"Quỹ “{text}” không hợp lệ: ghi htx_dev (Quỹ hỗ trợ phát triển HTX) hoặc "
            "other (Quỹ khác)."
        )
    return fund


def _date(value: object) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = _text(value)
    if not text:
        raise _CellError("Chưa nhập ngày giải ngân.")
    match = _DMY.match(text)
    if not match:
        raise _CellError(
            f"Ngày “{text}” không đúng dạng ngày/tháng/năm (dd/mm/yyyy), ví dụ 05/06/2025."
        )
    day, month, year = (int(part) for part in match.groups())
    if not 1 <= month <= 12:
        raise _CellError(f"Ngày “{text}” không có thật: không có tháng {month}.")
    last = calendar.monthrange(year, month)[1] if year >= 1 else 31
    if not 1 <= day <= last:
        raise _CellError(
            f"Ngày “{text}” không có thật: tháng {month} năm {year} chỉ có {last} ngày."
        )
    try:
        return datetime.date(year, month, day)
    except ValueError:  # year 0
        raise _CellError(f"Ngày “{text}” không có thật.") from None


def _borrower_name(value: object) -> str:
    name = _text(value)
    if not name:
        raise _CellError("Chưa nhập tên đơn vị vay.")
    limit = Cooperative._meta.get_field("name").max_length
    if len(name) > limit:
        raise _CellError(
            f"Tên đơn vị vay dài {format_vn_number(len(name))} ký tự, quá giới hạn {limit} ký tự."
        )
    return name


def _borrower_kind(value: object) -> str:
    text = _text(value)
    kind = _KINDS.get(directory_key(text))
    if kind is None:
        shown = f"“{text}” " if text else ""
        raise _CellError(
            f"Loại hình {shown}không hợp lệ: ghi HTX (hợp tác xã) hoặc THT (tổ hợp tác)."
        )
    return kind


def _amount(value: object) -> Decimal:
    if value is None:
        raise _CellError("Chưa nhập số tiền.")
    try:
        number = cell_number(value, integer=False)
    except ValueError as exc:
        raise _CellError(str(exc)) from None
    # 1.500 (text "1,500") is 1,5: store it with the model's two decimal places.
    return number.quantize(Decimal("0.01"))


def _term_months(value: object) -> int | None:
    if value is None:
        return None
    try:
        months = cell_number(value, integer=True)
    except ValueError as exc:
        raise _CellError(str(exc)) from None
    if months < 0:
        raise _CellError("Thời hạn vay không được âm.")
    return months


_READERS = {
    "province": _province_code,
    "fund": _fund,
    "date": _date,
    "borrower": _borrower_name,
    "borrower_type": _borrower_kind,
    "amount": _amount,
    "purpose": _text,
    "term_months": _term_months,
}


# Checking -------------------------------------------------------------------------------


class _Units:
    """Every provincial unit, read once: codes resolve by date in memory."""

    def __init__(self):
        self.all = list(Province.objects.all())
        self.by_pk = {p.pk: p for p in self.all}
        for unit in self.all:
            if unit.successor_id:
                unit.successor = self.by_pk[unit.successor_id]

    def on(self, code: str, day: datetime.date) -> Province | None:
        """As Province.objects.valid_on(day).filter(code=code), without a query per row."""
        return next((p for p in self.all if p.code == code and p.is_valid_on(day)), None)

    def with_code(self, code: str) -> list[Province]:
        return [p for p in self.all if p.code == code]

    def directory_of(self, province: Province) -> list[int]:
        """The directories a province's borrowers are looked up in: its own first, then
        its predecessors' (as `borrower_find_or_create`)."""
        return [province.pk, *(p.pk for p in self.all if p.successor_id == province.pk)]


class _Checker:
    def __init__(self, *, user, units: _Units, parsed: list[tuple[int, dict, dict]]):
        self.user, self.units = user, units
        self.allowed: dict[tuple[int, int], bool] = {}
        keys = {
            directory_key(values["borrower"]) for _, values, _ in parsed if "borrower" in values
        }
        self.directory: dict[str, list[Cooperative]] = defaultdict(list)
        for cooperative in Cooperative.objects.filter(name_key__in=keys):
            cooperative.province = units.by_pk[cooperative.province_id]
            self.directory[cooperative.name_key].append(cooperative)

    def may_import(self, province: Province, year: int) -> bool:
        if self.user is None:  # the command line without --user
            return True
        key = (province.pk, year)
        if key not in self.allowed:
            self.allowed[key] = can_import_disbursement_for(self.user, province, year)
        return self.allowed[key]

    def borrower(self, province: Province, name: str, kind: str) -> tuple[Cooperative, bool]:
        """The directory entry a row's borrower means: found in the province's directory or
        its predecessors' (an entry an earlier row of the file adds counts as found), or a
        new one, checked and left unsaved."""
        key = directory_key(name)
        directories = self.units.directory_of(province)
        found = sorted(
            (c for c in self.directory[key] if c.province_id in directories),
            key=lambda c: directories.index(c.province_id),
        )
        if found:
            return found[0], found[0].pk is None
        cooperative = Cooperative(province=province, name=name, kind=kind)
        cooperative.full_clean()
        self.directory[key].append(cooperative)
        return cooperative, True

    def check(self, number: int, values: dict, errors: dict[str, str]) -> ImportRow | None:
        province = None
        if "province" in values and "date" in values:
            province = self._province(values["province"], values["date"], errors)
        borrower, is_new = None, False
        if province is not None and "borrower" in values and "borrower_type" in values:
            try:
                borrower, is_new = self.borrower(
                    province, values["borrower"], values["borrower_type"]
                )
            except ValidationError as exc:
                _add(errors, exc, _BORROWER_COLUMNS, default="borrower")
        loan = Disbursement(
            province=province,
            fund=values.get("fund", ""),
            date=values.get("date"),
            borrower=borrower,
            amount=values.get("amount"),
            purpose=values.get("purpose", ""),
            term_months=values.get("term_months"),
        )
        # Cells that could not be read are not checked again. The province and an existing
        # borrower were just read from the database, so the field check (one query each:
        # does it exist?) is skipped; clean() still applies every rule about them. A new
        # borrower was checked on its own, above.
        exclude = {column for column in errors if column in _LOAN_COLUMNS}
        exclude |= {"province", "borrower"}
        try:
            loan.full_clean(exclude=exclude)
        except ValidationError as exc:
            _add(errors, exc, _LOAN_COLUMNS)
        if errors:
            return None
        return ImportRow(
            row=number,
            province=province,
            fund=loan.fund,
            date=loan.date,
            borrower=borrower,
            borrower_is_new=is_new,
            amount=loan.amount,
            purpose=loan.purpose,
            term_months=loan.term_months,
        )

    def _province(self, code: str, day: datetime.date, errors: dict) -> Province | None:
        province = self.units.on(code, day)
        if province is None:
            known = ", ".join(str(p) for p in self.units.with_code(code))
            errors["province"] = (
                f"Không có tỉnh nào mang mã {code} vào ngày {fmt_date(day)} (mã tỉnh tính theo "
                "đơn vị có hiệu lực vào ngày giải ngân)."
                + (f" Mã {code} là: {known}." if known else "")
            )
            return None
        if not self.may_import(province, day.year):
            errors["province"] = (
                f"Bạn không có quyền nhập khoản vay của {province.alliance_name} năm "
                f"{day.year}: cán bộ tỉnh chỉ nhập sổ giải ngân của tỉnh mình; Cụm trưởng năm "
                f"{day.year} và quản trị viên nhập được cho mọi thành viên."
            )
            return None
        return province


def _add(errors: dict[str, str], exc: ValidationError, columns: dict, default: str = "") -> None:
    for name, messages in exc.message_dict.items():
        column = columns.get(name, default)
        text = " ".join(messages)
        errors[column] = f"{errors[column]} {text}" if column in errors else text


def _mark_duplicates(rows: list[ImportRow]) -> None:
    """Flag rows already in the register (same unit, fund, date, borrower and amount):
    most often the same file uploaded twice. A warning, not an error."""
    known = [row for row in rows if not row.borrower_is_new]
    if not known:
        return
    existing = set(
        Disbursement.objects.filter(
            borrower__in={row.borrower.pk for row in known},
            date__in={row.date for row in known},
        ).values_list("province_id", "fund", "date", "borrower_id", "amount")
    )
    for row in known:
        key = (row.province.pk, row.fund, row.date, row.borrower.pk, row.amount)
        row.possible_duplicate = key in existing


def _check_rows(*, user, rows: list[tuple[int, dict]], errors: list[RowError]) -> list[ImportRow]:
    parsed = []
    for number, cells in rows:
        values, row_errors = {}, {}
        for column, read in _READERS.items():
            try:
                values[column] = read(cells.get(column))
            except _CellError as exc:
                row_errors[column] = str(exc)
        parsed.append((number, values, row_errors))
    checker = _Checker(user=user, units=_Units(), parsed=parsed)
    checked = []
    order = {column: i for i, column in enumerate(("", *COLUMNS, *OPTIONAL_COLUMNS))}
    for number, values, row_errors in parsed:
        row = checker.check(number, values, row_errors)
        if row is not None:
            checked.append(row)
        for column in sorted(row_errors, key=lambda c: order.get(c, len(order))):
            errors.append(RowError(number, column, row_errors[column]))
    _mark_duplicates(checked)
    return checked


# Saving ---------------------------------------------------------------------------------


def _save_rows(*, user, rows: list[ImportRow], errors: list[RowError]) -> None:
    """Write the rows just checked in the same transaction; the caller rolls back on any
    error. Loans are not checked a second time (the database constraints still apply);
    a new borrower is, as someone may have added the same name since the preview."""
    for row in rows:
        borrower = row.borrower
        if borrower.pk is None:
            try:
                borrower.full_clean()
            except ValidationError as exc:
                row_errors: dict[str, str] = {}
                _add(row_errors, exc, _BORROWER_COLUMNS, default="borrower")
                errors.extend(RowError(row.row, c, text) for c, text in row_errors.items())
                continue
            borrower._history_user = user
            borrower._change_reason = CHANGE_REASON
            borrower.save()
        loan = Disbursement(
            province=row.province,
            fund=row.fund,
            date=row.date,
            borrower=borrower,
            amount=row.amount,
            purpose=row.purpose,
            term_months=row.term_months,
        )
        loan._history_user = user
        loan._change_reason = CHANGE_REASON
        loan.save()
        row.loan = loan


# Import ---------------------------------------------------------------------------------


def disbursements_import(
    *, data: bytes, filename: str, user, dry_run: bool
) -> DisbursementImportReport:
    """Import an .xlsx or .csv of loans into the register, all or nothing.

    `user` is the person importing (access rules apply per row, and history records
    them); None only for the command line without --user. With `dry_run` everything is
    checked and nothing is written, not even the new directory entries.
    """
    report = DisbursementImportReport(filename=filename, dry_run=dry_run)
    try:
        rows = read_disbursement_rows(data=data, filename=filename)
    except FileProblem as exc:
        report.errors.append(RowError(None, "", str(exc)))
        return report
    # The check reads only; the real import checks again inside its transaction so that
    # what is saved is what was checked.
    writing = contextlib.nullcontext() if dry_run else transaction.atomic()
    try:
        with writing:
            report.rows = _check_rows(user=user, rows=rows, errors=report.errors)
            if not dry_run and not report.errors:
                _save_rows(user=user, rows=report.rows, errors=report.errors)
                if report.errors:
                    transaction.set_rollback(True)
    except IntegrityError:
        report.errors.append(
            RowError(
                None,
                "",
                "Sổ giải ngân hoặc danh bạ vừa được người khác thay đổi trong lúc nhập: "
                "không có gì được lưu, hãy nhập lại.",
            )
        )
    report.saved = not dry_run and report.ok
    if not report.saved:
        for row in report.rows:  # nothing was kept: forget ids given in the transaction
            if row.borrower_is_new:
                row.borrower.pk = None
            row.loan = None
    return report
