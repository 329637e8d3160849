import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_login_page_is_in_vietnamese(client):
    response = client.get(reverse("login"))
    assert "Đăng nhập" in response.text
    assert 'lang="vi"' in response.text


def test_a_wrong_password_is_explained(client, make_staff):
    make_staff("Sơn La", 2023, username="sonla")
    response = client.post(reverse("login"), {"username": "sonla", "password": "wrong"})
    assert response.status_code == 200
    assert "tên đăng nhập và mật khẩu" in response.text.lower()
    assert "_auth_user_id" not in client.session


def test_login_leads_home(client, make_staff):
    make_staff("Sơn La", 2023, username="sonla")
    response = client.post(reverse("login"), {"username": "sonla", "password": "pw-for-tests"})
    assert response.status_code == 302 and response.url == reverse("home")


def test_logout_is_a_post(client, make_staff):
    client.force_login(make_staff("Sơn La", 2023))
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_sessions_expire_after_inactivity(settings):
    assert settings.SESSION_COOKIE_AGE <= 60 * 60
    assert "cluster_portal.middleware.SessionRefreshMiddleware" in settings.MIDDLEWARE
    assert 0 < settings.SESSION_REFRESH_INTERVAL < settings.SESSION_COOKIE_AGE
