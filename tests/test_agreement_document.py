"""The emulation agreement as a document (issue 23): the demo's Tây Bắc 2023 agreement
opened as Word (python-docx: its text, its page numbers) and as PDF (pypdf), who may
download it, and its draft before the members sign."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from docx import Document as open_docx

from emulation.dossiers.agreement import agreement_document
from emulation.models import ScoringAgreement
from emulation.scoring.selectors import scoring_year
from provinces.models import Cluster
from tests.dossier_helpers import docx_text, pdf_text

pytestmark = pytest.mark.django_db
DOCX = reverse("dossiers:agreement-docx", args=["tay-bac", 2023])
PDF = reverse("dossiers:agreement-pdf", args=["tay-bac", 2023])
MEMBERS = ["ĐIỆN BIÊN", "HÒA BÌNH", "LAI CHÂU", "LÀO CAI", "PHÚ THỌ", "SƠN LA", "YÊN BÁI"]


def flat(text: str) -> str:
    return " ".join(text.split())


def login(client, name: str) -> None:
    client.force_login(get_user_model().objects.get(username=name))


def test_the_agreement_reads_as_a_signed_document(client, demo_data):
    login(client, "sonla")  # a member: the signed agreement is every member's
    word = client.get(DOCX)
    assert word.status_code == 200
    assert "Giao-uoc-thi-dua-Cum-Tay-Bac-2023.docx" in word["Content-Disposition"]
    pdf = client.get(PDF)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    for text in (flat(docx_text(word.content)), flat(pdf_text(pdf.content))):
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
        assert "GIAO ƯỚC THI ĐUA" in text and "/GƯ-CTĐ-TB" in text
        assert "ngày 08 tháng 12 năm 2022" in text  # signed at the 2022 conference
        # Dated 2022: the 2003 law and its decree; the cluster's rules, not itself.
        assert "Nghị định số 91/2017/NĐ-CP" in text
        assert "Căn cứ Quy chế hoạt động của Cụm thi đua Liên minh HTX các tỉnh Tây Bắc" in text
        assert "Căn cứ Giao ước thi đua năm 2023" not in text
        assert "NỘI DUNG THI ĐUA VÀ THANG ĐIỂM" in text and "Tổng điểm 100" in text
        assert "CHỈ TIÊU GIAO CHO TỪNG THÀNH VIÊN" in text
        assert "Thành lập mới HTX so với chỉ tiêu giao HTX 48 67 37 46 66 68 55" in text
        for member in MEMBERS:
            assert f"TM. LIÊN MINH HỢP TÁC XÃ TỈNH {member} CHỦ TỊCH" in text
        assert "Nguyễn Quốc Dũng" in text and "Trương Mạnh Hùng" in text
        assert "DỰ THẢO" not in text
    section = open_docx(io.BytesIO(word.content)).sections[0]
    assert section.different_first_page_header_footer
    assert "PAGE" in section.footer._element.xml
    assert "PAGE" not in section.first_page_footer._element.xml


def test_who_may_download_it(client, demo_data):
    assert client.get(DOCX).status_code == 302  # to the login page
    login(client, "caobang")  # another cluster
    assert client.get(DOCX).status_code == 404
    assert client.get(reverse("dossiers:agreement-pdf", args=["tay-bac", 2030])).status_code == 404
    login(client, "phutho")
    page = client.get(reverse("scoring:overview", args=["tay-bac", 2023]))
    assert DOCX in page.text and PDF in page.text


def test_the_draft_is_the_chair_s_until_the_members_sign(client, demo_data):
    ScoringAgreement.objects.filter(cluster__slug="tay-bac", year=2023).update(
        status="draft", signed_on=None
    )
    login(client, "sonla")
    assert client.get(DOCX).status_code == 403
    page = client.get(reverse("scoring:overview", args=["tay-bac", 2023]))
    assert DOCX not in page.text  # no link to what is refused
    login(client, "phutho")  # the chair of 2023
    text = flat(docx_text(client.get(DOCX).content))
    assert "DỰ THẢO — giao ước chưa được các thành viên ký kết" in text


def test_the_targets_follow_each_indicator_s_decimals(demo_data):
    document = agreement_document(scoring_year(Cluster.objects.get(slug="tay-bac"), 2023))
    targets = next(b for b in document.blocks if getattr(b, "name", "") == "t-targets")
    loans = next(row for row in targets.rows if row.cells[1].startswith("Giải ngân"))
    assert loans.cells[2] == "triệu đồng" and loans.cells[3] == "12.241"
