"""The annual report's numbers against a hand computation, and its files."""

import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from emulation.reports.render import (
    render_report_html,
    render_report_pdf,
    render_report_xlsx,
)
from emulation.reports.selectors import cluster_report
from provinces.models import Cluster, FiguresStatus
from tests.factories import GOOD_VALUES, make_disbursement, make_figures

pytestmark = pytest.mark.django_db

# Seven provinces with known values: (code, tht_total, tht_agri, tht_avg_revenue,
# htx_new, htx_total, htx_avg_revenue, htx_workers, htx_avg_income)
KNOWN = [
    ("10", 1000, 700, Decimal("200"), 50, 400, Decimal("1000"), 8000, Decimal("50")),
    ("11", 2000, 1500, Decimal("300"), 60, 600, Decimal("2000"), 9000, Decimal("60")),
    ("12", 500, 300, Decimal("100"), 40, 300, Decimal("1500"), 6000, Decimal("40")),
    ("14", 1500, 1000, Decimal("250"), 70, 800, Decimal("1200"), 16000, Decimal("55")),
    ("15", 800, 600, Decimal("150"), 30, 200, Decimal("3000"), 3000, Decimal("45")),
    ("17", 1200, 800, Decimal("220"), 45, 500, Decimal("900"), 10000, Decimal("52")),
    ("25", 3000, 2000, Decimal("280"), 69, 900, Decimal("1800"), 20000, Decimal("58")),
]


@pytest.fixture
def tay_bac():
    return Cluster.objects.get(slug="tay-bac")


@pytest.fixture
def known_year(tay_bac):
    for code, tht_total, agri, tht_rev, htx_new, htx_total, htx_rev, workers, income in KNOWN:
        make_figures(
            code,
            2023,
            status=FiguresStatus.APPROVED,
            tht_total=tht_total,
            tht_new=50,
            tht_agri=agri,
            tht_members=tht_total * 3,
            tht_avg_revenue=tht_rev,
            tht_avg_profit=tht_rev / 10,
            htx_new=htx_new,
            htx_total=htx_total,
            htx_members=htx_total * 10,
            htx_avg_revenue=htx_rev,
            htx_avg_profit=htx_rev / 10,
            htx_workers=workers,
            htx_avg_income=income,
        )
    make_disbursement("14", "2023-03-01", "500")
    make_disbursement("25", "2023-04-01", "1250.5", fund="other")
    return cluster_report(cluster=tay_bac, year=2023)


def test_counts_are_summed(known_year):
    totals = known_year.totals
    assert totals["tht_total"] == 10000
    assert totals["htx_total"] == 3700
    assert totals["htx_new"] == 364
    assert totals["htx_workers"] == 72000
    assert totals["bulletins"] == 7 * GOOD_VALUES["bulletins"]


def test_averages_are_weighted_not_plain_means(known_year):
    totals = known_year.totals
    # Σ(avg × total) / Σ total, computed by hand.
    tht_revenue = (
        Decimal(200_000 + 600_000 + 50_000 + 375_000 + 120_000 + 264_000 + 840_000) / 10000
    )
    assert totals["tht_avg_revenue"] == tht_revenue == Decimal("244.9")
    htx_revenue = (
        Decimal(400_000 + 1_200_000 + 450_000 + 960_000 + 600_000 + 450_000 + 1_620_000) / 3700
    )
    assert totals["htx_avg_revenue"] == htx_revenue
    income = Decimal(400_000 + 540_000 + 240_000 + 880_000 + 135_000 + 520_000 + 1_160_000) / 72000
    assert totals["htx_avg_income"] == income
    plain_mean = sum(row[6] for row in KNOWN) / 7
    assert abs(plain_mean - htx_revenue) > 50  # the plain mean would be far off
    assert sum(row[3] for row in KNOWN) / 7 != tht_revenue


def test_shares_and_per_province_figures(known_year):
    assert known_year.agri_share == Decimal(6900) * 100 / 10000  # 69 %
    assert known_year.htx_new_per_province == Decimal(364) / 7  # 52 per province
    assert known_year.disbursements.cluster_all.count == 2
    assert known_year.disbursements.cluster_all.amount == Decimal("1750.5")
    assert known_year.disbursements.cluster_htx_dev.amount == Decimal("500")
    assert not known_year.is_draft


def test_the_narrative_reads_like_the_article(known_year):
    html = render_report_html(known_year)
    assert "nâng tổng số THT của 7 tỉnh lên 10.000 THT" in html
    assert "thành lập mới 364 HTX (trung bình 52 HTX/tỉnh/năm)" in html
    assert "doanh thu bình quân THT ước đạt 244,9 triệu đồng/THT/năm" in html
    assert "chiếm 69,0\u00a0%" in html  # one decimal, always, never split from %
    assert "giải ngân cho 2 lượt dự án" in html and "1.751 triệu đồng" in html
    assert "BẢN DỰ THẢO" not in html


def test_unapproved_figures_make_a_draft(tay_bac):
    make_figures("14", 2023, status=FiguresStatus.SUBMITTED)
    report = cluster_report(cluster=tay_bac, year=2023)
    assert report.is_draft and report.approved_count == 0 and len(report.missing) == 6
    assert "BẢN DỰ THẢO" in render_report_html(report)


def test_the_pdf_carries_the_formatted_totals(known_year):
    pdf = render_report_pdf(known_year)
    reader = PdfReader(io.BytesIO(pdf))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "10.000" in text and "3.700" in text and "244,9" in text
    fonts = {
        str(font["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].get_object().values()
    }
    # Only the shipped Tinos (named after its @font-face family), embedded as subsets.
    assert fonts and all("Report-Serif" in name for name in fonts)
    assert "Tổng kết công tác thi đua năm 2023" in text
    assert len(reader.pages) >= 2


def test_the_excel_file_holds_numbers(known_year):
    workbook = load_workbook(io.BytesIO(render_report_xlsx(known_year)))
    assert workbook.sheetnames == ["Tổng hợp", "Theo tỉnh"]
    sheet = workbook["Theo tỉnh"]
    assert sheet.freeze_panes == "B7"  # below the title block and the header row
    total_row = [row for row in sheet.iter_rows(values_only=True) if row[0] == "Toàn Cụm"][0]
    header = [cell.value for cell in sheet[6]]
    assert total_row[header.index("Tổng số THT (cuối năm) (THT)")] == 10000
    revenue = header.index("Doanh thu bình quân của THT (triệu đồng/THT/năm)")
    assert isinstance(total_row[revenue], float)
    assert total_row[revenue] == pytest.approx(244.9)


def test_user_text_is_escaped_and_formulas_neutralised(tay_bac, known_year):
    from emulation.models import AwardType, Nomination
    from provinces.disbursements.services import borrower_find_or_create
    from provinces.organisation.selectors import province_for_code

    coop, _ = borrower_find_or_create(
        province=province_for_code("14", 2023), name="<script>x</script>", kind="HTX"
    )
    Nomination.objects.create(
        cluster=tay_bac, year=2023, award_type=AwardType.objects.first(), nominee_cooperative=coop
    )
    html = render_report_html(cluster_report(cluster=tay_bac, year=2023))
    assert "<script>x</script>" not in html and "&lt;script&gt;x&lt;/script&gt;" in html


def test_weasyprint_may_fetch_only_static_files():
    from emulation.reports.render import _static_fetcher

    fetcher = _static_fetcher()
    for url in ["https://example.org/x.css", "file:///etc/passwd", "file:///static/../settings.py"]:
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    assert fetcher.fetch("file:///static/css/report.css").read().startswith(b"/*")


def test_the_report_runs_a_fixed_number_of_queries(tay_bac):
    with CaptureQueriesContext(connection) as seven:
        cluster_report(cluster=tay_bac, year=2023)
    from tests.test_cluster_year import build_cluster

    big = build_cluster(34, years=20)
    with CaptureQueriesContext(connection) as many:
        report = cluster_report(cluster=big, year=2024)
    assert len(report.lines) == 34
    assert len(many) == len(seven)


class TestAccess:
    @pytest.fixture
    def users(self, make_staff, admin_user):
        return {
            "outsider": make_staff("Cao Bằng", 2023),
            "staff": make_staff("Sơn La", 2023),
            "chair": make_staff("Phú Thọ", 2023),
            "admin": admin_user,
        }

    def get(self, client, user, name):
        client.force_login(user)
        return client.get(reverse(f"reports:{name}", args=["tay-bac", 2023]))

    def test_members_read_the_page_outsiders_do_not(self, client, users, known_year):
        assert self.get(client, users["outsider"], "page").status_code == 404
        assert self.get(client, users["staff"], "page").status_code == 200
        client.logout()
        assert client.get(reverse("reports:page", args=["tay-bac", 2023])).status_code == 302

    def test_every_member_downloads_the_report_the_preview_is_the_chairs(
        self, client, users, tay_bac
    ):
        """One truth per cluster-year: the report (approved records only) is every
        member's to download, draft or not; its working preview is the chair's and the
        admins' (403 for other members, 404 outside the cluster)."""
        make_figures("14", 2023, status=FiguresStatus.SUBMITTED)
        for who in ("staff", "chair", "admin"):
            for name in ("pdf", "xlsx"):
                assert self.get(client, users[who], name).status_code == 200
        assert self.get(client, users["outsider"], "pdf").status_code == 404
        for name in ("preview", "preview-pdf", "preview-xlsx"):
            assert self.get(client, users["staff"], name).status_code == 403
            assert self.get(client, users["outsider"], name).status_code == 404
        response = self.get(client, users["chair"], "preview-pdf")
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert "bao-cao-tay-bac-2023-xem-truoc.pdf" in response["Content-Disposition"]
        assert self.get(client, users["admin"], "preview-xlsx").status_code == 200

    def test_staff_download_once_everything_is_approved(self, client, users, known_year):
        response = self.get(client, users["staff"], "xlsx")
        assert response.status_code == 200
        assert "bao-cao-tay-bac-2023.xlsx" in response["Content-Disposition"]


def test_the_command_writes_each_format(tmp_path, known_year):
    from django.core.management import CommandError, call_command

    for fmt in ("pdf", "html", "xlsx"):
        target = tmp_path / f"r.{fmt}"
        call_command("cluster_report", cluster="tay-bac", year=2023, format=fmt, output=str(target))
        assert target.stat().st_size > 1000
    with pytest.raises(CommandError, match="Không có cụm"):
        call_command(
            "cluster_report", cluster="x", year=2023, format="pdf", output=str(tmp_path / "x.pdf")
        )
    with pytest.raises(CommandError, match="không có thành viên"):
        call_command(
            "cluster_report",
            cluster="tay-bac",
            year=2025,
            format="pdf",
            output=str(tmp_path / "x.pdf"),
        )
