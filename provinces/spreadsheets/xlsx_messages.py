"""What the .xlsx reader (xlsx.py) says when it refuses a file, in the reader's language
(Vietnamese msgids): the file as a whole, or a row it cannot read safely."""

from __future__ import annotations

from django.utils.translation import gettext, gettext_lazy

from cluster_portal.number_style import format_exact

NOT_EXCEL = gettext_lazy(
    "Tệp không phải là tệp Excel .xlsx hợp lệ (có thể là tệp khác bị đổi đuôi). "
    "Hãy mở bằng Excel và lưu lại dạng “Excel Workbook (.xlsx)”, hoặc dùng tệp mẫu."
)
RESAVE = gettext_lazy("Hãy chép bảng số liệu sang tệp mẫu (chỉ dán giá trị) rồi tải lên lại.")


def too_wide(cell: str, max_columns: int) -> str:
    return gettext(
        "Tệp có dữ liệu ở ô %(cell)s, ngoài giới hạn %(max)s cột: hãy chỉ giữ lại các "
        "cột của tệp mẫu."
    ) % {"cell": cell, "max": max_columns}


def row_too_wide(number: int, cell: str | None, max_cells: int) -> str:
    if cell:
        message = gettext(
            "Dòng %(row)s có ô %(cell)s, ngoài giới hạn %(max)s ô mỗi dòng (kể cả ô trống "
            "đã định dạng): không xử lý. Hãy xóa các cột thừa bên phải bảng."
        )
    else:
        message = gettext(
            "Dòng %(row)s có hơn %(max)s ô, vượt giới hạn %(max)s ô mỗi dòng (kể cả ô trống "
            "đã định dạng): không xử lý. Hãy xóa các cột thừa bên phải bảng."
        )
    values = {"row": format_exact(number), "cell": cell, "max": format_exact(max_cells)}
    return f"{message % values} {RESAVE}"


def part_too_big(label: str, size: str, limit: str) -> str:
    message = gettext(
        "Tệp Excel có phần %(part)s nặng %(size)s MB khi giải nén, vượt giới hạn %(limit)s MB: "
        "không xử lý."
    )
    return f"{message % {'part': label, 'size': size, 'limit': limit}} {RESAVE}"


def part_too_many(label: str, max_elements: int) -> str:
    message = gettext("Tệp Excel có phần %(part)s với hơn %(max)s mục, vượt giới hạn: không xử lý.")
    return f"{message % {'part': label, 'max': format_exact(max_elements)}} {RESAVE}"


def too_many_formats(max_formats: int) -> str:
    message = gettext(
        "Tệp Excel có hơn %(max)s kiểu định dạng ô (giới hạn của Excel): không xử lý."
    )
    return f"{message % {'max': format_exact(max_formats)}} {RESAVE}"


def unzipped_too_big(limit: str) -> str:
    return gettext(
        "Tệp Excel khi giải nén vượt %(limit)s MB: không xử lý. Hãy chỉ giữ lại trang số liệu "
        "theo tệp mẫu."
    ) % {"limit": limit}


def sheet_too_big(max_elements: int, number: int) -> str:
    return gettext(
        "Trang tính có hơn %(max)s thành phần (ô, kể cả ô trống đã định dạng), đến dòng "
        "%(row)s: không xử lý. Hãy xóa các dòng, cột thừa hoặc tách thành nhiều tệp."
    ) % {"max": format_exact(max_elements), "row": format_exact(number)}


def rows_out_of_order(number: int, previous: int) -> str:
    return gettext(
        "Tệp Excel bị lỗi cấu trúc: dòng %(row)s đứng sau dòng %(previous)s (các dòng phải theo "
        "thứ tự từ trên xuống). Hãy mở bằng Excel, lưu lại rồi tải lên lại."
    ) % {"row": format_exact(number), "previous": format_exact(previous)}


def row_too_deep(number: int, max_elements: int) -> str:
    message = gettext(
        "Dòng %(row)s có cấu trúc bất thường (hơn %(max)s thành phần XML): không xử lý."
    )
    return f"{message % {'row': format_exact(number), 'max': format_exact(max_elements)}} {RESAVE}"
