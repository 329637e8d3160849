"""Confirming a Zalo number (provinces/notices/phone.py, issue 27): the code expires after
ten minutes, five wrong codes stop it until a new one is sent, the number confirmed is the
one the code went to even when another request lands meanwhile, a code that could not be
sent is not waited for, and nobody (not even an admin) sets a number without its code."""

import datetime
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from provinces.notices import phone as phone_module
from provinces.notices.models import NoticePreference
from provinces.notices.phone import (
    CODE_LIFETIME,
    MAX_TRIES,
    RESEND_AFTER,
    PhoneError,
    phone_code_confirm,
    phone_code_start,
)
from provinces.notices.zalo import confirmed_phone

pytestmark = pytest.mark.django_db


class Outbox:
    """The OTP sender: keeps the codes it was given (ZNS's part is tests/test_zalo_notices)."""

    def __init__(self):
        self.codes: list[tuple[str, str]] = []

    def __call__(self, phone: str, code: str) -> None:
        self.codes.append((phone, code))

    @property
    def code(self) -> str:
        return self.codes[-1][1]


@pytest.fixture
def user(make_staff):
    return make_staff("Sơn La", 2024, username="sonla")


def start(user, number="0912345678") -> Outbox:
    outbox = Outbox()
    phone_code_start(user=user, number=number, send=outbox)
    return outbox


def wrong(code: str) -> str:
    return "000000" if code != "000000" else "111111"


def sent_ago(user, delta: datetime.timedelta) -> None:
    NoticePreference.objects.filter(user=user).update(phone_code_sent_at=timezone.now() - delta)


def preference(user) -> NoticePreference:
    return NoticePreference.objects.get(user=user)


def test_a_code_works_until_it_expires(user):
    outbox = start(user)
    sent_ago(user, CODE_LIFETIME + datetime.timedelta(seconds=5))
    with pytest.raises(PhoneError, match="hết hạn"):
        phone_code_confirm(user=user, code=outbox.code)
    assert preference(user).phone_confirmed_at is None

    again = start(user)  # a new code (the minute between two codes is over)
    sent_ago(user, CODE_LIFETIME - datetime.timedelta(seconds=30))
    assert phone_code_confirm(user=user, code=again.code) == "84912345678"
    assert preference(user).phone_confirmed_at is not None


def test_wrong_codes_are_counted_and_a_new_code_starts_the_count_again(user):
    outbox = start(user)
    for tries in range(1, MAX_TRIES + 1):
        with pytest.raises(PhoneError, match="không đúng"):
            phone_code_confirm(user=user, code=wrong(outbox.code))
        assert preference(user).phone_code_tries == tries
    with pytest.raises(PhoneError, match="quá 5 lần"):
        phone_code_confirm(user=user, code=outbox.code)
    sent_ago(user, RESEND_AFTER)
    again = start(user)
    assert preference(user).phone_code_tries == 0
    with pytest.raises(PhoneError, match="không đúng"):
        phone_code_confirm(user=user, code=outbox.code)  # the old code is gone
    assert phone_code_confirm(user=user, code=again.code) == "84912345678"
    assert preference(user).phone_code_tries == 0


@pytest.mark.parametrize(
    ("meanwhile", "why"),
    [
        ({"pending_phone": "84987654321"}, "a new number asked for"),
        ({"pending_phone": "", "phone_code_hash": ""}, "the same code confirmed twice"),
    ],
)
def test_the_number_confirmed_is_the_one_its_code_went_to(user, meanwhile, why):
    """Another request changes the row just after the code is checked: the number
    confirmed is still the one the code was sent to, never another or none."""
    outbox = start(user)
    check = phone_module.check_password

    def check_then_another_request(code, encoded):
        right = check(code, encoded)
        NoticePreference.objects.filter(user=user).update(**meanwhile)
        return right

    with mock.patch.object(phone_module, "check_password", check_then_another_request):
        assert phone_code_confirm(user=user, code=outbox.code) == "84912345678", why
    stored = preference(user)
    assert stored.phone == "84912345678" and stored.phone_confirmed_at is not None


def test_a_new_number_replaces_the_confirmed_one_only_once_its_code_is_typed(user):
    phone_code_confirm(user=user, code=start(user, "0912345678").code)
    sent_ago(user, RESEND_AFTER)
    outbox = start(user, "0987 654 321")
    stored = preference(user)
    assert confirmed_phone(stored) == "84912345678" and stored.pending_phone == "84987654321"
    phone_code_confirm(user=user, code=outbox.code)
    stored = preference(user)
    assert (confirmed_phone(stored), stored.pending_phone) == ("84987654321", "")


def test_a_code_that_could_not_be_sent_is_not_waited_for(user):
    def refused(phone, code):
        raise PhoneError("Không gửi được mã qua Zalo: ZNS -118")

    with pytest.raises(PhoneError, match="-118"):
        phone_code_start(user=user, number="0912345678", send=refused)
    stored = preference(user)
    assert stored.pending_phone == "" and stored.phone_code_hash == ""
    with pytest.raises(PhoneError, match="Chưa có số nào chờ xác nhận"):
        phone_code_confirm(user=user, code="123456")
    with pytest.raises(PhoneError, match="đợi một phút"):  # ZNS is not asked again at once
        start(user)


def test_an_admin_cannot_set_a_number_without_its_code(client, admin_user, user):
    NoticePreference.objects.create(user=user)
    client.force_login(admin_user)
    url = reverse("admin:provinces_noticepreference_change", args=[preference(user).pk])
    response = client.post(
        url,
        {
            "user": user.pk,
            "delivery": "immediate",
            "channel": "zalo",
            "phone": "84912345678",
            "phone_confirmed_at_0": "01/01/2025",
            "phone_confirmed_at_1": "10:00:00",
        },
    )
    assert response.status_code == 302
    stored = preference(user)
    assert stored.channel == "zalo"  # the choice is the admin's to change
    assert stored.phone == "" and stored.phone_confirmed_at is None
