"""The upload page of the disbursement register: preview (a dry run), then confirm.

Personas: anonymous; a user with no alliance; Sơn La's staff; an admin.
"""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from provinces.disbursements.excel import DISBURSEMENTS_UPLOAD_MAX_BYTES
from provinces.models import ClusterMembership, Cooperative, Disbursement
from tests.disbursement_upload import URL, moc_chau, stashed, upload
from tests.test_import_disbursements import SON_LA_ROW, SON_LA_ROW_2, counts, csv_file

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("uploads_dir")]

PHU_THO_ROW = ["25", "htx_dev", "05/06/2024", "HTX Chè Long Cốc", "HTX", "100", ""]


def test_it_requires_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={URL}"


def test_it_is_for_provincial_staff_and_admins(client, admin_user):
    client.force_login(get_user_model().objects.create_user("no-alliance", password="pw"))
    assert client.get(URL).status_code == 403
    client.force_login(admin_user)
    assert client.get(URL).status_code == 200


def test_it_shows_the_upload_form_and_the_columns(client, son_la_staff):
    response = client.get(URL)
    assert response.status_code == 200
    assert 'enctype="multipart/form-data"' in response.text
    for column in ("province", "fund", "date", "borrower", "borrower_type", "amount", "purpose"):
        assert f"<code>{column}</code>" in response.text
    assert "<script>" not in response.text.replace('<script src="', "")


def test_the_preview_shows_the_rows_and_saves_nothing(client, son_la_staff, uploads_dir):
    moc_chau(son_la_staff)
    before = counts()
    response = upload(client, csv_file(SON_LA_ROW, SON_LA_ROW_2))
    assert response.status_code == 200
    assert counts() == before
    text = response.text
    assert 'data-testid="import-preview"' in text
    assert "05/06/2024" in text and "10/07/2024" in text
    assert "1.250" in text and "500,5" in text and "1.750,5" in text  # the total
    assert "Quỹ hỗ trợ phát triển HTX" in text and "Quỹ khác" in text
    assert text.count('data-testid="new-borrower"') == 1  # Tà Xùa is new, Mộc Châu known
    assert "Sơn La" in text
    assert len(stashed(uploads_dir)) == 1
    assert 'name="confirm"' in text


def test_confirming_imports_the_file_and_redirects(client, son_la_staff, uploads_dir):
    preview = upload(client, csv_file(SON_LA_ROW, SON_LA_ROW_2))
    token = preview.context["token"]
    response = client.post(URL, {"token": token, "confirm": "1"}, follow=True)
    assert response.redirect_chain[0] == (reverse("disbursements:list", args=[2024, "14"]), 302)
    assert "Đã nhập 2 khoản giải ngân, tổng 1.750,5 triệu đồng" in response.text
    disbursements = Disbursement.objects.order_by("date")
    assert [disbursement.amount for disbursement in disbursements] == [1250, 500.5]
    assert all(
        disbursement.history.get().history_user == son_la_staff for disbursement in disbursements
    )
    assert stashed(uploads_dir) == []

    # The same confirmation again imports nothing more.
    again = client.post(URL, {"token": token, "confirm": "1"}, follow=True)
    assert "Không tìm thấy tệp đang chờ xác nhận" in again.text
    assert Disbursement.objects.count() == 2


def test_a_token_from_another_session_is_refused(client, son_la_staff, make_staff):
    from django.test import Client

    preview = upload(client, csv_file(SON_LA_ROW))
    other = Client()
    other.force_login(make_staff("Sơn La", 2024, username="sonla-colleague"))
    response = other.post(URL, {"token": preview.context["token"], "confirm": "1"}, follow=True)
    assert "Không tìm thấy tệp đang chờ xác nhận" in response.text
    assert not Disbursement.objects.exists()


def test_cancelling_forgets_the_upload(client, son_la_staff, uploads_dir):
    upload(client, csv_file(SON_LA_ROW))
    response = client.post(URL, {"cancel": "1"}, follow=True)
    assert "Đã hủy: không nhập gì." in response.text
    assert stashed(uploads_dir) == []
    assert not Disbursement.objects.exists()


def test_a_bad_file_shows_every_error_and_saves_nothing(client, son_la_staff, uploads_dir):
    bad = ["14", "htx_dev", "31/02/2024", "HTX A", "HTX", "-5", ""]
    before = counts()
    response = upload(client, csv_file(SON_LA_ROW, bad))
    assert response.status_code == 400
    text = response.text
    assert 'data-testid="import-errors"' in text
    assert "Ngày “31/02/2024” không có thật" in text
    assert "Số tiền giải ngân phải lớn hơn 0." in text
    assert "Không có khoản giải ngân nào được lưu." in text
    assert 'name="confirm"' not in text
    assert counts() == before
    assert not (uploads_dir / "held-uploads").exists() or stashed(uploads_dir) == []


def test_staff_cannot_import_another_provinces_rows(client, son_la_staff):
    response = upload(client, csv_file(SON_LA_ROW, PHU_THO_ROW))
    assert response.status_code == 400
    assert "Bạn không có quyền nhập khoản vay của Liên minh HTX tỉnh Phú Thọ" in response.text
    assert not Disbursement.objects.exists()


def test_an_oversize_or_missing_file_is_refused(client, son_la_staff):
    # Over the file limit but under the request limit (a larger body is refused with 413
    # before any view runs: tests/test_hardening.py).
    big = upload(client, csv_file(SON_LA_ROW) + b"x" * (DISBURSEMENTS_UPLOAD_MAX_BYTES + 100_000))
    assert big.status_code == 400 and "vượt giới hạn 5 MB." in big.text
    empty = upload(client, b"")
    assert empty.status_code == 400 and "Tệp rỗng" in empty.text
    missing = client.post(URL, {})
    assert missing.status_code == 400 and "Chưa chọn tệp." in missing.text
    assert not Disbursement.objects.exists()


def test_the_confirmation_checks_everything_again(client, son_la_staff, uploads_dir):
    preview = upload(client, csv_file(SON_LA_ROW))
    # Between preview and confirmation Sơn La leaves the cluster for 2024.
    ClusterMembership.objects.filter(province=son_la_staff.staff_profile.province).delete()
    response = client.post(URL, {"token": preview.context["token"], "confirm": "1"})
    assert response.status_code == 409
    assert "Sơn La không là thành viên cụm thi đua nào năm 2024." in response.text
    assert not Disbursement.objects.exists() and not Cooperative.objects.exists()
    assert stashed(uploads_dir) == []


def test_the_disbursements_admin_list_links_to_the_import(admin_client):
    response = admin_client.get(reverse("admin:provinces_disbursement_changelist"))
    assert response.status_code == 200
    assert f'href="{URL}"' in response.text


def test_a_long_file_is_previewed_by_province_with_its_first_rows(client, admin_user, uploads_dir):
    from provinces.disbursements.excel import PREVIEW_ROWS

    client.force_login(admin_user)
    earlier = upload(client, csv_file(PHU_THO_ROW))
    client.post(URL, {"token": earlier.context["token"], "confirm": "1"})
    son_la = [["14", "htx_dev", "05/06/2024", f"HTX Bản {i}", "HTX", "10", ""] for i in range(120)]
    rows = [*son_la, PHU_THO_ROW, ["25", "other", "06/06/2024", "HTX Mới", "HTX", "2,5", ""]]
    response = upload(client, csv_file(*rows))
    assert response.status_code == 200
    report = response.context["report"]
    shown = [row.row for row in report.shown_rows]
    # The first rows, then the possible duplicate far down the file (row 122).
    assert shown == [*range(2, 2 + PREVIEW_ROWS), 122]
    html = response.text
    assert html.count("<tr data-row=") == PREVIEW_ROWS + 1
    assert "có thể trùng" in html
    assert html.count('data-testid="preview-more"') == 1
    assert "21 dòng còn lại đều hợp lệ" in html  # 122 rows - 101 shown
    totals = html.split('data-testid="preview-by-province"', 1)[1].split("</table>", 1)[0]
    son_la_line = totals.split('data-province="14"', 1)[1].split("</tr>", 1)[0]
    phu_tho_line = totals.split('data-province="25"', 1)[1].split("</tr>", 1)[0]
    cells = [c.split(">", 1)[1].split("<", 1)[0] for c in son_la_line.split('class="num"')[1:]]
    assert cells == ["120", "1.200", "120"]  # disbursements, million VND, new borrowers
    cells = [c.split(">", 1)[1].split("<", 1)[0] for c in phu_tho_line.split('class="num"')[1:]]
    assert cells == ["2", "102,5", "1"]
    assert "Xác nhận nhập 122 khoản giải ngân" in html


def test_the_confirmation_checks_the_held_rows_without_reading_the_file(
    client, son_la_staff, uploads_dir, monkeypatch
):
    from provinces.spreadsheets import pipeline

    preview = upload(client, csv_file(SON_LA_ROW, SON_LA_ROW_2))
    [held] = stashed(uploads_dir)
    assert b"HTX Ch\xc3\xa8 T\xc3\xa0 X\xc3\xb9a" in held.read_bytes()  # the rows, as read

    def no_second_reading(**kwargs):
        raise AssertionError("the confirmation read the file again")

    monkeypatch.setattr(pipeline, "read_table", no_second_reading)
    response = client.post(URL, {"token": preview.context["token"], "confirm": "1"})
    assert response.status_code == 302
    assert Disbursement.objects.count() == 2


def test_a_damaged_held_table_is_refused_on_confirmation(client, son_la_staff, uploads_dir):
    preview = upload(client, csv_file(SON_LA_ROW))
    [held] = stashed(uploads_dir)
    held.write_bytes(b"not the held table")
    response = client.post(URL, {"token": preview.context["token"], "confirm": "1"}, follow=True)
    assert "Không tìm thấy tệp đang chờ xác nhận" in response.text
    assert not Disbursement.objects.exists()


def test_a_file_wrong_on_every_row_lists_the_first_errors_and_counts_them_all(client, son_la_staff):
    from provinces.spreadsheets.pipeline import ERRORS_SHOWN

    bad = [["14", "htx_dev", "05/06/2024", f"HTX {i}", "HTX", "-5", ""] for i in range(250)]
    bad[100][1] = "quy_xyz"  # one more error, in another column
    response = upload(client, csv_file(*bad))
    assert response.status_code == 400
    html = response.text
    errors = html.split('data-testid="import-errors"', 1)[1].split("</table>", 1)[0]
    assert errors.count("<tr>") == 1 + ERRORS_SHOWN  # the header and the first errors
    summary = errors.split('data-testid="errors-by-column"', 1)[1].split("</ul>", 1)[0]
    assert "<code>fund</code>" in summary and "<code>amount</code>" in summary
    assert "250 lỗi" in summary and "1 lỗi" in summary
    assert "đầu tiên ở dòng 102: Quỹ “quy_xyz” không hợp lệ" in summary
    assert "Tệp so-giai-ngan.csv có 251 lỗi" in html
    assert not Disbursement.objects.exists()
