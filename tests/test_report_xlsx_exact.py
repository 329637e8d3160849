"""The Excel report's per-province sheet keeps each figure exactly as stored (1261.2, not
1261) and shows it with the indicator's decimals through its cell's number format (the
house's one number writer, cluster_portal.number_style via spec.excel_format)."""

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from emulation.reports.render import render_report_xlsx
from emulation.reports.selectors import cluster_report
from emulation.reports.xlsx import PROVINCES_SHEET
from provinces.figures.spec import BY_CODE, excel_format, format_indicator
from provinces.models import Cluster, FiguresStatus
from tests.excel_display import excel_display
from tests.factories import make_figures, make_legacy_figures

pytestmark = pytest.mark.django_db


def cells_of(sheet, first: str) -> dict:
    header = next(r for r in sheet.iter_rows() if r[0].value == "Tỉnh")
    row = next(r for r in sheet.iter_rows() if r[0].value == first)
    return {h.value: c for h, c in zip(header, row, strict=True)}


def column(code: str) -> str:
    return f"{BY_CODE[code].label} ({BY_CODE[code].unit})"


def test_the_per_province_sheet_keeps_exact_values_and_formats_them():
    # Sơn La: a record stored before the precision rule (1.261,2 for a 0-decimal average);
    # Lào Cai: figures at their indicators' precision.
    make_legacy_figures(
        "14",
        2023,
        status=FiguresStatus.APPROVED,
        htx_avg_revenue=Decimal("1261.2"),
        htx_avg_income=Decimal("51.35"),
    )
    make_figures(
        "10",
        2023,
        status=FiguresStatus.APPROVED,
        htx_members=12858,
        tht_avg_revenue=Decimal("236.8"),
    )
    report = cluster_report(cluster=Cluster.objects.get(slug="tay-bac"), year=2023)
    book = load_workbook(io.BytesIO(render_report_xlsx(report)))
    son_la, lao_cai = (
        cells_of(book[PROVINCES_SHEET], "Sơn La"),
        cells_of(book[PROVINCES_SHEET], "Lào Cai"),
    )

    expected = [
        (son_la, "htx_avg_revenue", 1261.2, "1.261"),
        (son_la, "htx_avg_income", 51.35, "51,4"),
        (lao_cai, "htx_members", 12858, "12.858"),
        (lao_cai, "tht_avg_revenue", 236.8, "236,8"),
        (lao_cai, "htx_avg_revenue", 1637, "1.637"),
    ]
    for cells, code, value, shown in expected:
        cell = cells[column(code)]
        assert (cell.value, cell.data_type) == (value, "n"), code
        assert cell.number_format == excel_format(code), code
        # What Excel shows is what the HTML and PDF report print for the figure.
        assert excel_display(cell.value, cell.number_format) == shown
        assert format_indicator(code, Decimal(str(value))) == shown
