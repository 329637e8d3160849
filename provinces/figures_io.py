"""Yearly figures in Excel (.xlsx) and CSV: one importer and one exporter behind the web
pages and the `import_figures` / `export_figures` commands (design.md, "Contracts").

Columns are the contract: `province` (2-digit code of the unit valid on 31 December of the
row's year), `year`, then the indicator codes of `figures_spec.CODES`. Exports add two
columns for people, `province_name` and `status`, which the import ignores.

An import is all-or-nothing: it runs in one transaction (django-import-export with
`use_transactions`), every row is checked by the model's own validation
(`YearlyFigures.full_clean()`, i.e. `figures_rules`), and a single bad row rolls back the
whole file. Every problem is reported with its spreadsheet row, column code and reason.
"""

from __future__ import annotations

import csv
import datetime
import io
import logging
import math
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, NamedTuple

import openpyxl
import tablib
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError
from django.db.models import Q
from import_export import fields, resources, widgets
from import_export.instance_loaders import BaseInstanceLoader
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from cluster_portal import access
from provinces.figures.selectors import ProvinceYear, readable_figures
from provinces.figures.spec import BY_CODE, CODES
from provinces.models import Cluster, ClusterMembership, FiguresStatus, Province, YearlyFigures
from provinces.numbers import NumberFormatError, format_vn_number, parse_vn_number
from provinces.organisation.selectors import cluster_members
from provinces.uploads import (
    IMPORT_MAX_ROWS,
    UNZIPPED_MAX_BYTES,
    UPLOAD_MAX_BYTES,
    FileProblem,
    too_many_rows,
    upload_rows,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

logger = logging.getLogger(__name__)

FIGURES_UPLOAD_MAX_BYTES = UPLOAD_MAX_BYTES
FIGURES_UNZIPPED_MAX_BYTES = UNZIPPED_MAX_BYTES
FIGURES_IMPORT_MAX_ROWS = IMPORT_MAX_ROWS
# Same bounds as the web form (provinces/forms.py): PostgreSQL integers, Decimal(14, 2).
MAX_COUNT = 2_000_000_000
MAX_MONEY = Decimal(10) ** 12

ID_COLUMNS = ("province", "year")
COLUMNS = (*ID_COLUMNS, *CODES)
INFO_COLUMNS = ("province_name", "status")  # exported for people, ignored on import

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"

COLUMN_LABELS = {
    "province": "Mã tỉnh",
    "year": "Năm",
    **{code: f"{BY_CODE[code].label} ({BY_CODE[code].unit})" for code in CODES},
    "province_name": "Tên tỉnh",
    "status": "Trạng thái",
}


# Report ---------------------------------------------------------------------------------


class RowError(NamedTuple):
    """One problem: spreadsheet row (the header is row 1; None for the whole file), column
    code ("" for the whole row or file) and the reason, in Vietnamese."""

    row: int | None
    column: str
    message: str

    @property
    def column_label(self) -> str:
        if not self.column:
            return ""
        if self.column in BY_CODE:
            return BY_CODE[self.column].label
        return COLUMN_LABELS.get(self.column, self.column)


@dataclass(frozen=True)
class FieldChange:
    code: str
    old: int | Decimal | None  # None: the record is new
    new: int | Decimal

    @property
    def label(self) -> str:
        return BY_CODE[self.code].label

    @property
    def unit(self) -> str:
        return BY_CODE[self.code].unit


ACTION_LABELS = {"new": "Thêm mới", "update": "Cập nhật", "skip": "Không đổi"}


@dataclass
class RowReport:
    row: int
    province: Province
    year: int
    action: str  # "new", "update" or "skip"
    changes: list[FieldChange] = field(default_factory=list)
    version: int | None = None  # the record's version when read; None: no record yet

    @property
    def action_label(self) -> str:
        return ACTION_LABELS[self.action]


@dataclass
class ImportReport:
    dry_run: bool
    errors: list[RowError] = field(default_factory=list)
    rows: list[RowReport] = field(default_factory=list)
    ignored: int = 0  # rows naming a province but no figures (the template's other rows)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def totals(self) -> dict[str, int]:
        counts = dict.fromkeys(ACTION_LABELS, 0)
        for row in self.rows:
            counts[row.action] += 1
        return {**counts, "rows": len(self.rows), "ignored": self.ignored}

    @property
    def changes_anything(self) -> bool:
        return any(row.action != "skip" for row in self.rows)

    def seen_versions(self) -> dict[str, int | None]:
        """What the preview showed, so that the confirmation can refuse records changed in
        between (JSON-friendly: "<province id>:<year>" -> version or None)."""
        return {version_key(row.province.pk, row.year): row.version for row in self.rows}

    def summary(self) -> str:
        t = self.totals
        text = (
            f"{t['rows']} dòng: {t['new']} thêm mới, {t['update']} cập nhật, {t['skip']} không đổi"
        )
        if self.ignored:
            text += f"; bỏ qua {self.ignored} dòng chưa có số liệu"
        return ("Chạy thử, chưa lưu gì: " if self.dry_run else "Đã nhập ") + text + "."


def version_key(province_id: int, year: int) -> str:
    return f"{province_id}:{year}"


def _normalised(text: object) -> str:
    return " ".join(unicodedata.normalize("NFC", str(text)).split()).casefold()


def _blank_to_none(value: object) -> object:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def _is_label_row(cells: dict[str, object]) -> bool:
    """The template's second row: the Vietnamese labels under the column codes. Recognised
    when the province cell reads "Mã tỉnh" or any indicator cell starts with its label
    (units and wording after the label may have been edited) and no indicator cell holds
    a number."""
    texts = {code: _normalised(v) for code, v in cells.items() if isinstance(v, str)}
    if any(
        isinstance(cells.get(code), int | float | Decimal) and not isinstance(cells[code], bool)
        for code in CODES
    ):
        return False
    if texts.get("province") == _normalised(COLUMN_LABELS["province"]):
        return True
    return any(texts.get(code, "").startswith(_normalised(BY_CODE[code].label)) for code in CODES)


@dataclass
class Sheet:
    """The data rows of an upload as {column code: cell value}, with their row numbers."""

    rows: list[tuple[int, dict[str, object]]]
    ignored: int = 0


def read_sheet(*, data: bytes, filename: str) -> Sheet:
    """Parse an upload into rows, or raise FileProblem naming what is wrong with it."""
    raw_rows = upload_rows(data=data, filename=filename)
    if not raw_rows or all(_blank_to_none(v) is None for v in raw_rows[0]):
        raise FileProblem(
            "Tệp rỗng hoặc dòng đầu tiên trống: dòng 1 phải là mã cột "
            f"({', '.join(COLUMNS[:3])}, …)."
        )
    headers = [_normalised(v) if v is not None else "" for v in raw_rows[0]]
    missing = [column for column in COLUMNS if column not in headers]
    if missing:
        raise FileProblem(
            f"Thiếu cột: {', '.join(missing)}. Dòng 1 phải là mã cột: province, year rồi mã các "
            "chỉ tiêu như trong tệp mẫu."
        )
    repeated = sorted({h for h in headers if h in COLUMNS and headers.count(h) > 1})
    if repeated:
        raise FileProblem(f"Cột xuất hiện hơn một lần: {', '.join(repeated)}.")
    index = {header: i for i, header in enumerate(headers) if header in COLUMNS}
    sheet = Sheet(rows=[])
    for number, raw in enumerate(raw_rows[1:], start=2):
        cells = {
            column: _blank_to_none(raw[i]) if i < len(raw) else None for column, i in index.items()
        }
        if number == 2 and _is_label_row(cells):
            continue
        if all(value is None for value in cells.values()):
            continue
        if all(cells[code] is None for code in CODES):
            sheet.ignored += 1
            continue
        if len(sheet.rows) >= FIGURES_IMPORT_MAX_ROWS:
            raise FileProblem(too_many_rows())
        sheet.rows.append((number, cells))
    if not sheet.rows and not sheet.ignored:
        raise FileProblem("Tệp không có dòng số liệu nào (chỉ có dòng tiêu đề).")
    return sheet


# Cells ----------------------------------------------------------------------------------


def _shown(value: object) -> str:
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return format_vn_number(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


BLANK_CELL = "Ô trống: hãy nhập số (0 nếu không có)."


def cell_number(value: object, *, integer: bool) -> int | Decimal:
    """A cell as a count (int) or an amount (Decimal): Excel numbers as they are, text the
    Vietnamese way ("11.084", "1.637,5"). Raises ValueError with a Vietnamese message."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValueError(BLANK_CELL)
    if isinstance(value, str):
        try:
            number = Decimal(parse_vn_number(value, integer=integer))
        except NumberFormatError as exc:
            raise ValueError(str(exc)) from None
    elif isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"“{value}” không phải là số.")
        try:
            number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
        except InvalidOperation:
            raise ValueError(f"“{value}” không phải là số.") from None
    else:
        raise ValueError(f"“{_shown(value)}” không phải là số.")
    if integer:
        if number != number.to_integral_value():
            raise ValueError(f"“{_shown(value)}” phải là số nguyên.")
        if abs(number) > MAX_COUNT:
            raise ValueError(f"Số {format_vn_number(number)} quá lớn.")
        return int(number)
    if number != number.quantize(Decimal("0.01")):
        raise ValueError(f"“{_shown(value)}”: nhập tối đa 2 chữ số sau dấu phẩy.")
    if abs(number) >= MAX_MONEY:
        raise ValueError(f"Số {format_vn_number(number)} quá lớn.")
    return number


def _province_code(value: object) -> str | None:
    """ "25", 25, 4 -> "04", 4.0: the 2-digit code, or None when the cell is no code."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) <= 2:
        return value.strip().zfill(2)
    return None


def _year(value: object) -> int | None:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, int) and not isinstance(value, bool) and 1900 <= value <= 2100:
        return value
    return None


# The resource ---------------------------------------------------------------------------


class FigureWidget(widgets.Widget):
    """An indicator cell: a count or an amount in million VND, kept numeric on export."""

    def __init__(self, *, integer: bool):
        super().__init__(coerce_to_string=False)
        self.integer = integer

    def clean(self, value, row=None, **kwargs):
        return cell_number(value, integer=self.integer)

    def render(self, value, obj=None, **kwargs):
        return value


class ProvinceWidget(widgets.Widget):
    """The `province` column. A code means a unit only together with the row's year, so
    the resource resolves it in `before_import_row` and puts the unit in the row."""

    def __init__(self):
        super().__init__(coerce_to_string=False)

    def clean(self, value, row=None, **kwargs):
        return value if isinstance(value, Province) else None

    def render(self, value, obj=None, **kwargs):
        return value.code if value else None


class YearWidget(widgets.Widget):
    def __init__(self):
        super().__init__(coerce_to_string=False)

    def clean(self, value, row=None, **kwargs):
        return value if isinstance(value, int) else None

    def render(self, value, obj=None, **kwargs):
        return value


class _NoLoader(BaseInstanceLoader):
    """Records are looked up in the resource's prefetched context (one query per file)."""

    def get_instance(self, row):  # pragma: no cover - FiguresResource.get_instance decides
        return None


class _NoDiff:
    def __init__(self, resource, instance, new):
        pass

    def compare_with(self, resource, instance):
        pass

    def as_html(self):
        return []


@dataclass
class _Context:
    """Everything the rows of one file refer to, read in a fixed number of queries."""

    units: dict[tuple[str, int], Province]
    cluster_of: dict[tuple[int, int], Cluster]
    member_ids: dict[tuple[int, int], set[int]]
    terms: dict[tuple[int, int], object]
    records: dict[tuple[int, int], YearlyFigures]

    @classmethod
    def load(cls, years: set[int], *, lock: bool) -> _Context:
        from provinces.models import ClusterTerm

        if not years:
            return cls({}, {}, {}, {}, {})
        provinces = list(Province.objects.all())
        units = {(p.code, year): p for year in years for p in provinces if p.is_valid_in(year)}
        memberships = ClusterMembership.objects.select_related("cluster").filter(
            Q(to_year__isnull=True) | Q(to_year__gte=min(years)), from_year__lte=max(years)
        )
        cluster_of, member_ids = {}, defaultdict(set)
        for m in memberships:
            for year in years:
                if m.from_year <= year and (m.to_year is None or year <= m.to_year):
                    cluster_of[(m.province_id, year)] = m.cluster
                    member_ids[(m.cluster_id, year)].add(m.province_id)
        terms = {
            (t.cluster_id, t.year): t
            for t in ClusterTerm.objects.with_alliances().filter(year__in=years)
        }
        records_qs = YearlyFigures.objects.filter(year__in=years)
        if lock:
            records_qs = records_qs.select_for_update()
        by_pk = {p.pk: p for p in provinces}
        records = {}
        for record in records_qs:
            record.province = by_pk[record.province_id]
            records[(record.province_id, record.year)] = record
        return cls(units, cluster_of, dict(member_ids), terms, records)


@dataclass
class _RowState:
    number: int
    province: Province | None = None
    year: int | None = None
    errors: dict[str, str] = field(default_factory=dict)
    cluster: Cluster | None = None
    term: object | None = None
    member_ids: set[int] = field(default_factory=set)
    record: YearlyFigures | None = None
    before: dict | None = None  # the record's values as read; None for a new record
    version: int | None = None  # the record's version as read
    instance: YearlyFigures | None = None
    unreadable: bool = False  # some cells could not be read as numbers


class FiguresResource(resources.ModelResource):
    """YearlyFigures rows keyed by (province unit, year).

    `user` None means the command line without --user: no access checks. With `cluster`
    and `year` (the web page of a cluster-year) every row must belong to that cluster and
    year. `expected_versions` (from the preview) refuses records changed since then.
    """

    province = fields.Field(attribute="province", column_name="province", widget=ProvinceWidget())
    year = fields.Field(attribute="year", column_name="year", widget=YearWidget())

    class Meta:
        model = YearlyFigures
        fields = COLUMNS
        import_order = COLUMNS
        export_order = COLUMNS
        import_id_fields = ID_COLUMNS
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
        use_transactions = True
        skip_html_diff = True
        instance_loader_class = _NoLoader

    @classmethod
    def get_diff_class(cls):
        return _NoDiff  # the preview lists changes itself (RowReport.changes)

    @classmethod
    def field_from_django_field(cls, field_name, django_field, readonly):
        if field_name in BY_CODE:
            return fields.Field(
                attribute=field_name,
                column_name=field_name,
                widget=FigureWidget(integer=not BY_CODE[field_name].money),
            )
        return super().field_from_django_field(field_name, django_field, readonly)

    def __init__(
        self,
        *,
        user: AbstractBaseUser | None = None,
        cluster: Cluster | None = None,
        year: int | None = None,
        row_numbers: list[int] | None = None,
        expected_versions: dict[str, int | None] | None = None,
        lock_records: bool = False,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.user, self.cluster, self.only_year = user, cluster, year
        self.row_numbers = row_numbers or []
        self.expected_versions = expected_versions
        self.lock_records = lock_records
        self.context: _Context | None = None
        self.seen: dict[tuple[int, int], int] = {}
        self.state: _RowState | None = None
        self.reports: list[RowReport] = []

    # Rows -------------------------------------------------------------------------------

    def before_import(self, dataset, **kwargs):
        years = {y for y in (_year(v) for v in dataset["year"]) if y is not None}
        self.context = _Context.load(years, lock=self.lock_records)

    def before_import_row(self, row, **kwargs):
        number = self.row_numbers[kwargs["row_number"] - 1]
        self.state = state = _RowState(number=number)
        self._identify(state, row)
        row["province"], row["year"] = state.province, state.year

    def _identify(self, state: _RowState, row: dict) -> None:
        context = self.context
        raw_year, raw_code = row.get("year"), row.get("province")
        year = _year(raw_year)
        if year is None:
            state.errors["year"] = (
                "Chưa nhập năm."
                if raw_year is None
                else f"Năm “{_shown(raw_year)}” không hợp lệ: cần 4 chữ số, ví dụ 2024."
            )
        elif self.only_year is not None and year != self.only_year:
            state.errors["year"] = (
                f"Trang này nhập số liệu năm {self.only_year}, dòng này ghi năm {year}."
            )
        code = _province_code(raw_code)
        if code is None:
            state.errors["province"] = (
                "Chưa nhập mã tỉnh."
                if raw_code is None
                else f"Mã tỉnh “{_shown(raw_code)}” không hợp lệ: cần 2 chữ số, ví dụ 25."
            )
        if state.errors:
            return
        province = context.units.get((code, year))
        if province is None:
            state.errors["province"] = (
                f"Không có tỉnh nào mang mã {code} vào ngày 31/12/{year} (mã tỉnh tính theo "
                "đơn vị có hiệu lực ngày 31/12 của năm số liệu)."
            )
            return
        key = (province.pk, year)
        cluster = context.cluster_of.get(key)
        if cluster is None:
            state.errors["province"] = (
                f"{province.name} (mã {code}) không thuộc cụm thi đua nào năm {year}: "
                "không nhập được số liệu."
            )
            return
        if self.cluster is not None and cluster.pk != self.cluster.pk:
            state.errors["province"] = (
                f"{province.name} (mã {code}) không phải thành viên {self.cluster.name} năm {year}."
            )
            return
        if key in self.seen:
            state.errors["province"] = (
                f"{province.name} năm {year} đã có ở dòng {self.seen[key]}: mỗi tỉnh chỉ một "
                "dòng cho mỗi năm."
            )
            return
        self.seen[key] = state.number
        state.province, state.year, state.cluster = province, year, cluster
        state.term = context.terms.get((cluster.pk, year))
        state.member_ids = context.member_ids.get((cluster.pk, year), set())
        state.record = context.records.get(key)

    def get_instance(self, instance_loader, row):
        return self.state.record

    def init_instance(self, row=None):
        state = self.state
        return YearlyFigures(province=state.province, year=state.year)

    def after_init_instance(self, instance, new, row, **kwargs):
        state = self.state
        state.instance = instance
        state.before = None if new else instance.values()
        state.version = None if new else instance.version
        if self.expected_versions is None or state.province is None:
            return
        key = version_key(state.province.pk, state.year)
        if key in self.expected_versions and self.expected_versions[key] != state.version:
            state.errors[NON_FIELD_ERRORS] = (
                f"Số liệu năm {state.year} của {state.province.name} đã được thay đổi sau khi "
                "bạn xem trước: hãy tải tệp lên lại để xem trước bản mới nhất."
            )

    def import_instance(self, instance, row, **kwargs):
        errors = {column: [ValidationError(msg)] for column, msg in self.state.errors.items()}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as exc:
            self.state.unreadable = True
            blank = [code for code, e in exc.error_dict.items() if e[0].message == BLANK_CELL]
            if len(blank) > 3:  # one line for a half-filled row, not one per cell
                errors[NON_FIELD_ERRORS] = [
                    ValidationError(
                        f"Còn {len(blank)} ô trống ({', '.join(blank)}): hãy nhập số, "
                        "0 nếu không có."
                    )
                ]
                exc = ValidationError(
                    {code: e for code, e in exc.error_dict.items() if code not in blank}
                )
            errors = exc.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if instance.pk is None:  # a new record is never "unchanged", even if all zero
            return False
        if not super().skip_row(instance, original, row, import_validation_errors):
            return False
        # An unchanged row needs no right to write, only to read: an exported file comes
        # back unchanged. Rows the user may not even see are refused like any other.
        return self._may_view(self.state)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        state = self.state
        errors = dict(import_validation_errors or {})
        if state.province is not None:
            if not self._may_import(state):
                raise ValidationError({"province": self._forbidden(state)})
            if state.record is not None and not state.record.is_editable:
                errors.setdefault(NON_FIELD_ERRORS, []).append(
                    ValidationError(
                        f"Số liệu năm {state.year} của {state.province.name} đang ở trạng thái "
                        f"“{state.record.get_status_display()}”: chỉ sửa được bản nháp hoặc "
                        "bản bị trả lại."
                    )
                )
        # Cells that could not be read leave their old value in the instance: checking the
        # rules against it would report errors the user did not make.
        if self._meta.clean_model_instances and not state.unreadable:
            exclude = set(errors)
            if state.province is None:
                exclude |= set(ID_COLUMNS)
            # Shortcuts that keep 1,000 rows well under 5 s. The province and any existing
            # record were read with the file's context a moment ago (locked for a real
            # import), so neither the province's existence nor the one-record-per-
            # province-year rule needs a query per row: an existing record is updated,
            # never duplicated, and duplicate rows in the file are refused above. The
            # model's check constraints restate figures_rules, which clean() applies here,
            # and Django validates each with a query of its own (23 a row: 14 s for 1,000
            # rows). The database still enforces every constraint on save, where a
            # violation (say, a record created concurrently) fails the row and rolls the
            # whole file back.
            try:
                instance.full_clean(
                    exclude=exclude | {"province"},
                    validate_unique=validate_unique,
                    validate_constraints=False,
                )
            except ValidationError as exc:
                errors = exc.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def before_save_instance(self, instance, row, **kwargs):
        if instance.pk is None:
            instance.status, instance.version = FiguresStatus.DRAFT, 1
        else:
            instance.version += 1
        instance._history_user = self.user
        instance._change_reason = "Nhập từ tệp Excel/CSV"

    def after_import_row(self, row, row_result, **kwargs):
        state = self.state
        instance = state.instance
        new = state.before is None
        changes = [
            FieldChange(code, None if new else state.before[code], getattr(instance, code))
            for code in CODES
            if new or state.before[code] != getattr(instance, code)
        ]
        self.reports.append(
            RowReport(
                row=state.number,
                province=state.province,
                year=state.year,
                action=row_result.import_type,
                changes=changes,
                version=state.version,
            )
        )

    # Access -----------------------------------------------------------------------------

    def _may_import(self, state: _RowState) -> bool:
        if self.user is None:
            return True
        return access.can_import_figures_for(self.user, state.province, state.year, state.term)

    def _may_view(self, state: _RowState) -> bool:
        if self.user is None:
            return True
        py = ProvinceYear(
            province=state.province,
            year=state.year,
            cluster=state.cluster,
            term=state.term,
            member_ids=state.member_ids,
            figures=state.record,
        )
        return access.can_view_figures(self.user, py)

    def _forbidden(self, state: _RowState) -> str:
        return (
            f"Bạn không có quyền nhập số liệu của {state.province.alliance_name}: cán bộ tỉnh "
            f"chỉ nhập số liệu của tỉnh mình; Cụm trưởng năm {state.year} và quản trị viên "
            "nhập được cho mọi thành viên."
        )


# Import ---------------------------------------------------------------------------------


def figures_import(
    *,
    data: bytes,
    filename: str,
    user: AbstractBaseUser | None,
    dry_run: bool,
    cluster: Cluster | None = None,
    year: int | None = None,
    expected_versions: dict[str, int | None] | None = None,
) -> ImportReport:
    """Import an .xlsx or .csv of yearly figures, all or nothing.

    `user` is the person importing (access rules apply, and history records them); None
    only for the command line without --user. `cluster` and `year` restrict the rows to
    one cluster-year (the web page). `expected_versions` is what the preview saw
    (`ImportReport.seen_versions()`); rows whose record changed since are refused.
    With `dry_run` everything is checked and nothing is kept.
    """
    report = ImportReport(dry_run=dry_run)
    try:
        sheet = read_sheet(data=data, filename=filename)
    except FileProblem as exc:
        report.errors.append(RowError(None, "", str(exc)))
        return report
    report.ignored = sheet.ignored
    if not sheet.rows:
        return report
    dataset = tablib.Dataset(headers=list(COLUMNS))
    for _, cells in sheet.rows:
        dataset.append([cells[column] for column in COLUMNS])
    resource = FiguresResource(
        user=user,
        cluster=cluster,
        year=year,
        row_numbers=[number for number, _ in sheet.rows],
        expected_versions=expected_versions,
        lock_records=not dry_run,
    )
    result = resource.import_data(
        dataset, dry_run=dry_run, use_transactions=True, rollback_on_validation_errors=True
    )
    report.rows = resource.reports
    report.errors = _errors_of(result, resource.row_numbers)
    return report


def _errors_of(result, row_numbers: list[int]) -> list[RowError]:
    order = {column: i for i, column in enumerate(("", *COLUMNS))}
    errors = []
    for invalid in result.invalid_rows:
        number = row_numbers[invalid.number - 1]
        for column, messages in invalid.error_dict.items():
            column = "" if column == NON_FIELD_ERRORS else column
            errors.extend(RowError(number, column, message) for message in messages)
    for number, row_errors in result.row_errors():
        for error in row_errors:
            if isinstance(error.error, IntegrityError):
                message = (
                    "Không lưu được dòng này: số liệu vừa bị thay đổi cùng lúc ở nơi khác. "
                    "Hãy tải tệp lên lại để kiểm tra."
                )
            else:
                logger.error("figures import: row %s failed", number, exc_info=error.error)
                message = f"Lỗi khi lưu dòng này: {error.error}"
            errors.append(RowError(row_numbers[number - 1], "", message))
    for error in result.base_errors:
        logger.error("figures import failed", exc_info=error.error)
        errors.append(RowError(None, "", f"Lỗi khi nhập tệp: {error.error}"))
    return sorted(errors, key=lambda e: (e.row or 0, order.get(e.column, len(order))))


# Export ---------------------------------------------------------------------------------


@dataclass
class ExportRow:
    province: Province
    year: int
    record: YearlyFigures | None  # None: a blank row (template, no figures or not yours)


def export_rows(
    *,
    year: int,
    cluster: Cluster | None = None,
    template: bool = False,
    user: AbstractBaseUser | None = None,
) -> list[ExportRow]:
    """The rows of an export or a template.

    Export: the records of the year (of one cluster, or of every cluster), limited with
    `user` to those the user may view: all for the chair and admins, for staff their own
    province (any status) and the approved figures of the other members.
    Template: one row per member; values filled in where a record exists and the user may
    import that row (other rows stay blank, and blank rows are ignored on import).
    """
    from provinces.models import ClusterTerm

    memberships = ClusterMembership.objects.in_year(year).select_related("cluster", "province")
    if cluster is not None:
        memberships = memberships.filter(cluster=cluster)
    clusters = {m.province_id: m.cluster for m in memberships}
    members = (
        cluster_members(cluster, year)
        if cluster is not None
        else sorted((m.province for m in memberships), key=lambda p: p.sort_key)
    )
    member_ids = defaultdict(set)
    for province_id, member_cluster in clusters.items():
        member_ids[member_cluster.pk].add(province_id)
    terms = {t.cluster_id: t for t in ClusterTerm.objects.filter(year=year)}
    records = {
        r.province_id: r
        for r in YearlyFigures.objects.filter(year=year).select_related("province")
        if cluster is None or r.province_id in clusters
    }
    if template:
        rows = [ExportRow(p, year, records.get(p.pk)) for p in members]
    else:
        by_id = {p.pk: p for p in members}
        provinces = [by_id.get(pid) or r.province for pid, r in records.items()]
        rows = [
            ExportRow(p, year, records[p.pk]) for p in sorted(provinces, key=lambda p: p.sort_key)
        ]
    if user is None:
        return rows
    if not template:  # the one read rule (boundaries): readable_figures decides
        readable = readable_figures(user, records=[row.record for row in rows], year=year)
        return [row for row in rows if row.record.province_id in readable.records]
    visible = []
    for row in rows:
        row_cluster = clusters.get(row.province.pk)
        term = terms.get(row_cluster.pk) if row_cluster else None
        if template:
            if row.record is not None and not access.can_import_figures_for(
                user, row.province, year, term
            ):
                row = ExportRow(row.province, year, None)
            visible.append(row)
    return visible


def safe_text(text: str) -> str:
    """Text a spreadsheet will show, never run: a leading = + - @ (or tab, CR) would make
    Excel read a formula (CSV/formula injection), so such text gets a leading quote."""
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


def _values(row: ExportRow, resource: FiguresResource) -> list:
    if row.record is None:
        return [row.province.code, row.year, *([None] * len(CODES))]
    return resource.export_resource(row.record)


def figures_workbook(
    *,
    year: int,
    cluster: Cluster | None = None,
    template: bool = False,
    user: AbstractBaseUser | None = None,
) -> bytes:
    """The figures of a year (or the template to fill in) as an .xlsx: row 1 the column
    codes, row 2 the Vietnamese labels with units, numbers as numeric cells."""
    rows = export_rows(year=year, cluster=cluster, template=template, user=user)
    resource = FiguresResource()
    headers = [*resource.get_export_headers(), *INFO_COLUMNS]
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = f"{'Mau' if template else 'So lieu'} {year}"
    sheet.append(headers)
    sheet.append([COLUMN_LABELS[h] for h in headers])
    for row in rows:
        status = row.record.get_status_display() if row.record else ""
        sheet.append(
            [
                *_values(row, resource),
                safe_text(row.province.name),
                safe_text(status),
            ]
        )
    header_font, label_font = Font(bold=True), Font(italic=True, color="444444")
    label_fill = PatternFill("solid", fgColor="F2F2F2")
    for cell in sheet[1]:
        cell.font = header_font
    for cell in sheet[2]:
        cell.font, cell.fill = label_font, label_fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.row_dimensions[2].height = 75
    for index, header in enumerate(headers, start=1):
        letter = get_column_letter(index)
        if header in BY_CODE:
            number_format = "#,##0.00" if BY_CODE[header].money else "#,##0"
            for (cell,) in sheet.iter_rows(min_row=3, min_col=index, max_col=index):
                cell.number_format = number_format
            width = 16
        else:
            width = {"province": 9, "year": 8, "province_name": 24, "status": 16}[header]
        sheet.column_dimensions[letter].width = width
    for cell in (c for row in sheet.iter_rows(min_row=3, max_col=1) for c in row):
        cell.number_format = "@"  # the code stays text: "04", not 4
    sheet.freeze_panes = "C3"
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _csv_value(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")  # Decimal("1637.50") -> "1637.5", 1E+3 -> "1000"
    if isinstance(value, int):
        return str(value)
    return safe_text(str(value))


def figures_csv(
    *,
    year: int,
    cluster: Cluster | None = None,
    user: AbstractBaseUser | None = None,
    bom: bool = True,
) -> bytes:
    """The figures of a year as CSV (UTF-8; with a BOM by default so that Excel reads the
    accents): the column codes, then one row per record. Numbers are plain (dot decimal,
    no grouping) for programs; the import reads both this and the Vietnamese way."""
    rows = export_rows(year=year, cluster=cluster, user=user)
    resource = FiguresResource()
    output = io.StringIO(newline="")
    writer = csv.writer(output)
    writer.writerow([*resource.get_export_headers(), *INFO_COLUMNS])
    for row in rows:
        status = row.record.status if row.record else ""
        values = [*_values(row, resource), row.province.name, status]
        writer.writerow([_csv_value(v) for v in values])
    return (output.getvalue()).encode("utf-8-sig" if bom else "utf-8")
