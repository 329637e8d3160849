"""Reading uploaded spreadsheets safely, for every importer: bounded in size (before
and after unzipping), refusing files that only pretend to be .xlsx, CSV in UTF-8."""

import csv
import io
import logging
import zipfile
from decimal import Decimal

import openpyxl

from provinces.numbers import format_vn_number

logger = logging.getLogger(__name__)

UPLOAD_MAX_BYTES = 5 * 1024 * 1024
# An .xlsx is a zip: refuse archives that would inflate beyond this before parsing them.
UNZIPPED_MAX_BYTES = 50 * 1024 * 1024
# About 1.2 s per 1,000 rows and pass (bench/bench_import.py); far more rows than any
# cluster's history needs.
IMPORT_MAX_ROWS = 5_000


class FileProblem(Exception):
    """The file as a whole cannot be read; the message is Vietnamese."""


def _max_mb(limit: int) -> str:
    return format_vn_number(Decimal(limit) / (1024 * 1024))


def check_upload_size(size: int) -> None:
    if size > UPLOAD_MAX_BYTES:
        raise FileProblem(
            f"Tệp nặng {format_vn_number(round(Decimal(size) / (1024 * 1024), 1))} MB, vượt "
            f"giới hạn {_max_mb(UPLOAD_MAX_BYTES)} MB. Hãy bỏ bớt các trang tính, "
            "hình ảnh hoặc tách thành nhiều tệp."
        )


def xlsx_rows(data: bytes) -> list[tuple]:
    not_excel = (
        "Tệp không phải là tệp Excel .xlsx hợp lệ (có thể là tệp khác bị đổi đuôi). "
        "Hãy mở bằng Excel và lưu lại dạng “Excel Workbook (.xlsx)”, hoặc dùng tệp mẫu."
    )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unzipped = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise FileProblem(not_excel) from None
    if unzipped > UNZIPPED_MAX_BYTES:
        raise FileProblem(
            f"Tệp Excel khi giải nén vượt {_max_mb(UNZIPPED_MAX_BYTES)} MB: không xử lý. "
            "Hãy chỉ giữ lại trang số liệu theo tệp mẫu."
        )
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of errors on a damaged file
        logger.info("unreadable .xlsx upload", exc_info=True)
        raise FileProblem(not_excel) from None
    try:
        if not workbook.worksheets:
            return []
        rows = []
        for number, row in enumerate(workbook.worksheets[0].iter_rows(values_only=True), 1):
            if number > IMPORT_MAX_ROWS * 20:
                raise FileProblem(too_many_rows())
            rows.append(row)
        return rows
    except FileProblem:
        raise
    except Exception:
        logger.info("unreadable .xlsx upload", exc_info=True)
        raise FileProblem(not_excel) from None
    finally:
        workbook.close()


def csv_rows(data: bytes) -> list[list[str]]:
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
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise FileProblem(f"Tệp CSV bị lỗi định dạng: {exc}.") from None


def too_many_rows() -> str:
    return f"Tệp có hơn {format_vn_number(IMPORT_MAX_ROWS)} dòng số liệu: hãy tách thành nhiều tệp."


ACCEPTED_EXTENSIONS = (".xlsx", ".csv")


def upload_rows(*, data: bytes, filename: str) -> list:
    """The raw rows of an uploaded .xlsx or .csv file, or FileProblem naming what is wrong
    with the file as a whole (kind, size, emptiness, format)."""
    name = (filename or "").lower()
    if not name.endswith(ACCEPTED_EXTENSIONS):
        hint = (
            " Tệp .xls cũ: hãy mở bằng Excel rồi lưu lại dạng .xlsx."
            if name.endswith(".xls")
            else ""
        )
        raise FileProblem("Chỉ nhận tệp Excel .xlsx hoặc tệp .csv." + hint)
    check_upload_size(len(data))
    if not data.strip():
        raise FileProblem("Tệp rỗng: không có dòng nào.")
    return xlsx_rows(data) if name.endswith(".xlsx") else csv_rows(data)
