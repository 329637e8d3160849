"""Reading an uploaded .xlsx or .csv, bounded and strict, for every importer.

Bounded: the file size is checked before anything reads it, and an .xlsx is read within
the bounds of `xlsx` (every part capped before it is parsed, the sheet streamed with its
rows and cells counted as they are read). Reading stops at the row and column limits and
refuses the file with a message. Strict: a CSV row with more or fewer fields than the
header is an error naming the row (an unquoted `43,9` would otherwise shift every later
column), and so is an .xlsx value outside the header's columns. Python's exception text
never reaches the user: problems are logged and reported in Vietnamese.
"""

from __future__ import annotations

import csv
import io
import logging
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from django.utils.translation import gettext
from openpyxl.utils import get_column_letter

from cluster_portal.number_style import format_exact

from .cells import is_blank
from .xlsx import BLANK_ROWS_SLACK, MAX_COLUMNS, FileProblem, mb, too_wide, xlsx_rows

logger = logging.getLogger(__name__)

UPLOAD_MAX_BYTES = 5 * 1024 * 1024
ACCEPTED_EXTENSIONS = (".xlsx", ".csv")


class RowError(NamedTuple):
    """One problem: spreadsheet row (the header is row 1; None for the whole file), column
    code ("" for the whole row or file), the reason in Vietnamese, the column's label and
    the cell as Excel names it ("L5")."""

    row: int | None
    column: str
    message: str
    column_label: str = ""
    cell: str = ""

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(gettext("Dòng %(row)s") % {"row": self.row})
        if self.column:
            where.append(gettext("cột %(column)s") % {"column": self.column})
        return f"{', '.join(where)}: {self.message}" if where else self.message


@dataclass(frozen=True)
class Layout:
    """The columns an importer reads: `columns` must all be there, `optional` may be;
    any other column is ignored. At most `max_rows` data rows."""

    columns: tuple[str, ...]
    max_rows: int
    optional: tuple[str, ...] = ()

    @property
    def known(self) -> tuple[str, ...]:
        return (*self.columns, *self.optional)


@dataclass
class Table:
    """The data rows of an upload as (row number, {column code: cell value}), the errors
    found while reading them, and where each column is (its letter, for naming cells)."""

    rows: list[tuple[int, dict[str, object]]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    letters: dict[str, str] = field(default_factory=dict)

    def cell(self, column: str, row: int) -> str:
        """ "L5": the cell of a column in a row, as Excel names it."""
        return f"{self.letters.get(column, '')}{row}"


def check_upload_size(size: int) -> None:
    """Before reading an upload into memory: FileProblem when it is over the limit."""
    if size > UPLOAD_MAX_BYTES:
        raise FileProblem(
            gettext(
                "Tệp nặng %(size)s MB, vượt giới hạn %(limit)s MB. Hãy bỏ bớt "
                "các trang tính, hình ảnh hoặc tách thành nhiều tệp."
            )
            % {"size": mb(size), "limit": mb(UPLOAD_MAX_BYTES)}
        )


def check_filename(filename: str) -> None:
    name = (filename or "").lower()
    if not name.endswith(ACCEPTED_EXTENSIONS):
        message = gettext("Chỉ nhận tệp Excel .xlsx hoặc tệp .csv.")
        if name.endswith(".xls"):
            message += " " + gettext("Tệp .xls cũ: hãy mở bằng Excel rồi lưu lại dạng .xlsx.")
        raise FileProblem(message)


def too_many_rows(limit: int) -> str:
    return gettext("Tệp có hơn %(limit)s dòng số liệu: hãy tách thành nhiều tệp.") % {
        "limit": format_exact(limit)
    }


def header_key(value: object) -> str:
    return " ".join(unicodedata.normalize("NFC", str(value)).split()).casefold()


# Raw rows ---------------------------------------------------------------------------------


def _csv_rows(data: bytes, limit: int) -> Iterator[tuple[int, list[str]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileProblem(
            gettext("Tệp CSV phải dùng bảng mã UTF-8 (trong Excel: “Lưu thành” → “CSV UTF-8”).")
        ) from None
    if "\x00" in text:
        raise FileProblem(gettext("Tệp không phải là tệp CSV dạng văn bản."))
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    number = 0
    try:
        for row in reader:
            number += 1
            if number > limit + BLANK_ROWS_SLACK or (number > limit and any(row)):
                raise FileProblem("__rows__")
            if len(row) > MAX_COLUMNS and any(v.strip() for v in row[MAX_COLUMNS:]):
                raise FileProblem(too_wide(f"{get_column_letter(MAX_COLUMNS + 1)}{number}"))
            if any(v.strip() for v in row):
                yield number, row
    except csv.Error:
        logger.info("unreadable .csv upload", exc_info=True)
        raise FileProblem(
            gettext(
                "Tệp CSV bị lỗi định dạng ở dòng %(line)s (thường là "
                "dấu ngoặc kép chưa đóng). Hãy mở bằng Excel và lưu lại dạng “CSV UTF-8”."
            )
            % {"line": format_exact(reader.line_num)}
        ) from None


# The table --------------------------------------------------------------------------------


def read_table(*, data: bytes, filename: str, layout: Layout) -> Table:
    """The data rows of an upload, or FileProblem naming what is wrong with the file as a
    whole (kind, size, emptiness, format, limits, missing or repeated columns). Rows whose
    fields do not line up with the header are reported in `Table.errors` and left out."""
    check_filename(filename)
    check_upload_size(len(data))
    if not data.strip():
        raise FileProblem(gettext("Tệp rỗng: không có dòng nào."))
    is_csv = filename.lower().endswith(".csv")
    # Room for the header, a label row and blank rows between the data.
    limit = layout.max_rows + 2
    raw = _csv_rows(data, limit) if is_csv else xlsx_rows(data, limit)
    try:
        return _table(raw, layout, is_csv=is_csv)
    except FileProblem as exc:
        if str(exc) == "__rows__":
            raise FileProblem(too_many_rows(layout.max_rows)) from None
        raise


def read_rows(*, data: bytes, filename: str, max_rows: int) -> list[list]:
    """The rows of an upload whose columns are not fixed (the scoring sheet's
    `target:<code>` columns), header first, read with the same bounds and strictness as
    `read_table`: FileProblem names a file-level problem, or the first CSV row whose fields
    do not line up with the header."""
    check_filename(filename)
    check_upload_size(len(data))
    if not data.strip():
        raise FileProblem(gettext("Tệp rỗng: không có dòng nào."))
    is_csv = filename.lower().endswith(".csv")
    raw = _csv_rows(data, max_rows + 1) if is_csv else xlsx_rows(data, max_rows + 1)
    rows: list[list] = []
    try:
        for number, values in raw:
            if is_csv and rows and len(values) != len(rows[0]):
                raise FileProblem(_misaligned(number, len(values), len(rows[0])).message)
            rows.append(list(values))
    except FileProblem as exc:
        if str(exc) == "__rows__":
            raise FileProblem(too_many_rows(max_rows)) from None
        raise
    return rows


def _table(raw: Iterator, layout: Layout, *, is_csv: bool) -> Table:
    first = next(raw, None)
    number, header = first if first is not None else (0, ())
    if number != 1 or all(is_blank(v) for v in header):
        raise FileProblem(
            gettext("Tệp rỗng hoặc dòng đầu tiên trống: dòng 1 phải là mã cột (%(columns)s, …).")
            % {"columns": ", ".join(layout.columns[:4])}
        )
    headers = [header_key(v) if not is_blank(v) else "" for v in header]
    width = max(i for i, h in enumerate(headers) if h) + 1
    missing = [column for column in layout.columns if column not in headers]
    if missing:
        values = {
            "missing": ", ".join(missing),
            "columns": ", ".join(layout.columns),
            "optional": ", ".join(layout.optional),
        }
        if layout.optional:
            message = gettext(
                "Thiếu cột: %(missing)s. Dòng 1 phải là mã cột: "
                "%(columns)s (thêm %(optional)s nếu có), như trong tệp mẫu."
            )
        else:
            message = gettext(
                "Thiếu cột: %(missing)s. Dòng 1 phải là mã cột: %(columns)s, như trong tệp mẫu."
            )
        raise FileProblem(message % values)
    repeated = sorted({h for h in headers if h in layout.known and headers.count(h) > 1})
    if repeated:
        raise FileProblem(
            gettext("Cột xuất hiện hơn một lần: %(columns)s.") % {"columns": ", ".join(repeated)}
        )
    index = {h: i for i, h in enumerate(headers) if h in layout.known}
    table = Table(letters={h: get_column_letter(i + 1) for h, i in index.items()})
    for number, values in raw:
        if all(is_blank(v) for v in values):
            continue
        if is_csv and len(values) != len(header):
            table.errors.append(_misaligned(number, len(values), len(header)))
            continue
        outside = next((i for i in range(width, len(values)) if not is_blank(values[i])), None)
        if outside is not None:
            cell = f"{get_column_letter(outside + 1)}{number}"
            table.errors.append(
                RowError(
                    number,
                    "",
                    gettext(
                        "Ô %(cell)s có dữ liệu nhưng cột này không có mã cột ở dòng 1: hãy xóa ô "
                        "đó hoặc đặt dữ liệu vào đúng cột."
                    )
                    % {"cell": cell},
                )
            )
            continue
        cells = {}
        for column, i in index.items():
            value = values[i] if i < len(values) else None
            if isinstance(value, str):
                value = value.strip() or None
            cells[column] = value
        table.rows.append((number, cells))
    return table


def _misaligned(number: int, found: int, expected: int) -> RowError:
    if found > expected:
        reason = gettext(
            "Dòng %(row)s có %(found)s ô nhưng dòng tiêu đề có %(expected)s cột: có lẽ một số "
            "thập phân viết dấu phẩy mà không đặt trong ngoặc kép (43,9 phải ghi “43,9”), "
            "làm lệch các cột sau. Không đọc dòng này."
        )
    else:
        reason = gettext(
            "Dòng %(row)s chỉ có %(found)s ô nhưng dòng tiêu đề có %(expected)s cột: thiếu ô "
            "hoặc thiếu dấu phân cách. Không đọc dòng này."
        )
    return RowError(number, "", reason % {"row": number, "found": found, "expected": expected})
