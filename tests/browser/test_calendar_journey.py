"""The calendar in Chromium: the chair sets a deadline, staff see it on their home page, the
chair returns a record and its submitter finds the notice in the inbox."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from provinces.models import FiguresStatus, Notice
from tests.factories import make_figures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill("pw-for-tests")
    page.locator("main").get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{live_server.url}/")


def logout(page) -> None:
    page.get_by_role("button", name="Đăng xuất").click()


def test_deadline_to_home_page_and_a_returned_record_to_the_inbox(
    live_server, page, make_staff, screenshot
):
    sonla = make_staff("Sơn La", 2024, username="sonla")
    make_staff("Lào Cai", 2024, username="laocai")  # the chair of Tây Bắc 2024
    make_figures("11", 2024)  # Điện Biên: a draft, owes its figures
    figures = make_figures("14", 2024, status=FiguresStatus.SUBMITTED)
    figures.submitted_by, figures.submitted_at = sonla, timezone.now()
    figures.save()
    due = timezone.localdate() + datetime.timedelta(days=5)

    # The chair sets the figures deadline.
    login(page, live_server, "laocai")
    page.goto(f"{live_server.url}/clusters/tay-bac/2024/deadlines/")
    page.get_by_label("Hạn nộp số liệu năm").fill(due.strftime("%d/%m/%Y"))
    page.get_by_role("button", name="Lưu lịch hạn nộp").click()
    assert "Đã lưu lịch hạn nộp năm 2024" in page.inner_text("main")
    assert "Đặt hạn nộp" in page.inner_text("[data-testid=deadlines-history]")
    screenshot("calendar-1-chair-sets-deadline")

    # The chair's home page: Sơn La's record waits for approval.
    page.goto(f"{live_server.url}/")
    approve = page.locator("[data-testid=todo][data-kind=figures_approve][data-year='2024']")
    assert "Sơn La" in approve.inner_text()

    # The chair returns Sơn La's record with a reason.
    approve.get_by_role("link").click()
    page.get_by_label("Lý do trả lại").fill("Kiểm tra lại số thành viên HTX")
    page.get_by_role("button", name="Trả lại để sửa").click()
    assert page.get_by_test_id("status").inner_text() == "Trả lại để sửa"
    logout(page)

    # The queued notice goes out through the worker, as `make run` or systemd runs it.
    assert not Notice.objects.exists()
    call_command("db_worker", "--batch", "--no-startup-delay")
    assert Notice.objects.get().recipient == sonla

    # Sơn La's staff: the deadline on the home page, the record to fix, the notice.
    login(page, live_server, "sonla")
    fix = page.locator("[data-testid=todo][data-kind=figures_fix][data-year='2024']")
    assert "còn 5 ngày" in fix.inner_text()
    assert due.strftime("%d/%m/%Y") in fix.inner_text()
    assert "Kiểm tra lại số thành viên HTX" in fix.inner_text()
    table = page.locator("[data-testid=reporting-table][data-cluster=tay-bac]")
    assert f"Hạn nộp: {due:%d/%m/%Y}" in table.inner_text()
    badge = page.get_by_test_id("unread-count")
    badge.wait_for(state="visible")
    assert badge.inner_text() == "1"
    screenshot("calendar-2-staff-home")

    page.get_by_test_id("inbox-link").click()
    notice = page.get_by_test_id("notice").first
    assert "Số liệu năm 2024 của Liên minh HTX tỉnh Sơn La bị trả lại" in notice.inner_text()
    assert "Lý do: Kiểm tra lại số thành viên HTX" in notice.inner_text()
    screenshot("calendar-3-staff-inbox")
    notice.get_by_role("button", name="Mở").click()
    page.wait_for_url(f"{live_server.url}/figures/2024/14/")
    assert page.get_by_test_id("unread-count").is_hidden()
