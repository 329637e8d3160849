"""The scoring summary ("Bảng tổng hợp kết quả chấm điểm thi đua năm Y"): one row per
criterion, one column per member headed by the province's name, then "Tổng điểm" and
"Xếp hạng". PDF through the annual report's WeasyPrint path (same fetcher, font and NĐ 30
layout); Excel with numbers, each cell's format showing what the PDF writes
(number_style: 95; 87,5; −1). A penalty is shown as a negative number, so that a
member's total is the sum of its leaf rows."""

import io

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import format_html, format_html_join
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from cluster_portal.number_style import excel_number_format, excel_points_format, format_points
from emulation.reports.letterhead import MOTTO
from emulation.reports.render import render_pdf
from emulation.reports.xlsx_print import print_landscape
from provinces.spreadsheets.writing import safe_text

from .selectors import ScoringYear
from .summary_document import SummaryLetterhead, summary_lead_note, summary_letterhead

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TITLE = "Bảng tổng hợp kết quả chấm điểm thi đua năm {year}"
UNSCORED = "chưa chấm"  # a member without a sheet: no total, no rank (as on the overview)
WIDE_FROM = 16  # more members than this: the PDF's smaller type (scoring-print.css)


def summary_rows(data: ScoringYear) -> list[dict]:
    """The table both outputs show: per line its points per member, in member order."""
    return [
        {
            "criterion": line.criterion,
            "depth": line.depth,
            "points": [data.points(column, line.criterion) for column in data.columns],
        }
        for line in data.lines
    ]


# The PDF's page: A4 landscape less the margins of scoring-print.css (20 + 15 mm), in CSS
# pixels (96 to the inch), and the fixed columns' widths there (TT, name, maximum).
PAGE_WIDTH_PX = 262 / 25.4 * 96
NORMAL = {"font_px": 8 * 4 / 3, "fixed_px": (8 + 75 + 20) / 25.4 * 96, "pad_px": 5, "most": 90}
WIDE = {"font_px": 6.5 * 4 / 3, "fixed_px": (6 + 42 + 9) / 25.4 * 96, "pad_px": 3, "most": 90}
# Advances of Tinos (the "Report Serif" of report.css), thousandths of an em: regular and
# bold alike. Digits and U+2007 (figure space) share a width, so do the comma and U+2008
# (punctuation space); the minus is 64 wider than a digit (MINUS_EXTRA, left as room).
ADVANCE = {False: {"digit": 500, "comma": 250}, True: {"digit": 500, "comma": 250}}
SPACES = {False: [("\u2007", 500), ("\u2008", 250), ("\u200a", 83)],
          True: [("\u2007", 500), ("\u2008", 250), ("\u200a", 83)]}  # fmt: skip
MINUS_EXTRA = 70


def _glyphs(text: str) -> tuple[int, int]:
    commas = text.count(",")
    return len(text) - commas, commas


def _indent(width_em: float, bold: bool) -> str:
    """Space characters of about `width_em` thousandths of an em (never more)."""
    out = []
    for char, advance in SPACES[bold]:
        count = int(width_em // advance)
        out.append(char * count)
        width_em -= count * advance
    return "".join(out)


def member_grid(data: ScoringYear, rows: list[dict]) -> dict | None:
    """The member columns of the PDF written as one line of text per criterion, each
    member's points at a tab stop one column apart (`tab-size` in whole pixels), right
    aligned by figure and punctuation spaces, the column rules a gradient tile repeated
    once per column. WeasyPrint lays a summary of 34 members × 80 criteria out three times
    faster than with a cell per member (about 3,000 cells, each its own box and text
    layout). None when a member's column is too narrow for its widest points, and the
    members get a cell each."""
    count = len(data.columns)
    if not count or not rows:
        return None
    wide = count > WIDE_FROM
    geometry = WIDE if wide else NORMAL
    pitch = min(geometry["most"], int((PAGE_WIDTH_PX - geometry["fixed_px"]) / count))
    texts = [[format_points(p) if p is not None else "" for p in row["points"]] for row in rows]
    digits = max(_glyphs(t)[0] for line in texts for t in line)
    commas = max(_glyphs(t)[1] for line in texts for t in line)
    lines = []
    for row, line in zip(rows, texts, strict=True):
        bold = row["criterion"].is_group
        advance = ADVANCE[bold]
        widest = digits * advance["digit"] + commas * advance["comma"]
        em = geometry["font_px"] / 1000
        room = (pitch - geometry["pad_px"]) / em - widest - MINUS_EXTRA
        if room < 0:
            return None
        indent = _indent(room, bold)
        cells = []
        for text in line:
            own_digits, own_commas = _glyphs(text)
            cells.append(
                indent + "\u2007" * (digits - own_digits) + "\u2008" * (commas - own_commas) + text
            )
        lines.append("\t".join(cells))
    return {"pitch": pitch, "rule_from": f"{pitch - 0.8:.2f}", "lines": lines, "wide": wide}


def _with_cells(data: ScoringYear, rows: list[dict]) -> tuple[list[dict], dict | None]:
    """The rows with their member cells already written for the PDF: one grid line per
    row (`member_grid`), or a cell per member in one string per row (not a template loop
    per cell)."""
    grid = member_grid(data, rows)
    for index, row in enumerate(rows):
        if grid:
            row["cells_html"] = format_html(
                '<td class="members" colspan="{}">{}</td>', len(data.columns), grid["lines"][index]
            )
        else:
            row["cells_html"] = format_html_join(
                "",
                "<td>{}</td>",
                ((format_points(p) if p is not None else "",) for p in row["points"]),
            )
    return rows, grid


def summary_context(data: ScoringYear) -> dict:
    return {
        "data": data,
        "title": TITLE.format(year=data.year),
        "rows": summary_rows(data),
        # A member not scored yet has no total, as on the overview ("chưa chấm"), not 0.
        "totals": [column.total if column.scored else None for column in data.columns],
        "ranks": [column.standing.rank if column.standing else None for column in data.columns],
        "is_final": data.locked,
        "wide": len(data.columns) > WIDE_FROM,
    }


def grid_css(grid: dict | None) -> str:
    """The member columns' pitch, measured per document, as a stylesheet handed to
    WeasyPrint beside the document (the template carries no inline style: the pages' CSP
    refuses them everywhere). A stylesheet given that way is the user's, which yields to
    the author's unless important, hence `!important`."""
    if not grid:
        return ""
    pitch, edge = grid["pitch"], grid["rule_from"]
    table = ".scoring-summary table.data.scoring"
    return (
        f"{table} col.name {{ width: auto !important; }}\n"
        f"{table} col.member {{ width: {pitch}px !important; }}\n"
        f"{table} tr td.members {{ tab-size: {pitch}px !important;"
        f" background-image: linear-gradient(to right, transparent {edge}px, #333 {edge}px)"
        f" !important; background-size: {pitch}px 100% !important;"
        " background-repeat: repeat-x !important; }\n"
    )


def _summary_document(
    data: ScoringYear, letterhead: SummaryLetterhead | None
) -> tuple[str, dict | None]:
    context = summary_context(data)
    context["rows"], context["grid"] = _with_cells(data, context["rows"])
    context["head"] = letterhead or summary_letterhead(data)
    context["motto"] = MOTTO
    context["lead_note"] = summary_lead_note(data)
    with translation.override("vi"):
        return render_to_string("scoring/summary_document.html", context), context["grid"]


def render_summary_html(data: ScoringYear, *, letterhead: SummaryLetterhead | None = None) -> str:
    return _summary_document(data, letterhead)[0]


def render_summary_pdf(data: ScoringYear, *, letterhead: SummaryLetterhead | None = None) -> bytes:
    """The summary's PDF: the stand-alone file, or with the dossier's `letterhead` its
    appendix (summary_document.py)."""
    html, grid = _summary_document(data, letterhead)
    return render_pdf(html, css=grid_css(grid))


HEADER_FILL = PatternFill("solid", fgColor="F1F1F1")


def render_summary_xlsx(data: ScoringYear) -> bytes:
    context = summary_context(data)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Tổng hợp chấm điểm"
    sheet.append([context["title"]])
    sheet["A1"].font = Font(bold=True, size=13)
    status = "Kết quả chính thức" if data.locked else "Kết quả tạm tính (chưa họp bình xét)"
    sheet.append([safe_text(data.cluster.name)])
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
        + [float(t) if t is not None else UNSCORED for t in context["totals"]]
    )
    sheet.append([None, "Xếp hạng", None, None, *context["ranks"]])
    for row in sheet.iter_rows(min_row=sheet.max_row - 1):
        for cell in row:
            cell.font = Font(bold=True)
    for cell in sheet[sheet.max_row][4:]:
        cell.number_format = excel_number_format(0)
    for row in sheet.iter_rows(min_row=header_row + 1, min_col=4):
        for cell in row:
            if isinstance(cell.value, float):
                cell.number_format = excel_points_format(cell.value)
    sheet.column_dimensions["A"].width = 6
    sheet.column_dimensions["B"].width = 52
    sheet.column_dimensions["C"].width = 23  # "Theo mức (khung điểm)", the longest kind
    sheet.column_dimensions["D"].width = 10
    for index in range(len(names)):
        sheet.column_dimensions[get_column_letter(5 + index)].width = 12
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=5)
    # Headers wrap between words (a province's name on two lines at most), the title rows
    # run across the table, and the sheet prints like the PDF: A4 landscape, fitted to the
    # width, the header row on every page.
    sheet.row_dimensions[header_row].height = 32
    width = 4 + len(names)
    for row in (1, 2):
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
    sheet["A2"] = f"{safe_text(data.cluster.name)} — {status}"
    print_landscape(sheet, header_row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
