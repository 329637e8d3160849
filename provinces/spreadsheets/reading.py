"""Reading an uploaded .xlsx or .csv, bounded and strict, for every importer.

Bounded: the file size is checked before anything reads it, an .xlsx is refused when it
would inflate beyond a limit, and the sheet is streamed (openpyxl `read_only=True`) with
its declared `<dimension>` ignored: a sheet that declares `A1:XFD20001` would otherwise
make openpyxl pad every row to 16,384 cells. Reading stops at the row and column limits
and refuses the file with a message. Strict: a CSV row with more or fewer fields than the
header is an error naming the row (an unquoted `43,9` would otherwise shift every later
column), and so is an .xlsx value outside the header's columns. Python's exception text
never reaches the user: problems are logged and reported in Vietnamese.
"""

from __future__ import annotations

import csv
import io
import logging
import pyexpat
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple
from xml.etree import ElementTree

import openpyxl
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._reader import ROW_TAG, WorkSheetParser
from openpyxl.xml.constants import SHEET_MAIN_NS

from cluster_portal.number_style import format_exact

from .cells import is_blank

logger = logging.getLogger(__name__)

UPLOAD_MAX_BYTES = 5 * 1024 * 1024
# An .xlsx is a zip: refuse archives that would inflate beyond this before parsing them.
UNZIPPED_MAX_BYTES = 50 * 1024 * 1024
# openpyxl keeps the shared strings in memory: bound them on their own.
SHARED_STRINGS_MAX_BYTES = 8 * 1024 * 1024
# No importer has more than a few dozen columns.
MAX_COLUMNS = 64
# Blank rows between data rows are skipped, but not without end.
BLANK_ROWS_SLACK = 1_000
ACCEPTED_EXTENSIONS = (".xlsx", ".csv")

NOT_EXCEL = (
    "Tệp không phải là tệp Excel .xlsx hợp lệ (có thể là tệp khác bị đổi đuôi). "
    "Hãy mở bằng Excel và lưu lại dạng “Excel Workbook (.xlsx)”, hoặc dùng tệp mẫu."
)


class FileProblem(Exception):
    """The file as a whole cannot be read; the message is Vietnamese."""


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
            where.append(f"Dòng {self.row}")
        if self.column:
            where.append(f"cột {self.column}")
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


def _mb(limit: int | Decimal) -> str:
    return format_exact(round(Decimal(limit) / (1024 * 1024), 1))


def check_upload_size(size: int) -> None:
    """Before reading an upload into memory: FileProblem when it is over the limit."""
    if size > UPLOAD_MAX_BYTES:
        raise FileProblem(
            f"Tệp nặng {_mb(size)} MB, vượt giới hạn {_mb(UPLOAD_MAX_BYTES)} MB. Hãy bỏ bớt "
            "các trang tính, hình ảnh hoặc tách thành nhiều tệp."
        )


def check_filename(filename: str) -> None:
    name = (filename or "").lower()
    if not name.endswith(ACCEPTED_EXTENSIONS):
        hint = (
            " Tệp .xls cũ: hãy mở bằng Excel rồi lưu lại dạng .xlsx."
            if name.endswith(".xls")
            else ""
        )
        raise FileProblem("Chỉ nhận tệp Excel .xlsx hoặc tệp .csv." + hint)


def too_many_rows(limit: int) -> str:
    return f"Tệp có hơn {format_exact(limit)} dòng số liệu: hãy tách thành nhiều tệp."


def _too_wide(cell: str) -> str:
    return (
        f"Tệp có dữ liệu ở ô {cell}, ngoài giới hạn {MAX_COLUMNS} cột: hãy chỉ giữ lại các "
        "cột của tệp mẫu."
    )


def header_key(value: object) -> str:
    return " ".join(unicodedata.normalize("NFC", str(value)).split()).casefold()


_INLINE_STRING = f"{{{SHEET_MAIN_NS}}}is"
_RUN = f"{{{SHEET_MAIN_NS}}}r"
_TEXT = f"{{{SHEET_MAIN_NS}}}t"

# Raw rows ---------------------------------------------------------------------------------


# The sheet's rows are parsed with the standard library's C parser, which reads a
# 10,000-row sheet a third faster than the defusedxml pure-Python parser openpyxl uses.
# It is as safe here: `load_workbook` has already read the sheet's prologue with
# defusedxml (looking for the declared dimension), which refuses any entity declaration;
# ElementTree never fetches external entities or DTDs; and expat 2.4.1 and later bound
# entity expansion itself. With an older expat, openpyxl's own parser is kept.
_EXPAT_IS_SAFE = pyexpat.version_info >= (2, 4, 1)


class _PlainTextParser(WorkSheetParser):
    """openpyxl's sheet parser, reading only the rows, and an inline string (the cells
    openpyxl itself writes, in the templates the portal hands out) as its plain text: the
    upload needs no rich-text objects, and building them was a third of the time spent
    reading a 10,000-row file."""

    def parse(self):
        if not _EXPAT_IS_SAFE:
            yield from super().parse()
            return
        for _, element in ElementTree.iterparse(self.source):  # noqa: S314 (see above)
            if element.tag == ROW_TAG:
                row = self.parse_row(element)
                element.clear()
                yield row

    def parse_cell(self, element):
        if element.get("t") != "inlineStr":
            return super().parse_cell(element)
        del element.attrib["t"]  # read as an empty cell: its place and style ...
        cell = super().parse_cell(element)
        inline = element.find(_INLINE_STRING)
        if inline is not None:  # ... then its text, as openpyxl's Text.content joins it
            parts = [inline.findtext(_TEXT) or ""]
            parts += [run.findtext(_TEXT) or "" for run in inline.findall(_RUN)]
            cell["value"], cell["data_type"] = "".join(parts), "s"
        return cell


def _sheet_cells(sheet) -> Iterator[tuple[int, list[dict]]]:
    """(row number, the cells the sheet's XML holds for that row): what openpyxl's
    read-only worksheet parses before padding rows to the declared dimension. These are
    the calls ReadOnlyWorksheet._cells_by_row makes (openpyxl < 4, pinned in pyproject);
    reading them directly means a cell far to the right is seen, not padded up to."""
    book = sheet.parent
    with sheet._get_source() as source:
        parser = _PlainTextParser(
            source,
            sheet._shared_strings,
            data_only=True,
            epoch=book.epoch,
            date_formats=book._date_formats,
            timedelta_formats=book._timedelta_formats,
        )
        yield from parser.parse()


def _xlsx_rows(data: bytes, limit: int) -> Iterator[tuple[int, tuple]]:
    """The first sheet's non-blank rows as (row number, values), streamed."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise FileProblem(NOT_EXCEL) from None
    shared = sum(i.file_size for i in infos if i.filename.lower().endswith("sharedstrings.xml"))
    if sum(i.file_size for i in infos) > UNZIPPED_MAX_BYTES or shared > SHARED_STRINGS_MAX_BYTES:
        raise FileProblem(
            f"Tệp Excel khi giải nén vượt {_mb(UNZIPPED_MAX_BYTES)} MB: không xử lý. Hãy chỉ "
            "giữ lại trang số liệu theo tệp mẫu."
        )
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of errors on a damaged file
        logger.info("unreadable .xlsx upload", exc_info=True)
        raise FileProblem(NOT_EXCEL) from None
    try:
        if not workbook.worksheets:
            return
        for number, cells in _sheet_cells(workbook.worksheets[0]):
            values = {}
            for cell in cells:
                if is_blank(cell["value"]):
                    continue
                if cell["column"] > MAX_COLUMNS:
                    raise FileProblem(_too_wide(f"{get_column_letter(cell['column'])}{number}"))
                values[cell["column"]] = cell["value"]
            if not values:
                if number > limit + BLANK_ROWS_SLACK:
                    raise FileProblem("__rows__")
                continue
            if number > limit:
                raise FileProblem("__rows__")
            yield number, tuple(values.get(i) for i in range(1, max(values) + 1))
    except FileProblem:
        raise
    except Exception:
        logger.info("unreadable .xlsx upload", exc_info=True)
        raise FileProblem(NOT_EXCEL) from None
    finally:
        workbook.close()


def _csv_rows(data: bytes, limit: int) -> Iterator[tuple[int, list[str]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileProblem(
            "Tệp CSV phải dùng bảng mã UTF-8 (trong Excel: “Lưu thành” → “CSV UTF-8”)."
        ) from None
    if "\x00" in text:
        raise FileProblem("Tệp không phải là tệp CSV dạng văn bản.")
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
                raise FileProblem(_too_wide(f"{get_column_letter(MAX_COLUMNS + 1)}{number}"))
            if any(v.strip() for v in row):
                yield number, row
    except csv.Error:
        logger.info("unreadable .csv upload", exc_info=True)
        raise FileProblem(
            f"Tệp CSV bị lỗi định dạng ở dòng {format_exact(reader.line_num)} (thường là "
            "dấu ngoặc kép chưa đóng). Hãy mở bằng Excel và lưu lại dạng “CSV UTF-8”."
        ) from None


# The table --------------------------------------------------------------------------------


def read_table(*, data: bytes, filename: str, layout: Layout) -> Table:
    """The data rows of an upload, or FileProblem naming what is wrong with the file as a
    whole (kind, size, emptiness, format, limits, missing or repeated columns). Rows whose
    fields do not line up with the header are reported in `Table.errors` and left out."""
    check_filename(filename)
    check_upload_size(len(data))
    if not data.strip():
        raise FileProblem("Tệp rỗng: không có dòng nào.")
    is_csv = filename.lower().endswith(".csv")
    # Room for the header, a label row and blank rows between the data.
    limit = layout.max_rows + 2
    raw = _csv_rows(data, limit) if is_csv else _xlsx_rows(data, limit)
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
        raise FileProblem("Tệp rỗng: không có dòng nào.")
    is_csv = filename.lower().endswith(".csv")
    raw = _csv_rows(data, max_rows + 1) if is_csv else _xlsx_rows(data, max_rows + 1)
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
            "Tệp rỗng hoặc dòng đầu tiên trống: dòng 1 phải là mã cột "
            f"({', '.join(layout.columns[:4])}, …)."
        )
    headers = [header_key(v) if not is_blank(v) else "" for v in header]
    width = max(i for i, h in enumerate(headers) if h) + 1
    missing = [column for column in layout.columns if column not in headers]
    if missing:
        optional = f" (thêm {', '.join(layout.optional)} nếu có)" if layout.optional else ""
        raise FileProblem(
            f"Thiếu cột: {', '.join(missing)}. Dòng 1 phải là mã cột: "
            f"{', '.join(layout.columns)}{optional}, như trong tệp mẫu."
        )
    repeated = sorted({h for h in headers if h in layout.known and headers.count(h) > 1})
    if repeated:
        raise FileProblem(f"Cột xuất hiện hơn một lần: {', '.join(repeated)}.")
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
                    f"Ô {cell} có dữ liệu nhưng cột này không có mã cột ở dòng 1: hãy xóa ô "
                    "đó hoặc đặt dữ liệu vào đúng cột.",
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
        reason = (
            f"Dòng {number} có {found} ô nhưng dòng tiêu đề có {expected} cột: có lẽ một số "
            "thập phân viết dấu phẩy mà không đặt trong ngoặc kép (43,9 phải ghi “43,9”), "
            "làm lệch các cột sau. Không đọc dòng này."
        )
    else:
        reason = (
            f"Dòng {number} chỉ có {found} ô nhưng dòng tiêu đề có {expected} cột: thiếu ô "
            "hoặc thiếu dấu phân cách. Không đọc dòng này."
        )
    return RowError(number, "", reason)
