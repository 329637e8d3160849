"""One record, one number, in every output: the demo 2023 Tây Bắc year (`seed_demo`),
Phú Thọ's average HTX revenue set to 1.637,5 (shown with the data dictionary's 0 decimals:
1.638) and its agreed score, read back from the report (HTML, PDF, Excel), the achievement
report (Word, PDF), the scoring summary (HTML, PDF, Excel), the dossier's summary (Word,
PDF) and the figures export, as a reader opens them (python-docx, pypdf, openpyxl)."""

import io
import re
from decimal import Decimal

from django.test import TestCase
from openpyxl import load_workbook

from cluster_portal.number_style import (
    MINUS,
    excel_points_format,
    format_points,
)
from emulation.dossiers.render import dossier_files
from emulation.dossiers.selectors import dossier_for
from emulation.reports.render import render_report_html, render_report_pdf, render_report_xlsx
from emulation.reports.selectors import cluster_report
from emulation.reports.xlsx import PROVINCES_SHEET
from emulation.scoring.render import render_summary_html, render_summary_pdf, render_summary_xlsx
from emulation.templatetags.scoring_report import indicator_value
from provinces.figures.excel_export import figures_workbook
from provinces.figures.spec import BY_CODE, INDICATORS, excel_format, format_indicator
from provinces.models import Cluster, YearlyFigures
from provinces.organisation.selectors import province_for_code
from tests.demo_data import DEMO
from tests.dossier_helpers import YEAR, docx_text, pdf_text
from tests.excel_display import excel_display
from tests.scoring_helpers import data_for

CODE = "htx_avg_revenue"
ACHIEVEMENT = "Bao-cao-thanh-tich-Lien-minh-Hop-tac-xa-tinh-Phu-Tho-2023"
SUMMARY = "Bang-tong-hop-diem-Cum-Tay-Bac-2023"


def flat(text: str) -> str:
    return " ".join(text.split())


def row_of(sheet, first: str, header_text: str) -> tuple[list, list]:
    """The header row holding `header_text` and the row whose first cell is `first`."""
    rows = list(sheet.iter_rows())
    header = next(r for r in rows if any(header_text == (c.value or "") for c in r))
    row = next(r for r in rows if r[0].value == first)
    return [c.value for c in header], row


class OneRecordOneNumberTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        # seed_demo's rows, the scoring meeting included, from the snapshot that the
        # demo_data fixture restores (tests/demo_data.py): built once per run.
        if DEMO.tables is None:
            DEMO.build()
        DEMO.restore()
        cls.cluster = Cluster.objects.get(slug="tay-bac")
        cls.phu_tho = province_for_code("25", YEAR)
        YearlyFigures.objects.filter(province=cls.phu_tho, year=YEAR).update(
            **{CODE: Decimal("1637.5")}
        )
        cls.figure = format_indicator(CODE, Decimal("1637.5"))
        cls.report = cluster_report(cluster=cls.cluster, year=YEAR)
        cls.files = dict(dossier_files(dossier_for(cls.cluster, YEAR), require_complete=False))
        cls.scoring = data_for()
        cls.total = cls.scoring.column(cls.phu_tho.pk).total

    def texts(self, stem: str) -> list[str]:
        return [
            flat(docx_text(self.files[f"{stem}.docx"])),
            flat(pdf_text(self.files[f"{stem}.pdf"])),
        ]

    def test_the_figure_is_1_638_everywhere(self):
        self.assertEqual(self.figure, "1.638")  # half-up, as Vietnamese reports round
        html = render_report_html(self.report)
        table = html[html.index('data-testid="province-table"') :]
        row = re.search(r"<tr[^>]*>(?:(?!</tr>).)*Phú Thọ(?:(?!</tr>).)*</tr>", table, re.S)
        self.assertIn(f"<td>{self.figure}</td>", row.group(0))
        pdf_lines = pdf_text(render_report_pdf(self.report)).splitlines()
        self.assertTrue(any("Phú Thọ" in line and self.figure in line for line in pdf_lines))
        sheet = load_workbook(io.BytesIO(render_report_xlsx(self.report)))[PROVINCES_SHEET]
        header, cells = row_of(sheet, "Phú Thọ", f"{BY_CODE[CODE].label} ({BY_CODE[CODE].unit})")
        cell = cells[header.index(f"{BY_CODE[CODE].label} ({BY_CODE[CODE].unit})")]
        # The exact value, shown with the indicator's decimals (1.638) by its number format.
        self.assertEqual((cell.value, cell.number_format), (1637.5, excel_format(CODE)))
        self.assertEqual(excel_display(cell.value, cell.number_format), self.figure)
        word, pdf = self.texts(ACHIEVEMENT)
        label = f"{BY_CODE[CODE].label} {BY_CODE[CODE].unit}"
        self.assertRegex(word, rf"{re.escape(label)} (\S+ )?{re.escape(self.figure)}( |$)")
        self.assertIn(self.figure, pdf)  # its table cells wrap: the row is not one line
        self.assertNotIn("1.637,5", word + pdf)
        export = load_workbook(io.BytesIO(figures_workbook(year=YEAR, cluster=self.cluster)))
        sheet = export.active
        codes = [c.value for c in sheet[1]]
        cells = next(r for r in sheet.iter_rows(min_row=3) if r[0].value == "25")
        cell = cells[codes.index(CODE)]
        self.assertEqual((cell.value, cell.number_format), (1637.5, excel_format(CODE)))

    def test_every_figure_of_the_achievement_report_has_its_dictionary_decimals(self):
        figures = YearlyFigures.objects.get(province=self.phu_tho, year=YEAR)
        word = self.texts(ACHIEVEMENT)[0]
        for indicator in INDICATORS:
            shown = format_indicator(indicator.code, getattr(figures, indicator.code))
            label = f"{indicator.label} {indicator.unit}"
            self.assertRegex(word, rf"{re.escape(label)} (\S+ )?{re.escape(shown)}( |$)")

    def test_the_score_is_the_same_text_in_every_scoring_output(self):
        shown = format_points(self.total)
        name = self.phu_tho.name
        ranking = render_report_html(self.report)
        self.assertRegex(ranking, rf"{name}</td><td>{re.escape(shown)}</td>")
        self.assertIn(f"<th>{shown}</th>", render_summary_html(self.scoring))
        summary_pdf = flat(pdf_text(render_summary_pdf(self.scoring)))
        totals = re.search(r"Tổng điểm ((?:[−\d.,]+ )+)", summary_pdf + " ").group(1).split()
        self.assertIn(shown, totals)
        sheet = load_workbook(io.BytesIO(render_summary_xlsx(self.scoring))).active
        header, _ = row_of(sheet, "STT", name)
        total_row = next(r for r in sheet.iter_rows() if r[1].value == "Tổng điểm")
        cell = total_row[header.index(name)]
        self.assertEqual(cell.value, float(self.total))
        self.assertEqual(cell.number_format, excel_points_format(self.total))
        for text in self.texts(ACHIEVEMENT):
            self.assertIn(f"đạt {shown} điểm (thang điểm 100", text)
        for text in self.texts(SUMMARY):
            self.assertRegex(text, rf"Tổng điểm 100 (\S+ )*{re.escape(shown)} ")


def test_a_score_is_written_exactly_to_its_precision_with_a_true_minus():
    assert [format_points(v) for v in (95, Decimal("87.50"), Decimal("-1"), 0, None)] == [
        "95",
        "87,5",
        f"{MINUS}1",
        "0",
        "",
    ]
    assert excel_points_format(Decimal("87.5")) == f'[$-42A]#,##0.0;"{MINUS}"#,##0.0'
    assert excel_points_format(95) == f'[$-42A]#,##0;"{MINUS}"#,##0'


def test_the_sheet_writes_a_computed_criterions_value_with_the_dictionary_decimals():
    assert indicator_value(Decimal("51.2"), "htx_avg_income") == "51,2"
    assert indicator_value(Decimal(41), "htx_avg_income") == "41,0"
    assert indicator_value(Decimal("1637"), "htx_avg_revenue") == "1.637"
    assert indicator_value(Decimal(3), "late_reports") == "3"


def test_the_sheet_never_rounds_a_compared_value_across_a_band_edge():
    """A value with more decimals than the dictionary shows (a register's sum, a record
    kept from before the precision check) is written exactly, as it was compared with the
    bands: 12.857,6 never shows as 12.858 beside "≥ 12.858"."""
    assert indicator_value(Decimal("51.25"), "htx_avg_income") == "51,25"
    assert indicator_value(Decimal("12857.6"), "htx_avg_revenue") == "12.857,6"
    assert indicator_value(Decimal("62375.4"), "loans_amount") == "62.375,4"
