"""The Excel/CSV pages of a cluster-year: template, exports, and the import with its
preview and confirmation (provinces.views_io)."""

import io
import re

import openpyxl
import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from provinces.figures.excel import FIGURES_UPLOAD_MAX_BYTES
from provinces.figures.excel_views import PENDING_SESSION_KEY
from provinces.figures.services import figures_submit
from provinces.models import FiguresStatus, YearlyFigures
from provinces.spreadsheets.writing import XLSX_CONTENT_TYPE
from tests.factories import make_figures
from tests.test_import_figures import db_state, row, xlsx_file

pytestmark = pytest.mark.django_db

IMPORT_URL = reverse("figures:import", args=["tay-bac", 2024])
TEMPLATE_URL = reverse("figures:template", args=["tay-bac", 2024])
YEAR_URL = reverse("figures:cluster-year", args=["tay-bac", 2024])


def export_url(fmt: str) -> str:
    return reverse("figures:export", args=["tay-bac", 2024, fmt])


@pytest.fixture(autouse=True)
def uploads(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "uploads": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path},
        },
    }
    return tmp_path / "held-uploads"


@pytest.fixture
def son_la(make_staff):
    return make_staff("Sơn La", 2024, username="sonla")


@pytest.fixture
def chair(make_staff):
    return make_staff("Lào Cai", 2024, username="laocai")


@pytest.fixture
def other_cluster_staff(make_staff):
    return make_staff("Cao Bằng", 2025, username="caobang")  # not in Tây Bắc in 2024


def upload(client, data: bytes, name: str = "so-lieu.xlsx"):
    return client.post(IMPORT_URL, {"file": SimpleUploadedFile(name, data)})


def token_of(response) -> str:
    return re.search(r'name="token" value="([0-9a-f]+)"', response.content.decode()).group(1)


def confirm(client, token: str):
    return client.post(IMPORT_URL, {"confirm": "1", "token": token})


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# Who may open the pages -----------------------------------------------------------------


@pytest.mark.parametrize("url", [IMPORT_URL, TEMPLATE_URL, export_url("xlsx"), export_url("csv")])
def test_anonymous_users_are_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("url", [IMPORT_URL, TEMPLATE_URL, export_url("xlsx"), export_url("csv")])
def test_staff_of_another_cluster_get_404(client, other_cluster_staff, url):
    client.force_login(other_cluster_staff)
    assert client.get(url).status_code == 404


def test_staff_of_another_cluster_may_not_post_an_upload(client, other_cluster_staff):
    client.force_login(other_cluster_staff)
    before = db_state()
    assert upload(client, xlsx_file([row("14")])).status_code == 404
    assert db_state() == before


@pytest.mark.parametrize("who", ["son_la", "chair", "admin_user"])
def test_members_and_admins_see_the_upload_form(client, request, who):
    client.force_login(request.getfixturevalue(who))
    response = client.get(IMPORT_URL)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Kiểm tra và xem trước" in content
    assert 'enctype="multipart/form-data"' in content
    assert TEMPLATE_URL in content
    assert not re.search(r"<script(?![^>]*\bsrc=)", content)  # no inline script


def test_a_cluster_year_without_members_is_404(client, admin_user):
    client.force_login(admin_user)
    assert client.get(reverse("figures:import", args=["tay-bac", 2025])).status_code == 404
    assert client.get(reverse("figures:import", args=["khong-co", 2024])).status_code == 404


def test_an_unknown_export_format_is_404(client, chair):
    client.force_login(chair)
    assert client.get(export_url("pdf")).status_code == 404


# Downloads ------------------------------------------------------------------------------


def test_the_template_is_an_xlsx_attachment(client, son_la):
    client.force_login(son_la)
    response = client.get(TEMPLATE_URL)
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert 'filename="mau-so-lieu-tay-bac-2024.xlsx"' in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet.max_row == 2 + 7


def test_staff_export_their_row_and_the_approved_ones(client, son_la):
    make_figures("14", 2024)
    make_figures("25", 2024, status=FiguresStatus.APPROVED)
    make_figures("12", 2024)
    client.force_login(son_la)
    response = client.get(export_url("csv"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert [line.split(",")[0] for line in text.splitlines()[1:]] == ["25", "14"]


def test_the_chair_exports_every_row(client, chair):
    make_figures("14", 2024)
    make_figures("12", 2024)
    client.force_login(chair)
    response = client.get(export_url("xlsx"))
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert [r[0] for r in sheet.iter_rows(min_row=3, values_only=True)] == ["12", "14"]


# Preview and confirmation ---------------------------------------------------------------


def test_an_upload_shows_a_preview_and_saves_nothing(client, son_la, uploads):
    client.force_login(son_la)
    before = db_state()
    response = upload(client, xlsx_file([row("14")]))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Thêm mới" in content
    assert "1.637,5" in content  # Vietnamese number formatting
    assert 'data-testid="confirm-import"' in content
    assert db_state() == before
    assert len(list(uploads.iterdir())) == 1
    assert client.session[PENDING_SESSION_KEY]["scope"]["year"] == 2024


def test_confirming_imports_the_previewed_file(client, son_la, uploads):
    client.force_login(son_la)
    token = token_of(upload(client, xlsx_file([row("14")])))
    response = confirm(client, token)
    assert response.status_code == 302
    assert response.url == YEAR_URL
    assert messages_of(response) == ["Đã nhập 1 dòng: 1 thêm mới, 0 cập nhật, 0 không đổi."]
    figures = YearlyFigures.objects.get(province__code="14", year=2024)
    assert (figures.status, figures.version) == (FiguresStatus.DRAFT, 1)
    assert figures.history.get().history_user == son_la
    assert list(uploads.iterdir()) == []
    assert PENDING_SESSION_KEY not in client.session


def test_the_preview_shows_old_and_new_values(client, chair):
    make_figures("14", 2024, htx_members=11084)
    make_figures("12", 2024)
    client.force_login(chair)
    response = upload(client, xlsx_file([row("14", htx_members=12345), row("12")]))
    content = response.content.decode()
    assert "Cập nhật" in content and "Không đổi" in content
    assert "11.084" in content and "12.345" in content
    response = confirm(client, token_of(response))
    assert messages_of(response) == ["Đã nhập 2 dòng: 0 thêm mới, 1 cập nhật, 1 không đổi."]
    figures = YearlyFigures.objects.get(province__code="14", year=2024)
    assert (figures.htx_members, figures.version) == (12345, 2)


def test_the_chair_imports_every_member(client, chair):
    client.force_login(chair)
    codes = ["10", "11", "12", "14", "15", "17", "25"]
    response = confirm(client, token_of(upload(client, xlsx_file([row(c) for c in codes]))))
    assert response.status_code == 302
    assert YearlyFigures.objects.filter(year=2024).count() == 7


def test_an_admin_imports(client, admin_user):
    client.force_login(admin_user)
    response = confirm(client, token_of(upload(client, xlsx_file([row("25")]))))
    assert response.status_code == 302
    assert YearlyFigures.objects.get(province__code="25", year=2024).history.get().history_user == (
        admin_user
    )


def test_errors_are_listed_and_nothing_is_kept(client, son_la, uploads):
    client.force_login(son_la)
    before = db_state()
    response = upload(client, xlsx_file([row("14"), row("25"), row("14", htx_total=-1)]))
    assert response.status_code == 400
    content = response.content.decode()
    assert "Tệp so-lieu.xlsx có 4 lỗi" in content
    assert "Tổng số HTX (cuối năm) không được âm" in content
    assert "không có quyền nhập số liệu của Liên minh HTX tỉnh Phú Thọ" in content
    assert "Sơn La năm 2024 đã có ở dòng 2" in content
    assert 'data-testid="confirm-import"' not in content
    assert db_state() == before
    assert not uploads.exists() or list(uploads.iterdir()) == []
    assert PENDING_SESSION_KEY not in client.session


def test_a_bad_file_gets_its_message(client, son_la):
    client.force_login(son_la)
    response = upload(client, b"province,year\n14,2024\n", "so-lieu.xlsx")
    assert response.status_code == 400
    assert "không phải là tệp Excel .xlsx hợp lệ" in response.content.decode()


def test_a_file_over_5_mb_is_refused(client, son_la):
    client.force_login(son_la)
    response = upload(client, b"x" * (FIGURES_UPLOAD_MAX_BYTES + 1), "so-lieu.csv")
    assert response.status_code == 400
    assert "vượt giới hạn 5 MB" in response.content.decode()


def test_a_file_of_another_type_is_refused(client, son_la):
    client.force_login(son_la)
    response = upload(client, b"%PDF-1.4", "so-lieu.pdf")
    assert response.status_code == 400
    assert "Chỉ nhận tệp Excel .xlsx hoặc tệp .csv" in response.content.decode()


def test_posting_without_a_file_asks_for_one(client, son_la):
    client.force_login(son_la)
    response = client.post(IMPORT_URL, {})
    assert response.status_code == 400
    assert "Hãy chọn tệp .xlsx hoặc .csv" in response.content.decode()


def test_an_unchanged_file_has_nothing_to_confirm(client, son_la, uploads):
    make_figures("14", 2024)
    client.force_login(son_la)
    response = upload(client, xlsx_file([row("14")]))
    assert response.status_code == 200
    content = response.content.decode()
    assert "không có gì để nhập" in content
    assert 'data-testid="confirm-import"' not in content
    assert not uploads.exists() or list(uploads.iterdir()) == []


def test_confirm_without_a_preview_imports_nothing(client, son_la):
    client.force_login(son_la)
    response = confirm(client, "0" * 32)
    assert response.status_code == 302
    assert response.url == IMPORT_URL
    assert "Không tìm thấy tệp đang chờ xác nhận" in messages_of(response)[0]
    assert not YearlyFigures.objects.exists()


def test_confirm_with_another_token_imports_nothing(client, son_la, uploads):
    client.force_login(son_la)
    upload(client, xlsx_file([row("14")]))
    response = confirm(client, "f" * 32)
    assert response.url == IMPORT_URL
    assert not YearlyFigures.objects.exists()


def test_confirm_revalidates_a_record_submitted_since_the_preview(client, son_la, uploads):
    make_figures("14", 2024)
    client.force_login(son_la)
    token = token_of(upload(client, xlsx_file([row("14", htx_new=60)])))
    figures = YearlyFigures.objects.get(province__code="14", year=2024)
    figures_submit(
        figures=figures, seen_version=figures.version, by=son_la, explanation="đã kiểm tra"
    )
    before = db_state()
    response = confirm(client, token)
    assert response.status_code == 409
    content = response.content.decode()
    assert "đã được thay đổi sau khi bạn xem trước" in content
    assert "đang ở trạng thái “Đã nộp”" in content
    assert db_state() == before
    assert list(uploads.iterdir()) == []


def test_cancel_discards_the_upload(client, son_la, uploads):
    client.force_login(son_la)
    token = token_of(upload(client, xlsx_file([row("14")])))
    response = client.post(IMPORT_URL, {"cancel": "1"})
    assert response.status_code == 302
    assert list(uploads.iterdir()) == []
    assert confirm(client, token).url == IMPORT_URL
    assert not YearlyFigures.objects.exists()


def test_a_new_upload_replaces_the_waiting_one(client, son_la, uploads):
    client.force_login(son_la)
    first = token_of(upload(client, xlsx_file([row("14")])))
    second = token_of(upload(client, xlsx_file([row("14", htx_new=1)])))
    assert first != second
    assert [p.name.split("-")[1] for p in uploads.iterdir()] == [f"{second}.upload"]
    assert confirm(client, first).url == IMPORT_URL
    assert confirm(client, second).url == YEAR_URL
    assert YearlyFigures.objects.get(province__code="14", year=2024).htx_new == 1
