"""The scoring summary ("Bảng tổng hợp kết quả chấm điểm thi đua năm Y"): one row per
criterion, one column per member headed by the province's name, then "Tổng điểm" and
"Xếp hạng". PDF through the annual report's WeasyPrint path (same fetcher, font and NĐ 30
layout); Excel with numbers, each cell's format showing what the PDF writes
(number_style: 95; 87,5; −1). A penalty is shown as a negative number, so that a
member's total is the sum of its leaf rows."""

import io

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.html import format_html_join
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from cluster_portal.number_style import excel_points_format, format_points
from emulation.reports.render import render_pdf
from provinces.spreadsheets.writing import safe_text

from .selectors import ScoringYear

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TITLE = "Bảng tổng hợp kết quả chấm điểm thi đua năm {year}"


def summary_rows(data: ScoringYear) -> list[dict]:
    """The table both outputs show: per line its points per member, in member order, and
    for the PDF those points' cells already written (one string per line, not a template
    loop per cell: a 34-member summary of 80 criteria has about 3,000 of them)."""
    rows = []
    for line in data.lines:
        c = line.criterion
        points = [data.points(column, c) for column in data.columns]
        rows.append(
            {
                "criterion": c,
                "depth": line.depth,
                "points": points,
                "cells_html": format_html_join(
                    "",
                    "<td>{}</td>",
                    ((format_points(p) if p is not None else "",) for p in points),
                ),
            }
        )
    return rows


def summary_context(data: ScoringYear) -> dict:
    term = data.term
    agreement = data.agreement
    return {
        "data": data,
        "title": TITLE.format(year=data.year),
        "rows": summary_rows(data),
        "totals": [column.total for column in data.columns],
        "ranks": [column.standing.rank if column.standing else None for column in data.columns],
        "place": term.head.name if term else "",
        "date": agreement.meeting_date
        if agreement and agreement.meeting_date
        else timezone.localdate(),
        "is_final": data.locked,
    }


def render_summary_html(data: ScoringYear) -> str:
    with translation.override("vi"):
        return render_to_string("scoring/summary_document.html", summary_context(data))


def render_summary_pdf(data: ScoringYear) -> bytes:
    return render_pdf(render_summary_html(data))


HEADER_FILL = PatternFill("solid", fgColor="F1F1F1")


def render_summary_xlsx(data: ScoringYear) -> bytes:
    context = summary_context(data)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Tổng hợp chấm điểm"
    sheet.append([context["title"]])
    sheet["A1"].font = Font(bold=True, size=13)
    status = "Kết quả chính thức" if data.locked else "Kết quả tạm tính (chưa họp bình xét)"
    sheet.append([safe_text(data.cluster.name), None, None, None, status])
    sheet.append([])
    names = [safe_text(column.province.name) for column in data.columns]
    sheet.append(["STT", "Nội dung tiêu chí", "Loại", "Điểm tối đa", *names])
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top", horizontal="center")
    for row in context["rows"]:
        c = row["criterion"]
        sheet.append(
            [
                c.number,
                safe_text(("   " * row["depth"]) + c.title),
                c.get_kind_display(),
                float(-c.max_points if c.kind == "penalty" else c.max_points),
                *[float(p) if p is not None else None for p in row["points"]],
            ]
        )
        if c.is_group:
            for cell in sheet[sheet.max_row]:
                cell.font = Font(bold=True)
    sheet.append(
        [None, "Tổng điểm", None, float(data.agreement.total_points)]
        + [float(t) for t in context["totals"]]
    )
    sheet.append([None, "Xếp hạng", None, None, *context["ranks"]])
    for row in sheet.iter_rows(min_row=sheet.max_row - 1):
        for cell in row:
            cell.font = Font(bold=True)
    for row in sheet.iter_rows(min_row=header_row + 1, min_col=4):
        for cell in row:
            if isinstance(cell.value, float):
                cell.number_format = excel_points_format(cell.value)
    sheet.column_dimensions["A"].width = 6
    sheet.column_dimensions["B"].width = 52
    sheet.column_dimensions["C"].width = 16
    sheet.column_dimensions["D"].width = 10
    for index in range(len(names)):
        sheet.column_dimensions[get_column_letter(5 + index)].width = 12
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=5)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
