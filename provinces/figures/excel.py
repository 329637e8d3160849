"""Yearly figures in Excel (.xlsx) and CSV: the importer behind the web page and
`import_figures`, through the one upload pipeline (provinces.spreadsheets.pipeline).

Columns are the contract: `province` (2-digit code of the unit valid on 31 December of the
row's year), `year`, then the indicator codes of `figures_spec.CODES`. Exports add two
columns for people, `province_name` and `status`, which the import ignores. The template's
second row (the Vietnamese labels) and rows naming a province but no figures are skipped.

The rows are checked and written by `FiguresResource` (excel_resource.py); the preview
lists, per row, the fields the Result's instance changes against its original.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils.translation import gettext, gettext_noop

from provinces.figures.spec import BY_CODE, CODES
from provinces.organisation.models import Cluster, Province
from provinces.spreadsheets.pipeline import Importer, UploadReport, run_import
from provinces.spreadsheets.reading import UPLOAD_MAX_BYTES, Layout, Table, header_key

from .excel_resource import ID_COLUMNS, FiguresResource, version_key

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

FIGURES_UPLOAD_MAX_BYTES = UPLOAD_MAX_BYTES
FIGURES_IMPORT_MAX_ROWS = 5_000  # about a cluster's whole history, many times over
COLUMNS = (*ID_COLUMNS, *CODES)
INFO_COLUMNS = ("province_name", "status")  # exported for people, ignored on import

COLUMN_LABELS = {
    "province": "Mã tỉnh",
    "year": "Năm",
    **{code: f"{BY_CODE[code].label} ({BY_CODE[code].unit})" for code in CODES},
    "province_name": "Tên tỉnh",
    "status": "Trạng thái",
}
ERROR_LABELS = {
    "province": "Mã tỉnh",
    "year": "Năm",
    **{code: BY_CODE[code].label for code in CODES},
}
ACTION_LABELS = {
    "new": gettext_noop("Thêm mới"),
    "update": gettext_noop("Cập nhật"),
    "skip": gettext_noop("Không đổi"),
}


@dataclass(frozen=True)
class FieldChange:
    code: str
    old: int | Decimal | None  # None: the record is new
    new: int | Decimal

    @property
    def label(self) -> str:
        return BY_CODE[self.code].shown_label

    @property
    def unit(self) -> str:
        return BY_CODE[self.code].shown_unit


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
        return gettext(ACTION_LABELS[self.action])


@dataclass
class ImportReport(UploadReport):
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
        if self.dry_run:
            text = gettext(
                "Chạy thử, chưa lưu gì: %(rows)s dòng: %(new)s thêm mới, %(update)s cập nhật, "
                "%(skip)s không đổi"
            )
        else:
            text = gettext(
                "Đã nhập %(rows)s dòng: %(new)s thêm mới, %(update)s cập nhật, %(skip)s không đổi"
            )
        text = text % t
        if self.ignored:
            text += gettext("; bỏ qua %(ignored)s dòng chưa có số liệu") % t
        return text + "."


def _is_label_row(cells: dict[str, object]) -> bool:
    """The template's second row: the Vietnamese labels under the column codes. Recognised
    when the province cell reads "Mã tỉnh" or any indicator cell starts with its label
    (units and wording after the label may have been edited) and no indicator cell holds
    a number."""
    if any(
        isinstance(cells.get(code), int | float | Decimal) and not isinstance(cells[code], bool)
        for code in CODES
    ):
        return False
    texts = {code: header_key(v) for code, v in cells.items() if isinstance(v, str)}
    if texts.get("province") == header_key(COLUMN_LABELS["province"]):
        return True
    return any(texts.get(code, "").startswith(header_key(BY_CODE[code].label)) for code in CODES)


class FiguresImporter(Importer):
    layout = Layout(columns=COLUMNS, max_rows=FIGURES_IMPORT_MAX_ROWS)
    column_labels = ERROR_LABELS
    report_class = ImportReport

    def sort_row(self, number: int, cells: dict[str, object]) -> str:
        if number == 2 and _is_label_row(cells):
            return "skip"
        if all(cells.get(code) is None for code in CODES):
            return "ignore"
        return "data"

    def resource(self, *, user, row_numbers, dry_run, **options) -> FiguresResource:
        return FiguresResource(
            user=user, row_numbers=row_numbers, lock_records=not dry_run, **options
        )

    def preview(self, report, result, resource, rows) -> None:
        for number, row_result in zip(rows, result.rows, strict=True):
            instance, original = row_result.instance, row_result.original
            new = row_result.import_type == "new"
            changes = [
                FieldChange(code, None if new else getattr(original, code), getattr(instance, code))
                for code in CODES
                if new or getattr(original, code) != getattr(instance, code)
            ]
            report.rows.append(
                RowReport(
                    row=number,
                    province=instance.province,
                    year=instance.year,
                    action=row_result.import_type,
                    changes=changes,
                    version=None if new else original.version,
                )
            )


def figures_import(
    *,
    data: bytes | Table,
    filename: str,
    user: AbstractBaseUser | None,
    dry_run: bool,
    cluster: Cluster | None = None,
    year: int | None = None,
    expected_versions: dict[str, int | None] | None = None,
) -> ImportReport:
    """Import an .xlsx or .csv of yearly figures, all or nothing. `data` is the file, or
    the table its preview read (`report.table`).

    `user` is the person importing (access rules apply, and history records them); None
    only for the command line without --user. `cluster` and `year` restrict the rows to
    one cluster-year (the web page). `expected_versions` is what the preview saw
    (`ImportReport.seen_versions()`); rows whose record changed since are refused.
    With `dry_run` everything is checked and nothing is kept.
    """
    return run_import(
        FiguresImporter(),
        data=data,
        filename=filename,
        user=user,
        dry_run=dry_run,
        cluster=cluster,
        year=year,
        expected_versions=expected_versions,
    )
