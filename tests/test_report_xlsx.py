"""The Excel report read back: its first sheet is the cluster's year beside last year's,
like with like, and every number in it is the number the HTML report prints."""

import io
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from openpyxl import load_workbook

from cluster_portal.number_style import format_number, format_percent
from emulation.reports.render import render_report_html, render_report_xlsx
from emulation.reports.selectors import cluster_report
from provinces.figures.spec import BY_CODE, INDICATORS, format_indicator
from provinces.models import Cluster, FiguresStatus
from tests.excel_display import excel_display
from tests.factories import make_disbursement, make_figures, make_legacy_figures

pytestmark = pytest.mark.django_db


class Tables(HTMLParser):
    """The text of every cell of the tables marked with data-testid, row by row."""

    def __init__(self):
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.paragraphs: dict[str, str] = {}
        self._table = self._row = self._cell = self._para = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and attrs.get("data-testid"):
            self._table = self.tables.setdefault(attrs["data-testid"], [])
        elif tag == "tr" and self._table is not None:
            self._row = []
            self._table.append(self._row)
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
        elif tag == "p" and attrs.get("data-testid"):
            self._para = attrs["data-testid"]
            self.paragraphs[self._para] = ""

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "table":
            self._table = self._row = None
        elif tag == "p":
            self._para = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        if self._para is not None:
            self.paragraphs[self._para] += data


def parse(html: str) -> Tables:
    tables = Tables()
    tables.feed(html)
    return tables


@pytest.fixture
def a_year_with_a_partial_past():
    """Five members with 2023 figures, three of them also with 2022 figures; disbursements in both
    funds. Totals and like-with-like comparison differ, as in the northern cluster."""
    cluster = Cluster.objects.get(slug="tay-bac")
    for index, code in enumerate(("10", "11", "12", "14", "15")):
        make_legacy_figures(  # decimals beyond the indicators': rounded as the HTML prints
            code,
            2023,
            status=FiguresStatus.APPROVED if index else FiguresStatus.SUBMITTED,
            htx_total=600 + index * 37,
            htx_avg_revenue=Decimal("1621.45") + index,
            htx_avg_income=Decimal("41.05") + index,
            tht_avg_revenue=Decimal("236.85"),
        )
        if index < 3:
            make_figures(code, 2022, status=FiguresStatus.APPROVED, htx_total=500 + index)
    make_disbursement("10", "2023-03-01", "500.5")
    make_disbursement("14", "2023-05-01", "1250.25", fund="other")
    return cluster_report(cluster=cluster, year=2023)


def workbook_of(report):
    return load_workbook(io.BytesIO(render_report_xlsx(report)))


def test_the_first_sheet_has_a_title_block_frozen_headers_and_print_setup(
    a_year_with_a_partial_past,
):
    book = workbook_of(a_year_with_a_partial_past)
    assert book.sheetnames == ["Tổng hợp", "Theo tỉnh"]
    sheet = book["Tổng hợp"]
    title = [sheet.cell(row=r, column=1).value for r in range(1, 5)]
    assert "CỤM THI ĐUA LIÊN MINH HTX CÁC TỈNH TÂY BẮC" in title[0]
    assert "NĂM 2023" in title[1]
    assert title[2] == "BẢN DỰ THẢO — số liệu của 4/7 tỉnh đã được duyệt"
    assert sheet.freeze_panes == "B7"
    assert sheet.page_setup.orientation == "landscape"
    assert str(sheet.page_setup.paperSize) == str(sheet.PAPERSIZE_A4)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.page_setup.fitToWidth == 1 and sheet.page_setup.fitToHeight == 0
    assert sheet.print_title_rows == "$6:$6"
    assert sheet.column_dimensions["A"].width >= 40  # the labels fit
    headers = [cell.value for cell in sheet[6]]
    # Approved records only: Lào Cai's submitted record is neither counted nor compared.
    assert headers[2] == "Năm 2023 (toàn Cụm, 4 tỉnh)"
    assert headers[3] == "Năm 2022 (so sánh, 2 tỉnh)"
    # The chair's working preview counts it, and says so in the title and the banner.
    cluster = Cluster.objects.get(slug="tay-bac")
    preview = workbook_of(cluster_report(cluster=cluster, year=2023, preview=True))
    sheet = preview["Tổng hợp"]
    headers = [cell.value for cell in sheet[6]]
    assert headers[2] == "Năm 2023 (toàn Cụm, 5 tỉnh)"
    assert headers[3] == "Năm 2022 (so sánh, 3 tỉnh)"
    for name in preview.sheetnames:
        title = [preview[name].cell(row=r, column=1).value for r in range(1, 4)]
        assert title[1].startswith("BẢN XEM TRƯỚC LÀM VIỆC — ")
        assert title[2].startswith("BẢN XEM TRƯỚC LÀM VIỆC — tính cả số liệu đã nộp")


def test_numbers_are_numbers_with_vietnamese_formats(a_year_with_a_partial_past):
    sheet = workbook_of(a_year_with_a_partial_past)["Tổng hợp"]
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=7) if row[0].value}
    revenue = rows["Doanh thu bình quân của THT"][2]
    assert isinstance(revenue.value, float) and revenue.number_format.endswith("#,##0.0")
    total = rows["Tổng số HTX (cuối năm)"][2]
    assert isinstance(total.value, int) and total.number_format.endswith("#,##0")
    assert "[$-42A]" in total.number_format  # Vietnamese separators in LibreOffice/Excel vi


def test_the_comparison_reads_in_excel_as_the_report_prints_it(a_year_with_a_partial_past):
    """Each cell of the comparison as its number format shows it (not only its value): the
    change is signed as on the page and in the PDF, "+12,5 %" and "−3,0 %"."""
    report = a_year_with_a_partial_past
    compared = {
        row[0]: row for row in parse(render_report_html(report)).tables["comparison-table"][1:]
    }
    rows = {
        row[0].value: row
        for row in workbook_of(report)["Tổng hợp"].iter_rows(min_row=7)
        if row[0].value in compared
    }
    changes = []
    for label, html_row in compared.items():
        shown = [excel_display(cell.value, cell.number_format) for cell in rows[label][3:6]]
        assert shown == [" ".join(text.split()) for text in html_row[2:5]], label
        changes.append(shown[2])
    assert any(change.startswith("+") for change in changes), changes


def test_every_number_matches_the_html_report(a_year_with_a_partial_past):
    report = a_year_with_a_partial_past
    html = parse(render_report_html(report))
    book = workbook_of(report)
    summary = {
        row[0]: row for row in book["Tổng hợp"].iter_rows(min_row=7, values_only=True) if row[0]
    }

    # The narrative: cluster totals of the year (column C), every indicator it names (the
    # agricultural THT as a share).
    narrative = " ".join(html.paragraphs[k] for k in html.paragraphs if "narrative" in k)
    for indicator in INDICATORS:
        if indicator.code == "tht_agri":
            continue
        shown = format_indicator(indicator.code, summary[indicator.label][2])
        assert shown in narrative, indicator.code
    assert summary["Tổng số HTX (cuối năm)"][2] == report.totals["htx_total"]
    share = summary["Tỷ lệ THT hoạt động trong lĩnh vực nông nghiệp"][2]
    assert format_percent(share) in narrative

    # The comparison table: last year (D), this year of the same members (E), change (F).
    compared = {row[0]: row for row in html.tables["comparison-table"][1:]}
    for indicator in INDICATORS:
        html_row = compared[indicator.label]
        excel_row = summary[indicator.label]
        assert format_indicator(indicator.code, excel_row[3]) == html_row[2], indicator.code
        assert format_indicator(indicator.code, excel_row[4]) == html_row[3], indicator.code
        change = format_percent(excel_row[5], signed=True) if excel_row[5] is not None else ""
        assert " ".join(change.split()) == html_row[4], indicator.code
    # Like with like: this year's column of the comparison counts only 3 members.
    assert summary["Tổng số HTX (cuối năm)"][4] < summary["Tổng số HTX (cuối năm)"][2]

    # The disbursements: count and amount each in its own row, the figures the HTML prints.
    totals_row = html.tables["province-table"][-1]
    assert summary["Giải ngân các quỹ: số lượt dự án"][2] == 2
    assert format_number(summary["Giải ngân các quỹ: số lượt dự án"][2]) == totals_row[-2]
    assert format_number(summary["Giải ngân các quỹ: số tiền"][2]) == totals_row[-1] == "1.751"
    assert summary["Riêng Quỹ hỗ trợ phát triển HTX: số tiền"][2] == 501

    # The per-province sheet against the HTML's province table, cell by cell.
    sheet = book["Theo tỉnh"]
    header = [cell.value for cell in sheet[6]]
    excel_rows = {row[0]: row for row in sheet.iter_rows(min_row=7, values_only=True)}
    html_columns = [
        "tht_new",
        "tht_total",
        "tht_members",
        "htx_new",
        "htx_total",
        "htx_members",
        "htx_avg_revenue",
        "htx_workers",
        "training_courses",
    ]
    for html_row in html.tables["province-table"][1:]:
        name = html_row[0].split(" (")[0]
        excel_row = excel_rows[name]
        if "chưa có số liệu" in html_row or "chưa được duyệt" in html_row:
            assert all(excel_row[header.index(f"{i.label} ({i.unit})")] is None for i in INDICATORS)
            continue
        for offset, code in enumerate(html_columns, start=1):
            column = header.index(f"{BY_CODE[code].label} ({BY_CODE[code].unit})")
            assert format_indicator(code, excel_row[column]) == html_row[offset], (name, code)
        assert format_number(excel_row[-4]) == html_row[-2]
        assert format_number(excel_row[-3]) == html_row[-1]


def test_a_year_without_last_years_figures_still_shows_its_totals(a_year_with_a_partial_past):
    report = cluster_report(cluster=Cluster.objects.get(slug="tay-bac"), year=2023)
    # Take 2022 away: the totals column is full, the comparison columns empty, with a note.
    from provinces.models import YearlyFigures

    YearlyFigures.objects.filter(year=2022).delete()
    report = cluster_report(cluster=Cluster.objects.get(slug="tay-bac"), year=2023)
    sheet = workbook_of(report)["Tổng hợp"]
    rows = list(sheet.iter_rows(min_row=7, values_only=True))
    by_label = {row[0]: row for row in rows if row[0]}
    for indicator in INDICATORS:
        assert by_label[indicator.label][2] is not None, indicator.code
        assert by_label[indicator.label][3] is None
    notes = [row[0] for row in rows if row[0] and row[1] is None]
    assert "Không có số liệu năm 2022 để so sánh." in notes
    assert any(note.startswith("Chưa có số liệu của:") for note in notes)
