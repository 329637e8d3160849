"""Notices on Zalo (issue 27): ZNS template messages to a confirmed Vietnamese mobile
number, beside e-mail, each notice's message recorded once and sent once, against a local
fake ZNS (tests/fake_zns.py): a wrong token, a rate limit, a refused template, a timeout."""

import datetime
import re
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from provinces.figures.services import figures_return, figures_submit
from provinces.models import FiguresStatus, Notice
from provinces.notices.models import Channel, EmailState, NoticeKind, NoticePreference, ZaloState
from provinces.notices.phone import PhoneError, normalised, shown
from provinces.notices.services import NoticeDraft, notice_create
from provinces.notices.zalo import MAX_ATTEMPTS, zalo_retry, zalo_send
from tests.calendar_helpers import make_deadlines
from tests.factories import make_figures

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("immediate_tasks")]


def on_zalo(user, channel=Channel.BOTH, phone="84912345678"):
    NoticePreference.objects.update_or_create(
        user=user,
        defaults={"channel": channel, "phone": phone, "phone_confirmed_at": timezone.now()},
    )
    return user


@pytest.fixture
def sonla(make_staff):
    user = make_staff("Sơn La", 2024, username="sonla")
    user.email, user.first_name = "sonla@example.org", "Lò Văn A"
    user.save()
    return user


def told(user, key="k") -> Notice:
    return notice_create(
        recipient=user,
        draft=NoticeDraft(
            key=key, kind=NoticeKind.FIGURES_RETURNED, subject="Số liệu bị trả lại", body="Lý do"
        ),
    )


# --- Phone numbers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("0912 345 678", "84912345678"),
        ("+84 912-345-678", "84912345678"),
        ("84 386 123 456", "84386123456"),
        ("0707.123.456", "84707123456"),
    ],
)
def test_vietnamese_mobile_numbers_are_accepted_as_zns_writes_them(typed, stored):
    assert normalised(typed) == stored
    assert shown(stored).replace(" ", "") == "0" + stored[2:]


@pytest.mark.parametrize(
    "typed", ["0241 234 5678", "0123456789", "091234567", "09123456789", "abc", "", "0612345678"]
)
def test_anything_else_is_refused_with_the_reason(typed):
    with pytest.raises(PhoneError, match="không phải số di động Việt Nam"):
        normalised(typed)


def test_a_number_is_confirmed_with_the_code_sent_on_zalo(client, sonla, zns):
    client.force_login(sonla)
    page = reverse("notices:preferences")
    refused = client.post(page, {"delivery": "immediate", "channel": "zalo"})
    assert refused.status_code == 400
    assert "Hãy xác nhận số điện thoại Zalo" in refused.content.decode()

    assert client.post(reverse("notices:phone-start"), {"phone": "0912 345 678"}).status_code == 302
    (otp,) = zns.taken
    assert otp["phone"] == "84912345678" and otp["template_id"] == "305678"
    code = otp["template_data"]["otp"]
    assert re.fullmatch(r"\d{6}", code)
    assert NoticePreference.objects.get(user=sonla).phone_code_hash != code  # kept hashed

    wrong = "000000" if code != "000000" else "111111"
    response = client.post(reverse("notices:phone-confirm"), {"code": wrong})
    assert response.status_code == 400 and "Mã xác nhận không đúng" in response.content.decode()
    assert NoticePreference.objects.get(user=sonla).phone_code_tries == 1
    assert client.post(reverse("notices:phone-confirm"), {"code": code}).status_code == 302
    preference = NoticePreference.objects.get(user=sonla)
    assert preference.phone == "84912345678" and preference.phone_confirmed_at
    assert client.post(page, {"delivery": "immediate", "channel": "zalo"}).status_code == 302
    assert NoticePreference.objects.get(user=sonla).channel == Channel.ZALO


def test_a_bad_number_and_too_many_wrong_codes_are_refused(client, sonla, zns):
    client.force_login(sonla)
    response = client.post(reverse("notices:phone-start"), {"phone": "0241 234 5678"})
    assert response.status_code == 400 and "không phải số di động" in response.content.decode()
    assert zns.calls == []
    client.post(reverse("notices:phone-start"), {"phone": "0912345678"})
    code = zns.taken[0]["template_data"]["otp"]
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        client.post(reverse("notices:phone-confirm"), {"code": wrong})
    response = client.post(reverse("notices:phone-confirm"), {"code": code})
    assert "quá 5 lần" in response.content.decode()
    assert not NoticePreference.objects.get(user=sonla).phone_confirmed_at
    again = client.post(reverse("notices:phone-start"), {"phone": "0912345678"})
    assert "đợi một phút" in again.content.decode()


def test_zalo_is_off_by_default(client, sonla, settings):
    assert settings.ZALO_ENABLED is False
    on_zalo(sonla)
    told(sonla)
    assert not Notice.objects.filter(zalo__isnull=False).exists()
    client.force_login(sonla)
    page = client.get(reverse("notices:preferences")).content.decode()
    assert "Cổng chưa bật gửi tin Zalo" in page


# --- Each notice once ------------------------------------------------------------------------


def test_a_returned_record_reaches_zalo_once_with_the_templates_parameters(
    make_staff, sonla, zns, django_capture_on_commit_callbacks
):
    on_zalo(sonla)
    chair = make_staff("Lào Cai", 2024, username="laocai")
    figures = make_figures("14", 2024)
    with django_capture_on_commit_callbacks(execute=True):
        figures = figures_submit(figures=figures, seen_version=figures.version, by=sonla)
    with django_capture_on_commit_callbacks(execute=True):
        figures_return(figures=figures, seen_version=figures.version, by=chair, reason="Xem lại")
    (message,) = zns.taken
    notice = Notice.objects.get(recipient=sonla)
    assert message["phone"] == "84912345678" and message["template_id"] == "301234"
    assert message["tracking_id"] == f"notice-{notice.pk}"
    data = message["template_data"]
    assert data["ten"] == "Lò Văn A" and data["tieu_de"] == notice.subject
    assert data["duong_dan"].endswith("/figures/2024/14/")
    assert notice.zalo.state == ZaloState.SENT and notice.zalo.msg_id == "msg-1"
    assert len(mail.outbox) == 1  # both channels: the e-mail too
    assert zalo_retry() == 0 and zalo_send(notice_id=notice.pk) is False
    assert len(zns.calls) == 1


def test_zalo_only_sends_no_mail(sonla, zns):
    on_zalo(sonla, channel=Channel.ZALO)
    notice = told(sonla)
    assert notice.email_state == EmailState.NONE
    assert zalo_send(notice_id=notice.pk) and len(zns.taken) == 1


@pytest.mark.parametrize("mode", ["bad_token", "rate_limit", "http_429"])
def test_a_refusal_that_passes_leaves_the_notice_waiting_then_sends_it_once(sonla, zns, mode):
    on_zalo(sonla)
    notice = told(sonla)
    zns.modes = [mode]
    assert zalo_send(notice_id=notice.pk) is False
    notice.zalo.refresh_from_db()
    assert notice.zalo.state == ZaloState.PENDING and notice.zalo.attempts == 1
    assert notice.zalo.error  # the reason, for the admin
    assert zalo_retry() == 1 and zalo_retry() == 0
    assert len(zns.taken) == 1
    notice.zalo.refresh_from_db()
    assert notice.zalo.state == ZaloState.SENT and notice.zalo.error == ""


def test_a_wrong_token_is_retried_until_it_is_fixed(sonla, zns, settings):
    on_zalo(sonla)
    notice = told(sonla)
    settings.ZALO_ACCESS_TOKEN = "expired"
    assert zalo_send(notice_id=notice.pk) is False
    notice.zalo.refresh_from_db()
    assert "-124" in notice.zalo.error and notice.zalo.state == ZaloState.PENDING
    settings.ZALO_ACCESS_TOKEN = zns.token
    assert zalo_retry() == 1 and len(zns.taken) == 1


def test_a_refused_template_fails_for_good(sonla, zns):
    on_zalo(sonla)
    notice = told(sonla)
    zns.modes = ["template_refused"]
    assert zalo_send(notice_id=notice.pk) is False
    notice.zalo.refresh_from_db()
    assert notice.zalo.state == ZaloState.FAILED and "-131" in notice.zalo.error
    assert zalo_retry() == 0 and zns.taken == []


def test_a_timeout_after_the_hand_over_awaits_zalos_report_and_is_not_sent_twice(sonla, zns):
    on_zalo(sonla)
    notice = told(sonla)
    zns.modes, zns.stall_seconds = ["stall"], 1.5
    assert zalo_send(notice_id=notice.pk) is False
    notice.zalo.refresh_from_db()
    assert notice.zalo.state == ZaloState.AWAITING and "có thể đã đi" in notice.zalo.error
    assert zalo_retry() == 0  # before ZALO_REPORT_WAIT (the rest: tests/test_zalo_reports.py)
    assert len(zns.taken) == 1  # ZNS kept the one it stalled on; nothing more


def test_no_connection_waits_and_the_next_run_sends(sonla, zns, settings):
    on_zalo(sonla)
    notice = told(sonla)
    settings.ZALO_API_URL = "http://127.0.0.1:9/message/template"  # nothing listens
    assert zalo_send(notice_id=notice.pk) is False
    notice.zalo.refresh_from_db()
    assert notice.zalo.state == ZaloState.PENDING and "Không kết nối được Zalo" in notice.zalo.error
    settings.ZALO_API_URL = zns.url
    assert zalo_retry() == 1 and len(zns.taken) == 1


def test_a_message_that_keeps_failing_stops_after_the_last_attempt(sonla, zns):
    on_zalo(sonla)
    notice = told(sonla)
    zns.modes = ["rate_limit"] * MAX_ATTEMPTS
    for _ in range(MAX_ATTEMPTS):
        zalo_retry()
    notice.zalo.refresh_from_db()
    assert notice.zalo.state == ZaloState.FAILED and notice.zalo.attempts == MAX_ATTEMPTS
    assert zalo_retry() == 0 and zns.taken == []


def test_reminders_reach_zalo_once_and_a_rerun_sends_nothing_new(make_staff, sonla, zns):
    make_deadlines("tay-bac", 2024, figures_due=datetime.date(2025, 1, 15))
    for code in ("10", "11", "12", "15", "17", "25"):
        make_figures(code, 2024, status=FiguresStatus.SUBMITTED)
    on_zalo(sonla)
    for _ in range(2):
        call_command("send_reminders", "--today", "2025-01-08", stdout=StringIO())
    reminders = [m for m in zns.taken if m["template_data"]["tieu_de"].startswith("Nhắc")]
    assert len(zns.taken) == 1 and reminders == zns.taken
    assert Notice.objects.get(recipient=sonla).zalo.state == ZaloState.SENT


def test_admins_see_a_failed_zalo_message_and_resend_it(client, admin_user, sonla, zns):
    on_zalo(sonla)
    notice = told(sonla)
    zns.modes = ["template_refused"]
    zalo_send(notice_id=notice.pk)
    client.force_login(admin_user)
    listing = client.get(reverse("admin:provinces_zalomessage_changelist"))
    assert "-131" in listing.content.decode()
    client.post(
        reverse("admin:provinces_zalomessage_changelist"),
        {"action": "resend_zalo", "_selected_action": [notice.zalo.pk]},
    )
    notice.zalo.refresh_from_db()
    assert notice.zalo.state == ZaloState.SENT and len(zns.taken) == 1
