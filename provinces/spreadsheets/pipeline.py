"""The one upload pipeline every import runs (web page, command line): read -> check every
row -> preview of what will change -> confirm, all or nothing.

1. Read: `reading.read_table` streams the file within its limits and lines the cells up
   with the header; rows that do not line up are errors naming the row.
2. Check every row: the importer's django-import-export resource imports the rows inside
   a transaction (`import_data(use_transactions=True, rollback_on_validation_errors=True)`):
   its widgets read the cells, `full_clean()` applies the model's rules, and every problem
   comes back in the Result as a row error with its column.
3. Preview: with `dry_run` the transaction is rolled back and the importer turns the
   Result's rows (each with its import type, the instance and, for an update, the
   original) into what the page or the command shows.
4. Confirm: the same call without `dry_run`; a single error anywhere rolls the whole file
   back. A file with a row that could not be read is always checked as a dry run.

Each importer (`provinces.figures.excel`, `provinces.disbursements.excel`) is an `Importer`: its
column layout, its resource and how its report shows the Result.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, ClassVar

import tablib
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import IntegrityError
from django.utils.translation import gettext, gettext_lazy
from import_export import resources
from import_export.results import Result

from cluster_portal.collector import collector_paused

from .reading import FileProblem, Layout, RowError, Table, read_table, too_many_rows

logger = logging.getLogger(__name__)

# Lazy: the report turns them into text in the reader's language (`Importer.error`).
CHANGED_MEANWHILE = gettext_lazy(
    "Không lưu được: dữ liệu vừa bị thay đổi cùng lúc ở nơi khác. Không có gì được lưu, "
    "hãy tải tệp lên lại để kiểm tra."
)
NOT_SAVED = gettext_lazy(
    "Lỗi khi lưu dòng này. Không có gì được lưu; hãy thử lại hoặc báo quản trị viên."
)
NOT_IMPORTED = gettext_lazy(
    "Lỗi khi nhập tệp. Không có gì được lưu; hãy thử lại hoặc báo quản trị viên."
)


# An error table longer than this is cut, with the count of every error by column above it.
ERRORS_SHOWN = 200


@dataclass
class ColumnErrors:
    column: str
    column_label: str
    count: int
    first: RowError


@dataclass
class UploadReport:
    """What an upload did or would do: the rows (importer-specific preview objects) or the
    errors. `saved` once a real import has been kept."""

    filename: str
    dry_run: bool
    rows: list = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    ignored: int = 0  # rows the importer leaves out on purpose (say, a template's blank row)
    saved: bool = False
    table: Table | None = field(default=None, repr=False, compare=False)  # what was read

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def shown_errors(self) -> list[RowError]:
        """The errors a page lists: the first ERRORS_SHOWN (a file wrong on every one of
        its 10,000 rows made a 3 MB page); `errors_by_column` counts them all."""
        return self.errors[:ERRORS_SHOWN]

    @property
    def errors_by_column(self) -> list[ColumnErrors]:
        """How many errors each column has (the whole row or file: column ""), with the
        first: a column wrong all the way down shows as one line. Columns in file order."""
        found: dict[str, ColumnErrors] = {}
        for error in self.errors:
            if error.column not in found:
                found[error.column] = ColumnErrors(error.column, error.column_label, 0, error)
            found[error.column].count += 1
        return list(found.values())

    @classmethod
    def refused(cls, *, filename: str, dry_run: bool, message: str) -> UploadReport:
        """A file refused before reading it (an oversize upload is never read)."""
        return cls(filename=filename, dry_run=dry_run, errors=[RowError(None, "", message)])


class Importer:
    """One kind of upload. Subclasses set the layout, the labels and the report class, and
    implement `resource()` and `preview()`."""

    layout: ClassVar[Layout]
    column_labels: ClassVar[dict[str, str]] = {}
    report_class: ClassVar[type[UploadReport]] = UploadReport
    # Resource field -> column code, where they differ.
    field_columns: ClassVar[dict[str, str]] = {}
    no_rows_message: ClassVar[str] = gettext_lazy(
        "Tệp không có dòng số liệu nào (chỉ có dòng tiêu đề)."
    )

    def sort_row(self, number: int, cells: dict[str, object]) -> str:
        """ "data", or "skip" (not data: a label row) or "ignore" (counted in the report)."""
        return "data"

    def resource(self, *, user, row_numbers: list[int], dry_run: bool, **options) -> Any:
        raise NotImplementedError

    def preview(self, report: UploadReport, result: Result, resource, rows: list[int]) -> None:
        """Fill `report.rows` from the Result of a clean import (one RowResult per row)."""
        raise NotImplementedError

    def column_of(self, name: str) -> str:
        if name == NON_FIELD_ERRORS:
            return ""
        return self.field_columns.get(name, name)

    def error(self, row: int | None, column: str, message: str, cell: str = "") -> RowError:
        label = self.column_labels.get(column, "")
        return RowError(row, column, str(message), gettext(str(label)) if label else "", cell)


@collector_paused()
def run_import(
    importer: Importer, *, data: bytes | Table, filename: str, user, dry_run: bool, **options
) -> UploadReport:
    """Read, check and (unless `dry_run`) import an upload, all or nothing. `data` is the
    file, or the table a preview read from it (`report.table`: the web page's
    confirmation checks the rows the person saw again, without reading the file twice).
    `user` is the person importing (None: the command line without --user); `options` go
    to the importer's resource."""
    report = importer.report_class(filename=filename, dry_run=dry_run)
    try:
        if isinstance(data, Table):
            table = data
        else:
            table = read_table(data=data, filename=filename, layout=importer.layout)
        report.table = table
        rows = _data_rows(importer, table, report)
    except FileProblem as exc:
        report.errors = [RowError(None, "", str(exc))]
        return report
    return _check_and_import(importer, report, table, rows, user=user, dry_run=dry_run, **options)


@collector_paused()
def run_import_rows(
    importer: Importer, *, rows: list[dict], source: str, user, dry_run: bool, **options
) -> UploadReport:
    """The same checks and all-or-nothing import for rows that arrive already as cells
    keyed by column code (the API), numbered from 1 in the order given."""
    report = importer.report_class(filename=source, dry_run=dry_run)
    if len(rows) > importer.layout.max_rows:
        report.errors = [RowError(None, "", too_many_rows(importer.layout.max_rows))]
        return report
    table = Table(rows=list(enumerate(rows, start=1)))
    return _check_and_import(
        importer, report, table, table.rows, user=user, dry_run=dry_run, **options
    )


def _check_and_import(
    importer: Importer, report: UploadReport, table: Table, rows: list, *, user, dry_run, **options
) -> UploadReport:
    errors = list(table.errors)
    if rows:
        numbers = [number for number, _ in rows]
        dataset = tablib.Dataset(headers=list(importer.layout.known))
        for _, cells in rows:
            dataset.append([cells.get(column) for column in importer.layout.known])
        checking_only = dry_run or bool(errors)
        resource = importer.resource(
            user=user, row_numbers=numbers, dry_run=checking_only, **options
        )
        result = resource.import_data(
            dataset,
            dry_run=checking_only,
            use_transactions=True,
            rollback_on_validation_errors=True,
        )
        errors += _errors_of(importer, result, numbers, table)
        if not errors:
            importer.preview(report, result, resource, numbers)
    order = {column: i for i, column in enumerate(("", *importer.layout.known))}
    report.errors = sorted(
        errors, key=lambda e: (e.row or 0, order.get(e.column, len(order)), e.message)
    )
    report.saved = not dry_run and report.ok
    return report


def _data_rows(importer: Importer, table: Table, report: UploadReport) -> list:
    rows = []
    for number, cells in table.rows:
        kind = importer.sort_row(number, cells)
        if kind == "ignore":
            report.ignored += 1
        elif kind == "data":
            rows.append((number, cells))
    if len(rows) > importer.layout.max_rows:
        raise FileProblem(too_many_rows(importer.layout.max_rows))
    if not rows and not table.errors and not report.ignored:
        raise FileProblem(str(importer.no_rows_message))
    return rows


def _errors_of(importer: Importer, result: Result, numbers: list[int], table: Table) -> list:
    errors = []
    for invalid in result.invalid_rows:
        number = numbers[invalid.number - 1]
        for name, messages in invalid.error_dict.items():
            column = importer.column_of(name)
            cell = table.cell(column, number) if column in table.letters else ""
            for message in messages:
                errors.append(importer.error(number, column, message, cell))
    for number, row_errors in result.row_errors():
        for error in row_errors:
            errors.append(importer.error(numbers[number - 1], "", _saving_error(error.error)))
    for error in result.base_errors:
        errors.append(importer.error(None, "", _saving_error(error.error, whole_file=True)))
    return errors


def _saving_error(exc: BaseException, *, whole_file: bool = False) -> str:
    """A database error while saving, told without Python's text (which is logged)."""
    if isinstance(exc, IntegrityError):
        logger.info("import: concurrent change", exc_info=exc)
        return str(CHANGED_MEANWHILE)
    logger.error("import failed", exc_info=exc)
    return str(NOT_IMPORTED if whole_file else NOT_SAVED)


class BulkHistoryResource(resources.ModelResource):
    """A resource that writes in bulk (`use_bulk`: a few queries per file, not per row)
    and still records who changed what: `bulk_history.create_with_history` writes the
    history rows that `save()` would have written.

    A dry run (the preview) writes nothing. django-import-export would write the batch and
    roll it back; for 10,000 disbursements that doubles the preview's time for no new check: every
    row has been through the model's rules by then, and the constraints the database
    would check restate those rules. The confirmation writes, all or nothing."""

    change_reason: ClassVar[str] = "Nhập từ tệp Excel/CSV"

    def __init__(self, *, user=None, change_reason: str = "", **kwargs):
        super().__init__(**kwargs)
        self.user = user
        # Where the change came from, in the history (e.g. "API: <token name>").
        self.change_reason = change_reason or type(self).change_reason

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        from .bulk_history import create_with_history

        if not self.create_instances or dry_run:
            self.create_instances.clear()
            return
        try:
            self.before_bulk_create(self.create_instances)
            create_with_history(
                self.create_instances,
                self._meta.model,
                batch_size=batch_size,
                user=self.user,
                change_reason=self.change_reason,
            )
        except Exception as exc:
            self.handle_import_error(result, exc, raise_errors)
        finally:
            self.create_instances.clear()

    def before_bulk_create(self, instances: list) -> None:
        """Write what the new instances point at (say, new directory entries) first."""

    def bulk_update(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        from simple_history.utils import bulk_update_with_history

        if not self.update_instances or dry_run:
            self.update_instances.clear()
            return
        try:
            bulk_update_with_history(
                self.update_instances,
                self._meta.model,
                self.get_bulk_update_fields(),
                batch_size=batch_size,
                default_user=self.user,
                default_change_reason=self.change_reason,
            )
        except Exception as exc:
            self.handle_import_error(result, exc, raise_errors)
        finally:
            self.update_instances.clear()
