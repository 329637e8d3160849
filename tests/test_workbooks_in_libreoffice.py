"""The report's and the scoring summary's workbooks printed as LibreOffice prints them (a
reader without Excel): each section of the per-province sheet on a page of its own, no
column spilt onto a page by itself, the summary on one A4 landscape page with the whole
criterion kinds and Vietnamese decimals. Skipped where LibreOffice is not installed (it is
not a dependency of the portal: `apt-get install libreoffice-calc-nogui` to run these)."""

import io
import re
import shutil
import subprocess

import pytest
from pypdf import PdfReader

from emulation.reports.render import render_report_xlsx
from emulation.reports.selectors import cluster_report
from emulation.scoring.render import render_summary_xlsx
from emulation.scoring.selectors import scoring_year
from provinces.models import Cluster

SOFFICE = shutil.which("soffice")
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed"),
]


def printed_pages(content: bytes, tmp_path) -> list[str]:
    source = tmp_path / "book.xlsx"
    source.write_bytes(content)
    subprocess.run(
        [SOFFICE, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    reader = PdfReader(io.BytesIO((tmp_path / "book.pdf").read_bytes()))
    assert {tuple(round(v) for v in page.mediabox[2:]) for page in reader.pages} == {(842, 595)}
    return [re.sub(r"\s+", " ", page.extract_text()) for page in reader.pages]


def test_each_section_of_the_provinces_sheet_prints_whole_on_its_page(demo_data, tmp_path):
    report = cluster_report(cluster=Cluster.objects.get(slug="tay-bac"), year=2023)
    pages = printed_pages(render_report_xlsx(report), tmp_path)
    # The cluster's last value of each section, on the page that carries the section title:
    # THT profit (43,7), HTX labour income (51,3), trainees (4.752), the fund's 61.175.
    for title, last in (
        ("A. Tổ hợp tác (THT)", "43,7"),
        ("B. Hợp tác xã (HTX)", "51,3"),
        ("D. Đào tạo, tập huấn", "4.752"),
        ("Giải ngân các quỹ", "61.175"),
    ):
        page = next(p for p in pages if title in p)
        assert last in page, (title, page[-200:])
    assert len(pages) == 6  # the summary (2 pages) and four of provinces


def test_the_scoring_summary_prints_on_one_page_with_whole_kinds(demo_data, tmp_path):
    data = scoring_year(Cluster.objects.get(slug="tay-bac"), 2023)
    (page,) = printed_pages(render_summary_xlsx(data), tmp_path)
    assert "Theo mức (khung điểm)" in page and "Chấm theo đánh giá" in page
    assert "72,5" in page and "Xếp hạng" in page  # Lai Châu's total, the ranking row
