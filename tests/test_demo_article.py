"""The demo's 2023 is the article's 2023: every figure of the seed article comes out of the
report selector, the PDF of `cluster_report` and its Excel file. The per-province split
behind it is invented; only the totals are the article's."""

import io
import re

import pytest
from django.core.management import call_command
from openpyxl import load_workbook
from pypdf import PdfReader

from cluster_portal.number_style import format_number, format_percent
from emulation.reports.selectors import cluster_report
from provinces.figures.spec import BY_CODE, format_indicator
from provinces.models import Cluster

pytestmark = pytest.mark.django_db

# seed/2023-tay-bac-cluster-conference.txt, figure by figure.
ARTICLE = {
    "tht_new": "784",
    "tht_total": "11.084",
    "tht_members": "91.411",
    "tht_avg_revenue": "236,8",
    "tht_avg_profit": "43,7",
    "htx_new": "364",
    "htx_total": "4.169",
    "htx_members": "215.203",
    "htx_avg_revenue": "1.637",
    "htx_avg_profit": "177",
    "htx_workers": "78.282",
    "htx_avg_income": "51,3",
    "bulletins": "26",
    "tv_reports": "65",
    "press_articles": "134",
    "online_posts": "1.371",
    "training_courses": "56",
    "training_participants": "4.752",
}
DISBURSEMENTS = {"all": (135, "62.375"), "htx_dev": (120, "61.175")}


@pytest.fixture
def demo(demo_data):
    return cluster_report(cluster=Cluster.objects.get(slug="tay-bac"), year=2023)


def test_the_report_selector_gives_every_figure_of_the_article(demo):
    shown = {code: format_indicator(code, demo.totals[code]) for code in ARTICLE}
    assert shown == ARTICLE
    share = format_percent(demo.agri_share)
    assert share == "69,6\u00a0%"  # "chiếm gần 70%"
    assert format_number(demo.htx_new_per_province) == "52"  # "52 HTX/tỉnh/năm"
    assert demo.disbursements.cluster_all.count == DISBURSEMENTS["all"][0]
    assert format_number(demo.disbursements.cluster_all.amount) == DISBURSEMENTS["all"][1]
    assert demo.disbursements.cluster_htx_dev.count == DISBURSEMENTS["htx_dev"][0]
    assert format_number(demo.disbursements.cluster_htx_dev.amount) == DISBURSEMENTS["htx_dev"][1]


def test_the_demo_year_is_approved_with_the_articles_conference_awards_and_flag(demo):
    assert demo.approved_count == demo.member_count == 7 and not demo.is_draft
    assert demo.conference.ordinal == "XII" and demo.conference.date.isoformat() == "2023-11-30"
    assert demo.term.head.name == "Phú Thọ" and demo.term.vice.name == "Lào Cai"
    assert demo.next_term.head.name == "Lào Cai" and demo.next_term.vice.name == "Lai Châu"
    counts = {award.code: len(items) for award, items in demo.nominations}
    # The article's three flags and five certificates, and the individual and household
    # the demo adds to the certificates (issue 23: nominees of every kind).
    assert counts == {"emulation-flag": 3, "certificate-of-merit": 7}


def test_cluster_report_pdf_shows_the_article_the_number_the_signer_and_recipients(demo, tmp_path):
    target = tmp_path / "tay-bac-2023.pdf"
    call_command(
        "cluster_report",
        cluster="tay-bac",
        year=2023,
        format="pdf",
        output=str(target),
        stdout=io.StringIO(),
    )
    pages = [re.sub(r"\s+", " ", page.extract_text()) for page in PdfReader(target).pages]
    text = " ".join(pages)
    # The signature never stands alone: the last section goes with it to its page.
    assert "Cụm trưởng, cụm phó Năm 2023" in pages[-1] and "TM. CỤM THI ĐUA" in pages[-1]
    for figure in [*ARTICLE.values(), "69,6 %", "52 HTX/tỉnh", "62.375", "61.175"]:
        assert figure in text, figure
    assert "135 lượt dự án" in text and "120 dự án" in text
    assert "Số: 05/BC-CTĐ" in text
    assert "Phú Thọ, ngày 30 tháng 11 năm 2023" in text
    assert "TM. CỤM THI ĐUA" in text and "CỤM TRƯỞNG" in text
    assert "CỤM TRƯỞNG CHỦ TỊCH LIÊN MINH HỢP TÁC XÃ TỈNH PHÚ THỌ" in text
    assert "Nguyễn Quốc Dũng" in text
    assert "Nơi nhận:" in text and "Liên minh HTX Việt Nam" in text
    assert "BẢN DỰ THẢO" not in text


def test_the_excel_file_of_the_same_report_has_the_same_totals(demo, tmp_path):
    target = tmp_path / "tay-bac-2023.xlsx"
    call_command(
        "cluster_report",
        cluster="tay-bac",
        year=2023,
        format="xlsx",
        output=str(target),
        stdout=io.StringIO(),
    )
    sheet = load_workbook(target).worksheets[0]
    assert sheet.title == "Tổng hợp"
    rows = {row[0]: row for row in sheet.iter_rows(values_only=True) if row[0]}
    for code, expected in ARTICLE.items():
        value = rows[BY_CODE[code].label][2]
        assert format_indicator(code, value) == expected, code
    assert rows["Giải ngân các quỹ: số lượt dự án"][2] == 135
    assert rows["Giải ngân các quỹ: số tiền"][2] == 62375
    assert rows["Riêng Quỹ hỗ trợ phát triển HTX: số dự án"][2] == 120
    assert rows["Riêng Quỹ hỗ trợ phát triển HTX: số tiền"][2] == 61175


def test_the_demo_records_came_in_before_their_deadline_and_conference(demo_data):
    """The records the report of 30/11/2023 is made of were submitted by their deadline
    (15/11/2023) and approved before that conference; 2024's came in on time as well. The
    year pages marked every 2023 and 2024 record "nộp muộn" (submitted in the next
    January), while the scoring of 2023 took one late report off Điện Biên only."""
    from provinces.calendar.models import Deadlines
    from provinces.figures.models import YearlyFigures
    from provinces.figures.timeliness import submitted_late

    cluster = Cluster.objects.get(slug="tay-bac")
    for year in (2023, 2024):
        deadlines = Deadlines.objects.get(cluster=cluster, year=year)
        records = YearlyFigures.objects.filter(year=year).exclude(submitted_at=None)
        assert records.count() >= 5
        late = [f.province.name for f in records if submitted_late(f, deadlines)]
        assert late == [], (year, late)
        approved = [f.approved_at.date() for f in records if f.approved_at]
        assert approved and max(approved) < deadlines.conference_on, year
