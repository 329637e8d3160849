"""The annual report as an Excel workbook: the same tables as the HTML, as numbers.

The first sheet, "Tổng hợp", is what a chair forwards: a title block (cluster, year, draft
marking, how many members' figures are approved), then every indicator with the cluster
total of the year, last year's figure and this year's figure of the same members (like
with like, as the HTML comparison), and the disbursements of the register; the HTML's notes
follow the table. Every number is the figure as the report prints it (the decimals of
the data dictionary, rounded half-up), in a cell holding a number with a number format.
The second sheet, "Theo tỉnh", holds each province's figures exactly as stored (1261.2,
not 1261), its number format showing them with the indicator's decimals (1.261).
"""

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from cluster_portal.number_style import (
    PERCENT_DECIMALS,
    excel_number_format,
    excel_percent_format,
    round_half_up,
)
from emulation.reports.drafts import NOT_WRITTEN
from emulation.reports.selectors import ClusterReport
from provinces.figures.spec import (
    AGRI_SHARE_DECIMALS,
    DISBURSEMENT_AMOUNT_DECIMALS,
    INDICATORS,
    PER_PROVINCE_DECIMALS,
    by_section,
    excel_format,
    round_indicator,
)
from provinces.spreadsheets.writing import safe_text

from .xlsx_print import print_by_section, print_landscape

SUMMARY_SHEET = "Tổng hợp"
PROVINCES_SHEET = "Theo tỉnh"
HEADER_FILL = PatternFill("solid", fgColor="F1F1F1")
TOTAL_FILL = PatternFill("solid", fgColor="E8E8E8")
THIN = Side(style="thin", color="999999")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
DRAFT_FONT = Font(bold=True, color="A4161A")
PREVIEW_MARK = "BẢN XEM TRƯỚC LÀM VIỆC"


def _number(value, decimals: int):
    """A cell value: int for whole figures, float otherwise (openpyxl writes Decimal as
    float anyway), None for a missing figure."""
    rounded = round_half_up(value, decimals)
    if rounded is None:
        return None
    return int(rounded) if decimals == 0 else float(rounded)


def _exact(value):
    """A province's figure as stored, every decimal kept (1261.2, not 1261): its cell's
    number format shows it with the indicator's decimals, as the report prints it."""
    if value is None:
        return None
    return int(value) if value == int(value) else float(value)


def _status_line(report: ClusterReport) -> str:
    approved = f"{report.approved_count}/{report.member_count}"
    if report.preview:
        return (
            f"{PREVIEW_MARK} — tính cả số liệu đã nộp chưa duyệt, không phải báo cáo của "
            f"Cụm — {approved} tỉnh đã được duyệt"
        )
    if report.is_draft:
        return f"BẢN DỰ THẢO — số liệu của {approved} tỉnh đã được duyệt"
    return f"Số liệu của {approved} tỉnh đã được duyệt"


def _title_block(sheet: Worksheet, report: ClusterReport, title: str, width: int) -> int:
    """Rows 1-4: who, what, which year, draft or not (the working preview: said in the
    title and the banner). Returns the next free row."""
    sig = report.signature
    if report.preview:
        title = f"{PREVIEW_MARK} — {title}"
    marked = report.is_draft or report.preview
    rows = [
        (f"LIÊN MINH HTX VIỆT NAM — {report.cluster.name.upper()}", Font(bold=True)),
        (title, Font(bold=True, size=14)),
        (_status_line(report), DRAFT_FONT if marked else Font(italic=True)),
        (
            f"{sig.number_line} · {report.member_count} tỉnh thành viên năm {report.year}, "
            f"{report.entered_count} tỉnh đã nhập số liệu"
            if sig
            else "",
            Font(italic=True),
        ),
    ]
    for index, (text, font) in enumerate(rows, start=1):
        cell = sheet.cell(row=index, column=1, value=safe_text(text))
        cell.font = font
        sheet.merge_cells(start_row=index, start_column=1, end_row=index, end_column=width)
    sheet.row_dimensions[2].height = 21  # the 14 pt title clear of the line above
    return len(rows) + 2


def _header(sheet: Worksheet, row: int, headers: list[str]) -> None:
    for column, text in enumerate(headers, start=1):
        cell = sheet.cell(row=row, column=column, value=text)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.border = BOX
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")


def _fit_columns(sheet: Worksheet, first_row: int, *, widest: int = 60) -> None:
    """Each column as wide as its longest entry below the title block (headers wrap)."""
    widths: dict[int, int] = {}
    for row in sheet.iter_rows(min_row=first_row):
        for cell in row:
            if cell.value is None:
                continue
            if isinstance(cell.value, int | float):
                length = len(f"{cell.value:,.1f}") + 2
            else:
                longest_word = max((len(w) for w in str(cell.value).split()), default=0)
                length = len(str(cell.value)) if cell.row != first_row else longest_word + 6
            widths[cell.column] = max(widths.get(cell.column, 8), min(length + 2, widest))
    for column, width in widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = width


def _summary_rows(report: ClusterReport) -> list[tuple]:
    """(label, unit, total of the year, last year, this year of the same members,
    change in %, decimals)"""
    rows = []
    totals = report.totals or {}
    for comparison in report.comparisons:
        indicator = comparison.indicator
        rows.append(
            (
                indicator.label,
                indicator.unit,
                round_indicator(indicator.code, totals.get(indicator.code)),
                round_indicator(indicator.code, comparison.previous),
                round_indicator(indicator.code, comparison.current),
                _number(comparison.change, PERCENT_DECIMALS),
                indicator.decimals,
            )
        )
    rows.append(
        (
            "Tỷ lệ THT hoạt động trong lĩnh vực nông nghiệp",
            "%",
            _number(report.agri_share, AGRI_SHARE_DECIMALS),
            None,
            None,
            None,
            AGRI_SHARE_DECIMALS,
        )
    )
    rows.append(
        (
            f"Số HTX thành lập mới bình quân mỗi tỉnh ({report.entered_count} tỉnh có số liệu)",
            "HTX/tỉnh",
            _number(report.htx_new_per_province, PER_PROVINCE_DECIMALS),
            None,
            None,
            None,
            PER_PROVINCE_DECIMALS,
        )
    )
    disbursements = report.disbursements
    for label, unit, value, decimals in (
        ("Giải ngân các quỹ: số lượt dự án", "lượt dự án", disbursements.cluster_all.count, 0),
        (
            "Giải ngân các quỹ: số tiền",
            "triệu đồng",
            disbursements.cluster_all.amount,
            DISBURSEMENT_AMOUNT_DECIMALS,
        ),
        (
            "Riêng Quỹ hỗ trợ phát triển HTX: số dự án",
            "dự án",
            disbursements.cluster_htx_dev.count,
            0,
        ),
        (
            "Riêng Quỹ hỗ trợ phát triển HTX: số tiền",
            "triệu đồng",
            disbursements.cluster_htx_dev.amount,
            DISBURSEMENT_AMOUNT_DECIMALS,
        ),
    ):
        rows.append((label, unit, _number(value, decimals), None, None, None, decimals))
    return rows


def _notes(report: ClusterReport) -> list[str]:
    """The HTML's notes under its comparison, in the same words."""
    previous_year = report.year - 1
    notes = []
    if report.previous_totals:
        notes.append(
            f"So sánh trên {report.compared_count}/{report.member_count} tỉnh có số liệu cả "
            f"hai năm; cột “Năm {report.year} (cùng các tỉnh so sánh)” chỉ cộng các tỉnh này."
        )
    elif not report.totals:
        notes.append(f"Chưa có tỉnh nào nhập số liệu năm {report.year}.")
        notes.append(f"Chưa có số liệu năm {report.year} để so sánh với năm {previous_year}.")
    elif report.previous_year_has_data:
        notes.append(
            f"Không có tỉnh nào có số liệu của cả năm {previous_year} và năm {report.year} "
            "để so sánh."
        )
    else:
        notes.append(f"Không có số liệu năm {previous_year} để so sánh.")
    if report.previous_totals and report.previous_partial:
        missing = ", ".join(p.name for p in report.not_compared)
        notes.append(
            "So sánh chưa đầy đủ:"
            + (
                f" không có số liệu năm {previous_year} để so sánh cho {missing}"
                + (";" if report.partly_compared else ".")
                if missing
                else ""
            )
            + (
                " các tỉnh ghi “so sánh một phần” dưới đây thiếu số liệu của một đơn vị trước "
                "sáp nhập, nên mức tăng có thể cao hơn thực tế."
                if report.partly_compared
                else ""
            )
        )
    for line in report.merged_lines:
        units = ", ".join(u.name for u in line.previous_units)
        if line.partial:
            which = "; so sánh một phần."
        else:
            which = "." if line.previous else "; không có số liệu để so sánh."
        notes.append(
            f"{line.province.name} (thành lập sau sáp nhập) được so sánh với tổng số liệu năm "
            f"{previous_year} của {units}{which}"
        )
    if report.missing:
        notes.append("Chưa có số liệu của: " + ", ".join(p.name for p in report.missing) + ".")
    not_yet = "chưa nộp" if report.preview else "chưa được duyệt"
    if report.withheld:
        names = ", ".join(p.name for p in report.withheld)
        where = "bản xem trước" if report.preview else "báo cáo"
        notes.append(f"Số liệu {not_yet}, chưa đưa vào {where}: {names}.")
    if report.previous_totals and report.previous_withheld:
        names = ", ".join(p.name for p in report.previous_withheld)
        notes.append(f"Số liệu năm {previous_year} {not_yet}, chưa dùng để so sánh: {names}.")
    if report.previous_totals and report.previous_unapproved:
        names = ", ".join(p.name for p in report.previous_unapproved)
        notes.append(
            f"Số liệu năm {previous_year} chưa được duyệt nhưng đã dùng để so sánh: {names}."
        )
    notes.append(
        "Bình quân (doanh thu, lợi nhuận, thu nhập) là bình quân gia quyền, không phải trung "
        "bình cộng của các tỉnh. Giải ngân lấy từ sổ giải ngân của các tỉnh."
    )
    return notes


def _chair_sections(sheet: Worksheet, report: ClusterReport, row: int, width: int) -> None:
    """The legal basis and the chair's two sections (or the data's drafts), as the
    document prints them: a bold title, then a merged, wrapped row per paragraph."""
    blocks = [
        ("Căn cứ", report.legal_basis),
        ("Khó khăn, hạn chế", report.difficulties[0]),
        (f"Phương hướng, nhiệm vụ năm {report.year + 1}", report.directions[0]),
    ]
    for title, paragraphs in blocks:
        if not paragraphs and title == "Căn cứ":
            continue
        paragraphs = paragraphs or [NOT_WRITTEN]
        sheet.cell(row=row, column=1, value=title).font = Font(bold=True)
        for text in paragraphs:
            row += 1
            cell = sheet.cell(row=row, column=1, value=safe_text(text))
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
            sheet.row_dimensions[row].height = 15 * (1 + len(text) // 110)
        row += 2


def _summary_sheet(workbook: Workbook, report: ClusterReport) -> None:
    sheet = workbook.create_sheet(SUMMARY_SHEET)
    headers = [
        "Chỉ tiêu",
        "Đơn vị",
        f"Năm {report.year} (toàn Cụm, {report.entered_count} tỉnh)",
        f"Năm {report.year - 1} (so sánh, {report.compared_count} tỉnh)",
        f"Năm {report.year} (cùng các tỉnh so sánh)",
        "Tăng/giảm (%)",
    ]
    header_row = _title_block(
        sheet, report, f"BÁO CÁO TỔNG KẾT NĂM {report.year} — SỐ LIỆU TOÀN CỤM", len(headers)
    )
    _header(sheet, header_row, headers)
    for label, unit, total, before, same, change, decimals in _summary_rows(report):
        sheet.append([label, unit, total, before, same, change])
        row = sheet[sheet.max_row]
        for cell in row:
            cell.border = BOX
        for cell in row[2:5]:
            cell.number_format = (
                excel_percent_format(decimals) if unit == "%" else excel_number_format(decimals)
            )
        row[5].number_format = excel_percent_format(PERCENT_DECIMALS, signed=True)
        row[0].alignment = Alignment(wrap_text=True, vertical="top")
    notes_row = sheet.max_row + 2
    for offset, note in enumerate(_notes(report)):
        cell = sheet.cell(row=notes_row + offset, column=1, value=safe_text(note))
        cell.font = Font(italic=True, size=10)
        sheet.merge_cells(
            start_row=cell.row, start_column=1, end_row=cell.row, end_column=len(headers)
        )
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.row_dimensions[cell.row].height = 30
    _chair_sections(sheet, report, sheet.max_row + 2, len(headers))
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=2)
    sheet.row_dimensions[header_row].height = 45
    _fit_columns(sheet, header_row, widest=58)
    for column in "CDEF":
        sheet.column_dimensions[column].width = 17
    print_landscape(sheet, header_row)


def _provinces_sheet(workbook: Workbook, report: ClusterReport) -> None:
    sheet = workbook.create_sheet(PROVINCES_SHEET)
    headers = [
        "Tỉnh",
        "Mã",
        "Trạng thái",
        *[f"{i.label} ({i.unit})" for i in INDICATORS],
        "Giải ngân các quỹ (lượt dự án)",
        "Giải ngân các quỹ (triệu đồng)",
        "Quỹ hỗ trợ phát triển HTX (dự án)",
        "Quỹ hỗ trợ phát triển HTX (triệu đồng)",
    ]
    header_row = _title_block(sheet, report, f"SỐ LIỆU NĂM {report.year} CỦA CÁC TỈNH TRONG CỤM", 8)
    _header(sheet, header_row, headers)
    formats = [excel_format(i.code) for i in INDICATORS] + [
        excel_number_format(0),
        excel_number_format(DISBURSEMENT_AMOUNT_DECIMALS),
    ] * 2

    def disbursements(all_funds, htx_dev) -> list:
        return [
            all_funds.count,
            _number(all_funds.amount, DISBURSEMENT_AMOUNT_DECIMALS),
            htx_dev.count,
            _number(htx_dev.amount, DISBURSEMENT_AMOUNT_DECIMALS),
        ]

    withheld_label = "Chưa nộp" if report.preview else "Chưa duyệt"
    for line in report.lines:
        values = line.values or {}
        sheet.append(
            [
                safe_text(line.province.name),
                line.province.code,
                line.figures.get_status_display()
                if line.figures
                else (withheld_label if line.withheld else "Chưa nhập"),
                *[_exact(values.get(i.code)) for i in INDICATORS],
                *disbursements(line.disbursements_all, line.disbursements_htx_dev),
            ]
        )
    if report.totals:
        sheet.append(
            [
                "Toàn Cụm",
                "",
                f"{report.approved_count}/{report.member_count} đã duyệt",
                *[round_indicator(i.code, report.totals[i.code]) for i in INDICATORS],
                *disbursements(
                    report.disbursements.cluster_all, report.disbursements.cluster_htx_dev
                ),
            ]
        )
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
            cell.fill = TOTAL_FILL
    for row in sheet.iter_rows(min_row=header_row + 1):
        for cell in row:
            cell.border = BOX
        for cell, number_format in zip(row[3:], formats, strict=True):
            cell.number_format = number_format
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=2)
    sheet.row_dimensions[header_row].height = 75
    _fit_columns(sheet, header_row, widest=16)
    sheet.column_dimensions["A"].width = 16
    sections = _section_titles(sheet, header_row - 1)
    # One page width per section (THT; HTX; communication with training; disbursements).
    pages = [sections[0], sections[1], (sections[2][0], sections[3][1]), sections[4]]
    print_by_section(sheet, (header_row - 1, header_row), pages)


def _section_titles(sheet: Worksheet, row: int) -> list[tuple[int, int]]:
    """The data dictionary's sections over their columns (the blank row above the
    header), and the disbursements after them; returns each one's (first, last) column,
    the first one taking the province's columns too."""
    spans, column = [], 4
    for _, title, indicators in by_section():
        spans.append((title, column, column + len(indicators) - 1))
        column += len(indicators)
    spans.append(("Giải ngân các quỹ", column, column + 3))
    for title, first, last in spans:
        cell = sheet.cell(row=row, column=first, value=title)
        cell.font, cell.fill, cell.border = Font(bold=True), HEADER_FILL, BOX
        cell.alignment = Alignment(horizontal="center")
        sheet.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)
    return [(1, spans[0][2])] + [(first, last) for _, first, last in spans[1:]]


def render_report_xlsx(report: ClusterReport) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    _summary_sheet(workbook, report)
    _provinces_sheet(workbook, report)
    workbook.properties.title = (
        f"{PREVIEW_MARK + ' — ' if report.preview else ''}"
        f"Báo cáo năm {report.year} — {report.cluster.name}"
    )
    workbook.properties.creator = "Cổng thông tin Cụm thi đua Liên minh HTX"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
