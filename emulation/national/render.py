"""The national board as HTML, PDF (WeasyPrint, through the report's static-only path) and
an Excel workbook of numbers (not text), each from one `NationalBoard`."""

import io

from django.template.loader import render_to_string
from django.utils import translation
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from cluster_portal.number_style import round_half_up
from emulation.reports.render import render_pdf
from provinces.figures.spec import INDICATORS, excel_format
from provinces.spreadsheets.writing import safe_text

from .charts import board_charts
from .selectors import NationalBoard

BOLD = Font(bold=True)
SHEETS = ("Tổng hợp", "Các cụm", "Theo tỉnh", "Đề nghị khen thưởng")


def _number(value, decimals: int):
    """A number cell as the board prints it (the data dictionary's decimals, half-up)."""
    rounded = round_half_up(value, decimals)
    if rounded is None:
        return None
    return int(rounded) if decimals == 0 else float(rounded)


def board_context(board: NationalBoard) -> dict:
    return {"board": board, "charts": board_charts(board)}


def render_board_html(board: NationalBoard) -> str:
    """The board as a document (for the PDF): Vietnamese whatever the reader's language."""
    with translation.override("vi"):
        return render_to_string("national/board_document.html", board_context(board))


def render_board_pdf(board: NationalBoard) -> bytes:
    return render_pdf(render_board_html(board))


def _row(sheet, values: list, *, bold: bool = False, formats: list | None = None) -> None:
    sheet.append([safe_text(v) if isinstance(v, str) else v for v in values])
    row = sheet.max_row
    for index, cell in enumerate(sheet[row]):
        if bold:
            cell.font = BOLD
        if formats and index < len(formats) and formats[index]:
            cell.number_format = formats[index]


def _widths(sheet, first: int, rest: int) -> None:
    sheet.column_dimensions["A"].width = first
    for index in range(2, sheet.max_column + 1):
        sheet.column_dimensions[get_column_letter(index)].width = rest


def _summary(sheet, board: NationalBoard) -> None:
    _row(sheet, [f"BẢNG TỔNG HỢP TOÀN QUỐC NĂM {board.year}"], bold=True)
    _row(sheet, ["Chỉ tính số liệu đã được duyệt; mỗi tỉnh tính một lần."])
    _row(sheet, [])
    clusters = [item.cluster.name for item in board.clusters]
    _row(
        sheet,
        [
            "Chỉ tiêu",
            "Đơn vị",
            *clusters,
            "Toàn quốc",
            f"Năm {board.year - 1}",
            f"Năm {board.year} (cùng các tỉnh)",
        ],
        bold=True,
    )
    for comparison in board.comparisons:
        indicator = comparison.indicator
        code, decimals = indicator.code, indicator.decimals
        values = [
            _number(item.report.totals[code], decimals) if item.report.totals else None
            for item in board.clusters
        ]
        national = _number(board.totals[code], decimals) if board.totals else None
        number = excel_format(code)
        _row(
            sheet,
            [
                indicator.label,
                indicator.unit,
                *values,
                national,
                _number(comparison.previous, decimals),
                _number(comparison.current, decimals),
            ],
            formats=[None, None] + [number] * (len(values) + 3),
        )
    loans = board.disbursements.cluster_all
    _row(
        sheet,
        [
            "Giải ngân (mọi quỹ)",
            "lượt dự án",
            *[item.report.disbursements.cluster_all.count for item in board.clusters],
            loans.count,
        ],
    )
    _row(
        sheet,
        [
            "Số tiền giải ngân (mọi quỹ)",
            "triệu đồng",
            *[_number(item.report.disbursements.cluster_all.amount, 0) for item in board.clusters],
            _number(loans.amount, 0),
        ],
        formats=[None, None] + ["#,##0"] * (len(clusters) + 1),
    )
    _widths(sheet, 48, 22)


def _clusters(sheet, board: NationalBoard) -> None:
    _row(
        sheet,
        [
            "Cụm",
            "Thành viên",
            "Đã duyệt",
            "Đúng hạn",
            "Nộp muộn",
            "Quá hạn",
            "Chưa nộp",
            "Cụm trưởng",
            "Dẫn đầu (suy tôn)",
            "Điểm thấp nhất",
            "Điểm trung bình",
            "Điểm cao nhất",
            "Số đề nghị khen thưởng",
        ],
        bold=True,
    )
    for item in board.clusters:
        report, rate, scores = item.report, item.rate, item.score_range
        _row(
            sheet,
            [
                item.cluster.name,
                report.member_count,
                report.approved_count,
                rate.on_time,
                rate.late,
                rate.missing,
                rate.pending,
                report.term.head.name if report.term else "",
                item.leader.name if item.leader else "",
                *(
                    [float(scores[0]), round(float(scores[1]), 1), float(scores[2])]
                    if scores
                    else [None, None, None]
                ),
                len(item.nominations),
            ],
        )
    _widths(sheet, 48, 14)


def _provinces(sheet, board: NationalBoard) -> None:
    _row(sheet, ["Tỉnh", "Cụm", *[i.label for i in INDICATORS]], bold=True)
    formats = [None, None] + [excel_format(i.code) for i in INDICATORS]
    for line in board.lines:
        values = line.values
        _row(
            sheet,
            [
                line.province.name,
                "; ".join(c.name for c in line.clusters),
                *[_number(values[i.code], i.decimals) if values else None for i in INDICATORS],
            ],
            formats=formats,
        )
    if board.totals:
        _row(
            sheet,
            ["Toàn quốc", "", *[_number(board.totals[i.code], i.decimals) for i in INDICATORS]],
            bold=True,
            formats=formats,
        )
    _widths(sheet, 22, 16)


def _nominations(sheet, board: NationalBoard) -> None:
    _row(
        sheet,
        [
            "Cụm",
            "Hình thức",
            "Đơn vị được đề nghị",
            "Phiếu tán thành",
            "Có mặt",
            "Trạng thái",
            "Số quyết định",
            "Ngày quyết định",
        ],
        bold=True,
    )
    for item in board.clusters:
        for n in item.nominations:
            _row(
                sheet,
                [
                    item.cluster.name,
                    n.award_type.name,
                    n.nominee_name,
                    n.votes_for,
                    n.votes_present,
                    n.get_status_display(),
                    n.decision_number,
                    n.decision_date,
                ],
                formats=[None] * 7 + ["dd/mm/yyyy"],
            )
    _widths(sheet, 40, 24)


def render_board_xlsx(board: NationalBoard) -> bytes:
    workbook = Workbook()
    builders = (_summary, _clusters, _provinces, _nominations)
    for index, (title, build) in enumerate(zip(SHEETS, builders, strict=True)):
        sheet = workbook.active if index == 0 else workbook.create_sheet()
        sheet.title = title
        with translation.override("vi"):
            build(sheet, board)
        for row in sheet.iter_rows(min_row=1, max_row=1):
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
