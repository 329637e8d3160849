"""The annual report and the scoring summary as documents a chair signs (issue 24): one
document font at NĐ 30's body size, the chair's sections, one scoring-summary rendering."""

import base64
import collections
import datetime
import io
import logging
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from fontTools.ttLib import TTFont
from openpyxl import load_workbook
from pypdf import PdfReader

from cluster_portal.number_style import format_exact
from emulation.dossiers.documents import DRAFT_NOTE, scoring_summary
from emulation.dossiers.render import summary_pdf
from emulation.dossiers.selectors import dossier_for
from emulation.reports.drafts import difficulties_draft
from emulation.reports.legal import legal_basis_on
from emulation.reports.models import LegalBasis, ReportSettings
from emulation.reports.render import render_report_html, render_report_pdf, render_report_xlsx
from emulation.reports.selectors import cluster_report
from emulation.reports.services import report_settings_save
from emulation.scoring.render import render_summary_pdf, render_summary_xlsx
from emulation.scoring.selectors import scoring_year
from emulation.scoring.summary_document import PROVISIONAL
from provinces.calendar.models import Deadlines
from provinces.figures.models import YearlyFigures
from provinces.models import Cluster
from tests.api_support import bearer, token_for

pytestmark = pytest.mark.django_db


def embedded_fonts_and_sizes(pdf: bytes) -> tuple[set[str], collections.Counter]:
    """The family names inside the embedded font files, and the characters set at each
    (family, size in points) of the text."""
    reader = PdfReader(io.BytesIO(pdf))
    families, sizes = {}, collections.Counter()

    def family(font) -> str:
        name = str(font["/BaseFont"])
        if name not in families:
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            data = descriptor.get_object()["/FontFile2"].get_object().get_data()
            families[name] = TTFont(io.BytesIO(data))["name"].getDebugName(1)
        return families[name]

    def visit(text, cm, tm, font, size):
        if text.strip() and font:
            points = round(size * tm[3] * cm[3], 1)
            sizes[(family(font), abs(points))] += len(text.strip())

    for page in reader.pages:
        page.extract_text(visitor_text=visit)
    return set(families.values()), sizes


@pytest.fixture
def demo_2023(demo_data):
    return cluster_report(cluster=Cluster.objects.get(slug="tay-bac"), year=2023)


def test_the_report_pdf_is_set_in_tinos_at_fourteen_points(demo_2023):
    families, sizes = embedded_fonts_and_sizes(render_report_pdf(demo_2023))
    assert families == {"Tinos"}  # Times New Roman's metrics, the Word files' font
    (family, size), _ = sizes.most_common(1)[0]
    assert (family, size) == ("Tinos", 14.0)  # the body, NĐ 30: 13–14 pt


# The chair's sections and the legal basis -----------------------------------------------


def pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def xlsx_text(content: bytes) -> str:
    workbook = load_workbook(io.BytesIO(content))
    return " ".join(
        str(cell)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for cell in row
        if cell is not None
    )


def html_text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_2023_report_opens_with_the_law_in_force_on_its_date(demo_2023):
    text = html_text(render_report_html(demo_2023))
    # Dated 30/11/2023 (the conference): the 2003 law and Nghị định 91/2017, not yet 2022's.
    assert "Căn cứ Luật Thi đua, Khen thưởng ngày 26 tháng 11 năm 2003" in text
    assert "Nghị định số 91/2017/NĐ-CP" in text and "06/2022/QH15" not in text
    assert "Cụm thi đua" in text and "báo cáo tổng kết công tác thi đua năm 2023 như sau:" in text


def test_the_legal_basis_follows_the_date_and_the_admin(demo_2023):
    cluster = demo_2023.cluster
    settings = ReportSettings.objects.get(cluster=cluster, year=2023)
    settings.document_date = datetime.date(2024, 1, 15)
    settings.save()
    text = html_text(render_report_html(cluster_report(cluster=cluster, year=2023)))
    assert "06/2022/QH15" in text and "98/2023/NĐ-CP" in text and "91/2017" not in text
    assert "152/2025/NĐ-CP" not in text
    LegalBasis.objects.create(text="Thực hiện Quy chế hoạt động của Cụm;", order=30)
    text = html_text(render_report_html(cluster_report(cluster=cluster, year=2023)))
    assert "Thực hiện Quy chế hoạt động của Cụm;" in text
    on = {"cluster": cluster, "year": 2025}
    assert legal_basis_on(datetime.date(2025, 7, 1), **on)[1].startswith(
        "Căn cứ Nghị định số 152/2025"
    )
    assert "98/2023" in legal_basis_on(datetime.date(2025, 6, 30), **on)[1]


def test_both_sections_are_in_every_format(demo_2023):
    for text in (
        html_text(render_report_html(demo_2023)),
        pdf_text(render_report_pdf(demo_2023)),
        xlsx_text(render_report_xlsx(demo_2023)),
    ):
        assert "Khó khăn, hạn chế" in text
        assert "Phương hướng, nhiệm vụ năm 2024" in text
        # The draft from the data: Lào Cai takes the flag, the agreement signed at the XIIth.
        assert "Liên minh HTX tỉnh Lào Cai nhận cờ luân lưu Cụm trưởng" in text


def test_the_api_report_carries_the_same_sections_and_legal_basis(client, demo_2023):
    """A system reading the report through the API gets the document's own text sections:
    the chair's difficulties, the data's draft of the directions, the "Căn cứ" lines."""
    reader = get_user_model().objects.get(username="phutho")
    answer = client.get(
        "/api/v1/clusters/tay-bac/2023/report", headers=bearer(token_for(reader))
    ).json()
    assert answer["legal_basis"] == demo_2023.legal_basis and answer["legal_basis"]
    paragraphs, drafted = demo_2023.difficulties
    assert answer["difficulties"] == {"paragraphs": paragraphs, "drafted": drafted}
    assert answer["difficulties"]["drafted"] is False  # the chair wrote the article's text
    paragraphs, drafted = demo_2023.directions
    assert answer["directions"] == {"paragraphs": paragraphs, "drafted": True}
    assert any("Lào Cai nhận cờ luân lưu Cụm trưởng" in p for p in paragraphs)


def test_the_draft_names_late_members_and_indicators_that_fell(demo_2023):
    cluster = demo_2023.cluster
    record = YearlyFigures.objects.get(province__code="14", year=2023)
    Deadlines.objects.update_or_create(
        cluster=cluster, year=2023, defaults={"figures_due": datetime.date(2023, 10, 31)}
    )
    YearlyFigures.objects.filter(year=2023).update(
        submitted_at=datetime.datetime(2023, 10, 20, 9, tzinfo=datetime.UTC)
    )
    YearlyFigures.objects.filter(pk=record.pk).update(
        submitted_at=datetime.datetime(2023, 11, 6, 9, tzinfo=datetime.UTC)
    )
    report = cluster_report(cluster=cluster, year=2023)
    # The demo's chair wrote the article's difficulties: the report prints them, and the
    # settings page offers the draft.
    assert report.difficulties == (report.signature.settings.difficulties.splitlines(), False)
    paragraphs = difficulties_draft(report)
    late = [p for p in paragraphs if "chậm so với thời hạn" in p]
    assert late == [
        "Việc báo cáo số liệu năm 2023 của một số tỉnh còn chậm so với thời hạn của Cụm "
        f"(ngày 31/10/2023): {record.province.name} (ngày 06/11/2023)."
    ]
    fell = [c for c in report.comparisons if c.change is not None and c.change < 0]
    listed = [p for p in paragraphs if p.startswith("So với năm 2022")]
    assert bool(fell) == bool(listed)
    for comparison in fell:
        assert comparison.indicator.label_in_sentence in listed[0]


def test_the_chairs_text_replaces_the_draft_and_keeps_its_history(demo_2023, admin_user):
    settings = ReportSettings.objects.get(cluster=demo_2023.cluster, year=2023)
    settings.difficulties = "Nguồn lực hỗ trợ HTX còn hạn chế.\n\nMột số HTX hoạt động cầm chừng."
    report_settings_save(report_settings=settings, by=admin_user, seen_version=settings.version)
    report = cluster_report(cluster=demo_2023.cluster, year=2023)
    assert report.difficulties == (
        ["Nguồn lực hỗ trợ HTX còn hạn chế.", "Một số HTX hoạt động cầm chừng."],
        False,
    )
    assert report.directions[1]  # still the draft
    assert "Một số HTX hoạt động cầm chừng." in pdf_text(render_report_pdf(report))
    last = settings.history.first()
    assert last.difficulties.startswith("Nguồn lực") and last.history_user == admin_user


def test_the_settings_page_shows_the_drafts_in_the_empty_fields(client, demo_2023, admin_user):
    client.force_login(admin_user)
    page = client.get(reverse("reports:settings", args=["tay-bac", 2023])).text
    assert 'name="difficulties"' in page and 'name="directions"' in page
    assert "nhận cờ luân lưu Cụm trưởng" in page  # the draft, as the placeholder


# One scoring summary -----------------------------------------------------------------------


def summary_text(pdf: bytes) -> str:
    """The summary's text without its banner (the dossier's draft note or the provisional
    mark: each document's own state)."""
    text = pdf_text(pdf)
    for banner in (DRAFT_NOTE, PROVISIONAL):
        text = text.replace(banner, "")
    return " ".join(text.split())


def test_the_dossier_appendix_and_the_stand_alone_summary_are_one_document(demo_data):
    cluster = Cluster.objects.get(slug="tay-bac")
    data = scoring_year(cluster, 2023)
    document = scoring_summary(dossier_for(cluster, 2023))
    minutes = "Biên bản số 03/BB-CTĐ-TB ngày 30/11/2023"
    appendix = summary_text(summary_pdf(document, appendix_of=minutes))
    alone = summary_text(render_summary_pdf(data))
    # One rendering: the same table, signer and recipients; the appendix names the minutes
    # it goes with in place of a number of its own.
    table = "Nội dung tiêu chí"
    assert appendix[appendix.index(table) :] == alone[alone.index(table) :]
    assert "PHỤ LỤC" in appendix and f"(Kèm theo {minutes})" in appendix
    assert "/BTH-" not in appendix
    # A signed document: the number line, the place and date, the signer with title and name.
    assert "Số:" in alone and "/BTH-CTĐ-TB" in alone
    assert "Phú Thọ, ngày" in alone
    assert "CHỦ TỊCH LIÊN MINH HỢP TÁC XÃ TỈNH PHÚ THỌ" in alone and "Nguyễn Quốc Dũng" in alone
    assert "Xếp hạng" in alone and "Nơi nhận:" in alone


def test_the_ranking_row_never_opens_a_page(demo_data):
    data = scoring_year(Cluster.objects.get(slug="tay-bac"), 2023)
    reader = PdfReader(io.BytesIO(render_summary_pdf(data)))
    for page in reader.pages[1:]:
        body = [line for line in page.extract_text().splitlines() if line.strip()]
        first_rows = " ".join(body[:3])
        assert not first_rows.lstrip("0123456789 ").startswith(("Xếp hạng", "Tổng điểm")), body[:3]


def test_the_summary_workbook_prints_like_its_pdf(demo_data):
    data = scoring_year(Cluster.objects.get(slug="tay-bac"), 2023)
    sheet = load_workbook(io.BytesIO(render_summary_xlsx(data))).active
    header = next(row[0].row for row in sheet.iter_rows() if row[0].value == "STT")
    assert sheet.page_setup.orientation == "landscape" and int(sheet.page_setup.paperSize) == 9
    assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.page_setup.fitToWidth == 1
    assert sheet.print_title_rows == f"${header}:${header}"
    assert all(cell.alignment.wrap_text for cell in sheet[header])
    numbers = [c for row in sheet.iter_rows(min_row=header + 1) for c in row[3:] if c.value]
    # Vietnamese formats: 72,5 and −1 (LCID 042A), never the General format's 72.5.
    assert numbers and all(c.number_format.startswith("[$-42A]") for c in numbers)


# The report as one HTML file -----------------------------------------------------------------


def test_the_html_report_is_one_file_with_its_styles_and_fonts(demo_data, tmp_path):
    from tests.test_demo_article import ARTICLE

    target = tmp_path / "tay-bac-2023.html"
    out = io.StringIO()
    call_command(
        "cluster_report",
        cluster="tay-bac",
        year=2023,
        format="html",
        output=str(target),
        stdout=out,
    )
    page = target.read_text()
    assert "/static/" not in page and "<link" not in page
    assert ".report {" in page and "@font-face" in page
    fonts = re.findall(r'url\("data:font/woff2;base64,([^"]+)"\)', page)
    assert len(fonts) == 4
    font = TTFont(io.BytesIO(base64.b64decode(fonts[0])))
    assert font["name"].getDebugName(1) == "Tinos"
    cmap = font.getBestCmap()
    assert all(ord(char) in cmap for char in "Khó khăn, hạn chế Phương hướng Đ")
    text = html_text(page)
    for figure in ARTICLE.values():
        assert figure in text, figure
    assert "Khó khăn, hạn chế" in text and "Phương hướng, nhiệm vụ năm 2024" in text


# The workbook ------------------------------------------------------------------------------

NOTE = re.compile(
    r'<(?:p|strong)[^>]*data-testid="([a-z-]+-note|no-\w+)"[^>]*>'
    r"(.*?)</(?:p|strong)>",
    re.S,
)


def flat(text: str) -> str:
    return re.sub(r"\s+([.,;:])", r"\1", " ".join(text.split()))


@pytest.mark.parametrize("slug", ["tay-bac", "mien-nui-phia-bac-1"])
@pytest.mark.parametrize("year", [2024, 2025])
@pytest.mark.parametrize("preview", [False, True])
def test_every_note_of_the_page_is_in_the_workbook(demo_data, slug, year, preview):
    report = cluster_report(cluster=Cluster.objects.get(slug=slug), year=year, preview=preview)
    page = render_report_html(report, document=False)
    workbook = flat(xlsx_text(render_report_xlsx(report)))
    notes = [(name, flat(html_text(body))) for name, body in NOTE.findall(page)]
    assert notes
    for name, note in notes:
        assert note in workbook, (name, note)


def test_the_provinces_sheet_prints_a_section_per_page(demo_data):
    report = cluster_report(cluster=Cluster.objects.get(slug="tay-bac"), year=2023)
    sheet = load_workbook(io.BytesIO(render_report_xlsx(report)))["Theo tỉnh"]
    assert sheet.print_title_cols == "$A:$A" and sheet.print_title_rows == "$5:$6"
    assert [b.id for b in sheet.col_breaks.brk] == [9, 16, 22]  # THT | HTX | C, D | funds
    assert sheet.page_setup.orientation == "landscape" and int(sheet.page_setup.scale) >= 85
    assert [sheet.cell(row=5, column=c).value for c in (4, 10, 17, 21, 23)] == [
        "A. Tổ hợp tác (THT)",
        "B. Hợp tác xã (HTX)",
        "C. Công tác tuyên truyền",
        "D. Đào tạo, tập huấn",
        "Giải ngân các quỹ",
    ]


# The commands' output ----------------------------------------------------------------------


def test_the_pdf_libraries_log_nothing_below_a_warning():
    for name in ("weasyprint", "weasyprint.progress", "fontTools.subset", "fontTools.ttLib"):
        assert not logging.getLogger(name).isEnabledFor(logging.INFO), name


def test_commands_write_byte_counts_in_the_portals_number_style(demo_data, tmp_path):
    out = io.StringIO()
    target = tmp_path / "bang-tong-hop.pdf"
    call_command(
        "scoring_sheet", cluster="tay-bac", year=2023, format="pdf", output=str(target), stdout=out
    )
    size = format_exact(target.stat().st_size)
    assert "." in size  # thousands grouped with a dot: 47.806, never 47,806
    assert out.getvalue() == f"Đã ghi {target} ({size} byte, kết quả chính thức).\n"
