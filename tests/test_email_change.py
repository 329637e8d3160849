"""E-mail address changes (provinces/notices/account.py): limited per user and hour, each
request making the older links useless, the old address told of the change."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from provinces.notices.account import EMAIL_CHANGES_PER_HOUR
from provinces.notices.models import EmailChangeRequest

pytestmark = pytest.mark.django_db


@pytest.fixture
def sonla(make_staff):
    user = make_staff("Sơn La", 2024, username="sonla")
    user.email = "a@example.org"
    user.save()
    return user


def ask(client, email: str):
    return client.post(reverse("notices:email-change"), {"email": email})


def link_in(message) -> str:
    return re.search(r"http://127\.0\.0\.1:8000(/account/email/confirm/\S+/)", message.body)[1]


def email_of(user) -> str:
    user.refresh_from_db()
    return user.email


def test_thirty_requests_in_a_row_send_three_mails(client, sonla):
    client.force_login(sonla)
    answers = [ask(client, f"x{i}@example.org").status_code for i in range(30)]
    assert answers == [302] * EMAIL_CHANGES_PER_HOUR + [429] * (30 - EMAIL_CHANGES_PER_HOUR)
    assert EMAIL_CHANGES_PER_HOUR == 3
    assert [m.to for m in mail.outbox] == [[f"x{i}@example.org"] for i in range(3)]
    assert EmailChangeRequest.objects.filter(user=sonla).count() == 3  # refusals are not rows


def test_the_refusal_says_why_and_when_to_try_again(client, sonla):
    client.force_login(sonla)
    for i in range(3):
        ask(client, f"x{i}@example.org")
    response = ask(client, "x3@example.org")
    assert response.status_code == 429
    assert (
        "Bạn đã yêu cầu đổi địa chỉ thư 3 lần trong một giờ qua, mức tối đa. "
        "Hãy thử lại sau 60 phút." in response.text
    )
    EmailChangeRequest.objects.filter(email="x0@example.org").update(
        requested_at=EmailChangeRequest.objects.get(email="x0@example.org").requested_at
        - timedelta(minutes=45)
    )
    assert "Hãy thử lại sau 15 phút." in ask(client, "x3@example.org").text


def test_the_refusal_is_in_english_too(client, sonla):
    client.force_login(sonla)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    for i in range(3):
        ask(client, f"x{i}@example.org")
    response = ask(client, "x3@example.org")
    assert (
        "You have asked to change your e-mail address 3 times in the past hour, the most "
        "allowed. Try again in 60 minutes." in response.text
    )


def test_after_an_hour_a_user_may_ask_again(client, sonla):
    client.force_login(sonla)
    for i in range(3):
        ask(client, f"x{i}@example.org")
    EmailChangeRequest.objects.update(requested_at=EmailChangeRequest.objects.get(
        email="x0@example.org").requested_at - timedelta(minutes=61))  # fmt: skip
    assert ask(client, "x3@example.org").status_code == 302
    assert len(mail.outbox) == 4


def test_the_limit_is_each_users_own(client, sonla, make_staff):
    client.force_login(sonla)
    for i in range(4):
        ask(client, f"x{i}@example.org")
    client.force_login(make_staff("Lào Cai", 2024, username="laocai"))
    assert ask(client, "laocai@example.org").status_code == 302


def test_a_new_request_makes_the_older_link_useless(client, sonla):
    client.force_login(sonla)
    ask(client, "b@example.org")
    ask(client, "c@example.org")
    for_b, for_c = (link_in(message) for message in mail.outbox)
    response = client.get(for_b, follow=True)
    assert "đã được thay bằng một yêu cầu đổi địa chỉ mới hơn" in response.text
    assert email_of(sonla) == "a@example.org"
    client.get(for_c)
    assert email_of(sonla) == "c@example.org"


def test_a_to_b_to_a_leaves_the_first_link_for_b_useless(client, sonla):
    client.force_login(sonla)
    ask(client, "b@example.org")
    for_b = link_in(mail.outbox[-1])
    client.get(for_b)
    assert email_of(sonla) == "b@example.org"
    ask(client, "a@example.org")
    client.get(link_in(mail.outbox[-1]))
    assert email_of(sonla) == "a@example.org"
    response = client.get(for_b, follow=True)  # signed while the address was A, as now
    assert email_of(sonla) == "a@example.org"
    assert "đã được thay bằng một yêu cầu đổi địa chỉ mới hơn" in response.text


def test_a_link_works_once(client, sonla):
    client.force_login(sonla)
    ask(client, "b@example.org")
    link = link_in(mail.outbox[-1])
    client.get(link)
    response = client.get(link, follow=True)
    assert "đã được dùng" in response.text and email_of(sonla) == "b@example.org"


def test_the_old_address_is_told_of_the_change(client, sonla, django_capture_on_commit_callbacks):
    client.force_login(sonla)
    ask(client, "b@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(link_in(mail.outbox[-1]), follow=True)
    assert "Địa chỉ thư điện tử của bạn nay là b@example.org" in response.text
    told = mail.outbox[-1]
    assert told.to == ["a@example.org"]
    assert told.subject == "[Cụm thi đua] Địa chỉ thư điện tử của tài khoản đã được đổi"
    assert "từ a@example.org sang b@example.org" in told.body
    assert "báo ngay cho quản trị viên" in told.body
    assert "b@example.org" in told.alternatives[0][0]


def test_nobody_is_told_when_there_was_no_old_address(
    client, make_staff, django_capture_on_commit_callbacks
):
    user = make_staff("Điện Biên", 2024, username="dienbien")
    client.force_login(user)
    ask(client, "db@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        client.get(link_in(mail.outbox[-1]))
    assert email_of(user) == "db@example.org"
    assert [m.to for m in mail.outbox] == [["db@example.org"]]


def test_an_address_changed_by_an_admin_meanwhile_voids_the_link(client, sonla):
    client.force_login(sonla)
    ask(client, "b@example.org")
    sonla.email = "set-by-admin@example.org"
    sonla.save()
    response = client.get(link_in(mail.outbox[-1]), follow=True)
    assert "đã đổi sau đó" in response.text
    assert email_of(sonla) == "set-by-admin@example.org"
