"""Password reset: linked from the login page, every step in the portal's own look (not
Django admin's), in Vietnamese and in English."""

import re

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

pytestmark = pytest.mark.django_db

PORTAL_LOOK = 'class="navbar navbar-expand-md navbar-dark portal-navbar"'
ADMIN_LOOK = ("admin/css/", "Django administration", "Quản trị website Django", 'id="header"')


@pytest.fixture
def sonla(make_staff):
    user = make_staff("Sơn La", 2024, username="sonla")
    user.email = "sonla@demo.invalid"
    user.save()
    return user


def in_portal_look(response) -> bool:
    text = response.text
    return PORTAL_LOOK in text and not any(mark in text for mark in ADMIN_LOOK)


def reset_link(client, email: str) -> str:
    client.post(reverse("password_reset"), {"email": email})
    (message,) = mail.outbox
    return re.search(r"http://testserver(/accounts/reset/\S+)", message.body).group(1)


def test_the_login_page_links_to_it(client):
    response = client.get(reverse("login"))
    assert f'href="{reverse("password_reset")}"' in response.text
    assert "Quên mật khẩu?" in response.text


def test_a_user_sets_a_new_password_through_the_mailed_link(client, sonla):
    form = client.get(reverse("password_reset"))
    assert form.status_code == 200 and in_portal_look(form)
    assert "Gửi đường dẫn đặt lại mật khẩu" in form.text

    done = client.post(reverse("password_reset"), {"email": "SonLa@demo.invalid"}, follow=True)
    assert in_portal_look(done) and "Hãy kiểm tra hộp thư" in done.text
    (message,) = mail.outbox
    assert message.to == ["sonla@demo.invalid"]
    assert message.subject == "[Cụm thi đua] Đặt lại mật khẩu"
    assert message.body.startswith("Kính gửi sonla,")
    assert "tài khoản sonla" in message.body and "ba ngày" in message.body

    path = re.search(r"http://testserver(/accounts/reset/\S+)", message.body).group(1)
    confirm = client.get(path, follow=True)
    assert in_portal_look(confirm) and 'name="new_password1"' in confirm.text
    new = {"new_password1": "mới-và-dài-2026", "new_password2": "mới-và-dài-2026"}
    complete = client.post(confirm.redirect_chain[-1][0], new, follow=True)
    assert in_portal_look(complete) and "Đã đặt mật khẩu mới" in complete.text

    signed_in = client.post(reverse("login"), {"username": "sonla", "password": "mới-và-dài-2026"})
    assert signed_in.status_code == 302 and signed_in.url == reverse("home")


def test_the_link_says_so_when_it_no_longer_works(client, sonla):
    path = reset_link(client, "sonla@demo.invalid")
    client.get(path, follow=True)
    sonla.set_password("changed-meanwhile-2026")
    sonla.save()  # the token covers the password: it is now spent
    response = client.get(path, follow=True)
    assert in_portal_look(response)
    assert "không còn dùng được" in response.text and 'name="new_password1"' not in response.text
    assert f'href="{reverse("password_reset")}"' in response.text


def test_an_unknown_address_sends_nothing_and_says_the_same(client, sonla):
    response = client.post(reverse("password_reset"), {"email": "ai@example.org"}, follow=True)
    assert "Hãy kiểm tra hộp thư" in response.text and mail.outbox == []


def test_the_mail_promises_what_the_setting_does():
    assert settings.PASSWORD_RESET_TIMEOUT == 3 * 24 * 60 * 60  # "ba ngày" in the mail


def test_every_step_is_in_english_too(client, sonla):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Forgot your password?" in client.get(reverse("login")).text
    form = client.get(reverse("password_reset"))
    assert 'lang="en"' in form.text and "Send the password reset link" in form.text
    done = client.post(reverse("password_reset"), {"email": "sonla@demo.invalid"}, follow=True)
    assert "Check your inbox" in done.text
    (message,) = mail.outbox
    assert message.subject == "[Emulation cluster] Password reset"
    assert "for the account sonla" in message.body
    path = re.search(r"http://testserver(/accounts/reset/\S+)", message.body).group(1)
    confirm = client.get(path, follow=True)
    assert "Set a new password" in confirm.text
    new = {"new_password1": "new-and-long-2026", "new_password2": "new-and-long-2026"}
    complete = client.post(confirm.redirect_chain[-1][0], new, follow=True)
    assert "Your password has been changed" in complete.text
