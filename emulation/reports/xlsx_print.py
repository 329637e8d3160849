"""How the portal's workbooks print: A4 landscape, the header repeated on every page; a
sheet too wide for one page is cut between its sections, each page as large as the widest
section allows, the first column repeated on each."""

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break, ColBreak
from openpyxl.worksheet.worksheet import Worksheet

# A4 landscape less margins of half an inch, in millimetres.
PRINTABLE_MM = 297 - 2 * 12.7
SCALES = (100, 95, 90, 85, 80, 75, 70, 65, 60, 55, 50)
SPREAD = 1.25


def _setup(sheet: Worksheet, title_rows: str) -> None:
    sheet.page_setup.orientation = sheet.ORIENTATION_LANDSCAPE
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.print_title_rows = title_rows
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.5


def print_landscape(sheet: Worksheet, header_row: int) -> None:
    """Fitted to the page width (as many pages down as needed), the header row repeated
    on every page."""
    _setup(sheet, f"{header_row}:{header_row}")
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0


def column_mm(width: float) -> float:
    """A column `width` (Excel's characters of the default font) printed at 100 %."""
    return (width * 7 + 5) * 25.4 / 96


def print_by_section(
    sheet: Worksheet, title_rows: tuple[int, int], sections: list[tuple[int, int]]
) -> int:
    """Print `sheet` one section of columns (first, last: 1-based) per page width, column A
    repeated beside each, at the largest scale of SCALES at which the widest section fits;
    returns that scale. Manual breaks, not fit-to-page (which would ignore them)."""
    _setup(sheet, f"{title_rows[0]}:{title_rows[1]}")
    sheet.print_title_cols = "A:A"
    sheet.sheet_properties.pageSetUpPr.fitToPage = False

    def width(column: int) -> float:
        return sheet.column_dimensions[get_column_letter(column)].width or 8.43

    repeated = column_mm(width(1))
    # The first page also carries the columns before the first section (code, status).
    starts = [2] + [first for first, _ in sections[1:]]
    widest = max(
        sum(column_mm(width(c)) for c in range(max(start, 2), last + 1)) + repeated
        for start, (_, last) in zip(starts, sections, strict=True)
    )
    # LibreOffice draws a column about a quarter wider than Excel's character width says
    # (its default font is wider than Calibri's 7-pixel digit): a page sized for Excel
    # alone spilt a section's last columns onto a page of their own there.
    widest *= SPREAD
    scale = next((s for s in SCALES if widest * s / 100 <= PRINTABLE_MM), SCALES[-1])
    sheet.page_setup.scale = scale
    sheet.col_breaks = ColBreak()
    for _, last in sections[:-1]:
        sheet.col_breaks.append(Break(id=last))
    return scale
