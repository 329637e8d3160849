"""`manage.py send_reminders`: 7 days and 1 day before a deadline and once when overdue, to
those who still owe something; idempotent; digest and mute."""

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from provinces.models import FiguresStatus, Notice
from provinces.notices.models import Delivery, EmailState, NoticeKind, NoticePreference
from tests.calendar_helpers import make_deadlines
from tests.factories import make_figures

pytestmark = pytest.mark.django_db

DUE = datetime.date(2025, 1, 15)


@pytest.fixture
def year(make_staff):
    """Tây Bắc 2024, figures due 15/01/2025; every member but Sơn La has submitted."""
    make_deadlines("tay-bac", 2024, figures_due=DUE)
    for code in ("10", "11", "12", "15", "17", "25"):
        make_figures(code, 2024, status=FiguresStatus.SUBMITTED)
    sonla = make_staff("Sơn La", 2024, username="sonla")
    sonla.email = "sonla@example.org"
    sonla.save()
    return {
        "sonla": sonla,
        "chair": make_staff("Lào Cai", 2024, username="laocai"),
        "dienbien": make_staff("Điện Biên", 2024, username="dienbien"),
    }


def run(day: str, *extra) -> str:
    out = StringIO()
    call_command("send_reminders", "--today", day, *extra, stdout=out)
    return out.getvalue()


def reminders(user) -> list[str]:
    return list(
        Notice.objects.filter(recipient=user, kind__in=[NoticeKind.REMINDER, NoticeKind.OVERDUE])
        .order_by("pk")
        .values_list("subject", flat=True)
    )


def test_seven_days_before_tells_who_still_owes(year):
    assert "Đã gửi 1 thông báo nhắc hạn" in run("2025-01-08")
    assert reminders(year["sonla"]) == ["Nhắc hạn: Nhập số liệu năm 2024 của Sơn La"]
    assert reminders(year["dienbien"]) == [] and reminders(year["chair"]) == []
    assert "còn 7 ngày (hạn 15/01/2025)" in Notice.objects.get().body
    (message,) = mail.outbox
    assert message.to == ["sonla@example.org"] and "còn 7 ngày" in message.body


def test_a_second_run_the_same_day_sends_nothing(year):
    run("2025-01-08")
    output = run("2025-01-08")
    assert "Đã gửi 0 thông báo nhắc hạn; 0 thư gửi ngay" in output
    assert Notice.objects.count() == 1 and len(mail.outbox) == 1


def test_seven_days_one_day_and_once_overdue_over_the_days(year):
    sent = {day: run(day) for day in ("2025-01-07", "2025-01-08", "2025-01-10")}
    assert "Đã gửi 0" in sent["2025-01-07"]  # 8 days before: nothing yet
    assert "Đã gửi 1" in sent["2025-01-08"] and "Đã gửi 0" in sent["2025-01-10"]
    assert "Đã gửi 1" in run("2025-01-14")  # the day before
    assert "Đã gửi 0" in run("2025-01-15")  # the due day itself: already told yesterday
    assert "Đã gửi 1" in run("2025-01-16")  # overdue, once
    assert "Đã gửi 0" in run("2025-01-30")
    assert [s.split(":")[0] for s in reminders(year["sonla"])] == [
        "Nhắc hạn",
        "Nhắc hạn",
        "Quá hạn",
    ]


def test_a_timer_that_missed_days_catches_up_with_one_reminder(year):
    assert "Đã gửi 1" in run("2025-01-12")  # the 7-day window, late
    assert "còn 3 ngày" in Notice.objects.get().body


def test_a_due_today_deadline_gets_the_last_day_reminder(year):
    run("2025-01-15")
    assert "hôm nay là hạn cuối" in Notice.objects.get().body


def test_nothing_once_the_figures_are_submitted(year):
    make_figures("14", 2024, status=FiguresStatus.SUBMITTED)
    assert "Đã gửi 0" in run("2025-01-08")
    assert "Đã gửi 0" in run("2025-01-16")


def test_a_returned_record_reminder_carries_the_reason(year):
    make_figures("14", 2024, status=FiguresStatus.RETURNED, status_reason="Thiếu số THT")
    run("2025-01-14")
    assert "Lý do trả lại: Thiếu số THT" in Notice.objects.get().body


def test_muted_users_get_no_reminders(year):
    NoticePreference.objects.create(user=year["sonla"], mute_reminders=True)
    assert "Đã gửi 0" in run("2025-01-08")
    assert not Notice.objects.exists()


def test_digest_users_get_one_mail_a_day_with_their_notices(year):
    NoticePreference.objects.create(user=year["sonla"], delivery=Delivery.DIGEST)
    output = run("2025-01-08")
    assert "1 thư tổng hợp (1 thông báo)" in output
    (message,) = mail.outbox
    assert "Nhắc hạn: Nhập số liệu năm 2024 của Sơn La" in message.body
    assert message.alternatives[0][1] == "text/html"
    assert Notice.objects.get().email_state == EmailState.SENT
    assert "0 thư tổng hợp" in run("2025-01-08")
    assert len(mail.outbox) == 1


def test_dry_run_lists_and_changes_nothing(year):
    output = run("2025-01-08", "--dry-run")
    assert "sonla: Nhắc hạn: Nhập số liệu năm 2024 của Sơn La" in output
    assert "sẽ gửi 1 thông báo" in output
    assert not Notice.objects.exists() and mail.outbox == []


def test_dry_run_after_a_real_run_plans_nothing(year):
    run("2025-01-08")
    assert "sẽ gửi 0 thông báo" in run("2025-01-08", "--dry-run")


@pytest.mark.parametrize("day", ["2025-13-01", "15/01/2025", "tomorrow", ""])
def test_a_bad_day_is_refused_with_a_message(year, day):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("send_reminders", "--today", day or " ")
    assert not Notice.objects.exists()


def test_it_runs_without_a_day(year):
    assert "Đã gửi" in run(datetime.date.today().isoformat())
    out = StringIO()
    call_command("send_reminders", stdout=out)
    assert "Đã gửi" in out.getvalue()


def test_mail_that_failed_earlier_goes_out_on_the_next_run(year):
    from provinces.notices.services import NoticeDraft, notice_create

    notice = notice_create(
        recipient=year["sonla"],
        draft=NoticeDraft(key="k", kind=NoticeKind.FIGURES_RETURNED, subject="Trả lại", body="b"),
    )
    assert notice.email_state == EmailState.PENDING  # its e-mail never went out
    assert "1 thư gửi ngay" in run("2025-01-01")
    notice.refresh_from_db()
    assert notice.email_state == EmailState.SENT


def test_the_chair_is_reminded_of_the_conference_record_only_once_it_is_overdue(make_staff):
    from provinces.models import Cluster, ClusterTerm
    from provinces.organisation.selectors import province_for_code

    cluster = Cluster.objects.get(slug="mien-nui-phia-bac-1")
    ClusterTerm.objects.get_or_create(
        cluster=cluster, year=2026, defaults={"head": province_for_code("12", 2026)}
    )
    make_deadlines("mien-nui-phia-bac-1", 2026, conference_on=datetime.date(2026, 12, 4))
    chair = make_staff("Lai Châu", 2026, username="laichau")
    run("2026-11-27")
    run("2026-12-03")
    assert reminders(chair) == []
    run("2026-12-05")
    assert reminders(chair) == ["Quá hạn: Ghi biên bản hội nghị năm 2026"]
