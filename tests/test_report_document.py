"""The report as a document people sign: number line, place and date, signer, recipients,
continuous sections, and wording that is true when data are missing."""

import datetime
import re
from decimal import Decimal
from pathlib import Path

import pytest

from emulation.models import Attendee, Conference, ReportSettings
from emulation.reports.render import render_report_html
from emulation.reports.selectors import cluster_report
from provinces.models import Cluster, FiguresStatus
from provinces.organisation.selectors import province_for_code
from tests.factories import make_figures, make_legacy_figures

pytestmark = pytest.mark.django_db


@pytest.fixture
def tay_bac():
    return Cluster.objects.get(slug="tay-bac")


@pytest.fixture
def northern():
    return Cluster.objects.get(slug="mien-nui-phia-bac-1")


def text_of(report) -> str:
    html = render_report_html(report)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def record_conference(cluster, year=2023):
    conference = Conference.objects.create(
        cluster=cluster,
        year=year,
        ordinal="XII",
        date=datetime.date(year, 11, 30),
        venue="Trụ sở Liên minh HTX tỉnh Phú Thọ",
        host=province_for_code("25", year),
    )
    Attendee.objects.create(
        conference=conference,
        name="Nguyễn Quốc Dũng",
        title="UV BCH Liên minh HTX Việt Nam, Chủ tịch",
        organisation="Liên minh HTX tỉnh Phú Thọ",
    )
    return conference


def test_the_number_line_is_blank_until_the_chair_sets_a_number(tay_bac):
    assert "Số: …/BC-CTĐ" in text_of(cluster_report(cluster=tay_bac, year=2023))
    ReportSettings.objects.create(cluster=tay_bac, year=2023, number=5)
    assert "Số: 05/BC-CTĐ" in text_of(cluster_report(cluster=tay_bac, year=2023))


def test_place_date_and_signer_default_from_the_conference(tay_bac):
    record_conference(tay_bac)
    text = text_of(cluster_report(cluster=tay_bac, year=2023))
    assert "Phú Thọ, ngày 30 tháng 11 năm 2023" in text
    assert "TM. CỤM THI ĐUA CỤM TRƯỞNG CHỦ TỊCH LIÊN MINH HỢP TÁC XÃ TỈNH PHÚ THỌ" in text
    assert "Nguyễn Quốc Dũng" in text


def test_the_chair_overrides_date_place_signer_and_recipients(tay_bac):
    record_conference(tay_bac)
    ReportSettings.objects.create(
        cluster=tay_bac,
        year=2023,
        number=7,
        symbol="CTĐTB",
        document_date=datetime.date(2023, 12, 5),
        place="Việt Trì",
        signer_title="Phó Chủ tịch",
        signer_name="Trần Văn A",
        recipients="Ban Thi đua - Khen thưởng Trung ương;\nLưu: VT.",
    )
    text = text_of(cluster_report(cluster=tay_bac, year=2023))
    assert "Số: 07/BC-CTĐTB" in text  # the chair's symbol, not the default CTĐ-TB
    assert "Việt Trì, ngày 05 tháng 12 năm 2023" in text
    assert "PHÓ CHỦ TỊCH LIÊN MINH HỢP TÁC XÃ TỈNH PHÚ THỌ" in text and "Trần Văn A" in text
    assert "Nơi nhận: - Ban Thi đua - Khen thưởng Trung ương; - Lưu: VT." in text
    assert "Nguyễn Quốc Dũng" not in text


def test_without_conference_or_date_the_date_is_left_blank_never_today(northern):
    from cluster_portal.templatetags.vn_format import nd30_date

    text = text_of(cluster_report(cluster=northern, year=2026))
    assert nd30_date(datetime.date.today()) not in text
    assert "……, ngày …… tháng …… năm ……" in text  # no head, no host: a blank, not ""
    # With a head but no conference: the head's province, and still no invented date.
    text = text_of(cluster_report(cluster=northern, year=2025))
    assert "Lai Châu, ngày …… tháng …… năm ……" in text


def test_sections_are_numbered_without_gaps_when_there_are_no_figures(northern):
    text = text_of(cluster_report(cluster=northern, year=2025))
    numbers = re.findall(r"\b([IVX]+)\. [A-ZĐ]", text)
    assert numbers == ["I", "II", "III", "IV", "V", "VI", "VII"]
    assert "I. Số liệu của các tỉnh" in text


def test_no_data_wording_names_the_year_that_lacks_data(northern):
    make_figures("12", 2025, status=FiguresStatus.APPROVED)
    text = text_of(cluster_report(cluster=northern, year=2026))
    assert "Chưa có số liệu năm 2026 để so sánh với năm 2025." in text
    assert "Không có số liệu năm 2025" not in text
    assert "Không có số liệu năm 2024 để so sánh." in text_of(
        cluster_report(cluster=northern, year=2025)
    )


def test_new_htx_per_province_divides_by_members_with_figures_and_says_so(tay_bac):
    make_figures("10", 2023, htx_new=60, status=FiguresStatus.APPROVED)
    make_figures("11", 2023, htx_new=40, status=FiguresStatus.APPROVED)
    report = cluster_report(cluster=tay_bac, year=2023)
    assert report.htx_new_per_province == 50
    assert "(trung bình 50 HTX/tỉnh/năm, tính trên 2 tỉnh có số liệu)" in text_of(report)


def test_the_last_section_and_signature_are_kept_together_in_the_pdf_css():
    from django.contrib.staticfiles import finders

    css = Path(finders.find("css/report.css")).read_text(encoding="utf-8")
    assert re.search(r"\.report \.closing \{[^}]*break-inside: avoid", css)
    assert re.search(r"\.report \.rule-short \{ width: 30%", css)


def test_every_figure_has_the_decimals_of_the_data_dictionary(tay_bac):
    # A record stored before the precision rule: its extra decimals are rounded when shown.
    make_legacy_figures(
        "10",
        2023,
        status=FiguresStatus.APPROVED,
        htx_avg_revenue=Decimal("1905.55"),
        htx_avg_income=Decimal("41"),
    )
    text = text_of(cluster_report(cluster=tay_bac, year=2023))
    assert "doanh thu bình quân các HTX đạt 1.906 triệu đồng" in text  # half-up, 0 decimals
    assert "thu nhập bình quân đạt 41,0 triệu đồng" in text  # always one decimal
