"""The chair's settings page of the report document: who may open it, what it saves, and
that a concurrent save is refused with nothing typed lost."""

import pytest
from django.urls import reverse

from emulation.models import ReportSettings
from provinces.models import Cluster

pytestmark = pytest.mark.django_db

URL = reverse("reports:settings", args=["tay-bac", 2023])
GOOD = {
    "number": "5",
    "symbol": "CTĐ-TB",
    "document_date": "30/11/2023",
    "place": "Phú Thọ",
    "signer_title": "Chủ tịch",
    "signer_name": "Nguyễn Quốc Dũng",
    "recipients": "Liên minh HTX Việt Nam;\nLưu: VT.",
    "seen_version": "0",  # the page shows 0 before the settings are first saved
}


class TestWhoMayOpenIt:
    def test_anonymous_is_sent_to_login(self, client):
        response = client.get(URL)
        assert response.status_code == 302 and "/accounts/login/" in response.url

    def test_staff_of_another_cluster_get_404(self, client, make_staff):
        client.force_login(make_staff("Cao Bằng", 2025))
        assert client.get(URL).status_code == 404

    def test_staff_of_a_member_get_403(self, client, make_staff):
        client.force_login(make_staff("Sơn La", 2023))
        page = client.get(reverse("reports:page", args=["tay-bac", 2023]))
        assert page.status_code == 200 and URL not in page.text  # no link to what is refused
        assert client.get(URL).status_code == 403
        assert client.post(URL, GOOD).status_code == 403
        assert not ReportSettings.objects.exists()

    def test_the_chair_of_the_year_edits(self, client, make_staff):
        client.force_login(make_staff("Phú Thọ", 2023))
        page = client.get(reverse("reports:page", args=["tay-bac", 2023]))
        assert URL in page.text
        assert client.get(URL).status_code == 200
        response = client.post(URL, GOOD)
        assert response.status_code == 302
        saved = ReportSettings.objects.get()
        assert saved.number_line == "Số: 05/BC-CTĐ-TB" and saved.version == 1
        assert saved.history.count() == 1

    def test_an_admin_edits(self, client, admin_user):
        client.force_login(admin_user)
        assert client.get(URL).status_code == 200
        assert client.post(URL, GOOD).status_code == 302

    def test_the_chair_of_another_year_gets_403(self, client, make_staff):
        client.force_login(make_staff("Lào Cai", 2023))  # head of 2024, vice of 2023
        assert client.get(URL).status_code == 403


def test_a_second_save_on_an_old_version_is_refused_and_keeps_what_was_typed(client, admin_user):
    client.force_login(admin_user)
    client.post(URL, GOOD)
    settings = ReportSettings.objects.get()
    client.post(URL, {**GOOD, "number": "6", "seen_version": str(settings.version)})
    response = client.post(
        URL, {**GOOD, "signer_name": "Người sửa sau", "seen_version": str(settings.version)}
    )
    assert response.status_code == 409
    assert "sau khi bạn mở biểu mẫu" in response.text
    assert 'value="Người sửa sau"' in response.text
    assert ReportSettings.objects.get().number == 6


@pytest.mark.parametrize(
    "field, value",
    [
        ("document_date", "2023-11-30"),
        ("document_date", "31/02/2023"),
        ("document_date", "01/01/2030"),
        ("number", "-1"),
        ("number", "99999"),
        ("number", "abc"),
        ("symbol", "x" * 200),
    ],
)
def test_bad_input_is_refused_with_a_message_not_an_error_page(client, admin_user, field, value):
    client.force_login(admin_user)
    response = client.post(URL, {**GOOD, field: value})
    assert response.status_code == 400
    assert "Thiết lập chưa được lưu" in response.text
    assert not ReportSettings.objects.exists()


def test_the_page_shows_the_conference_defaults(client, demo_data, admin_user):
    client.force_login(admin_user)
    text = client.get(URL).text
    assert "Nguyễn Quốc Dũng" in text and "Chủ tịch" in text
    assert Cluster.objects.filter(slug="tay-bac").exists()
