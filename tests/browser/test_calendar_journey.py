"""The calendar in Chromium: the chair sets a deadline, staff see it on their home page, the
chair returns a record and its submitter finds the notice in the inbox."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from provinces.models import Cluster, ClusterTerm, FiguresStatus, Notice
from provinces.organisation.selectors import province_for_code
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
    # This year's northern cluster, chaired by Lai Châu (deadlines belong to their year).
    year = timezone.localdate().year
    cluster = Cluster.objects.get(slug="mien-nui-phia-bac-1")
    ClusterTerm.objects.update_or_create(
        cluster=cluster,
        year=year,
        defaults={"head": province_for_code("12", year), "vice": province_for_code("14", year)},
    )
    sonla = make_staff("Sơn La", year, username="sonla")
    make_staff("Lai Châu", year, username="laichau")
    make_figures("11", year)  # Điện Biên: a draft, owes its figures
    figures = make_figures("14", year, status=FiguresStatus.SUBMITTED)
    figures.submitted_by, figures.submitted_at = sonla, timezone.now()
    figures.save()
    due = timezone.localdate() + datetime.timedelta(days=5)

    # The chair sets the figures deadline.
    login(page, live_server, "laichau")
    page.goto(f"{live_server.url}/clusters/{cluster.slug}/{year}/deadlines/")
    page.get_by_label("Hạn nộp số liệu năm").fill(due.strftime("%d/%m/%Y"))
    page.get_by_role("button", name="Lưu lịch hạn nộp").click()
    assert f"Đã lưu lịch hạn nộp năm {year}" in page.inner_text("main")
    assert "Đặt hạn nộp" in page.inner_text("[data-testid=deadlines-history]")
    screenshot("calendar-1-chair-sets-deadline")

    # The chair's home page: Sơn La's record waits for approval.
    page.goto(f"{live_server.url}/")
    approve = page.locator(f"[data-testid=todo][data-kind=figures_approve][data-year='{year}']")
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
    fix = page.locator(f"[data-testid=todo][data-kind=figures_fix][data-year='{year}']")
    assert "còn 5 ngày" in fix.inner_text()
    assert due.strftime("%d/%m/%Y") in fix.inner_text()
    assert "Kiểm tra lại số thành viên HTX" in fix.inner_text()
    table = page.locator(f"[data-testid=reporting-table][data-cluster={cluster.slug}]")
    assert f"Hạn nộp: {due:%d/%m/%Y}" in table.inner_text()
    badge = page.get_by_test_id("unread-count")
    badge.wait_for(state="visible")
    assert badge.inner_text() == "1"
    screenshot("calendar-2-staff-home")

    page.get_by_test_id("inbox-link").click()
    notice = page.get_by_test_id("notice").first
    assert f"Số liệu năm {year} của Liên minh HTX tỉnh Sơn La bị trả lại" in notice.inner_text()
    assert "Lý do: Kiểm tra lại số thành viên HTX" in notice.inner_text()
    screenshot("calendar-3-staff-inbox")
    notice.get_by_role("button", name="Mở").click()
    page.wait_for_url(f"{live_server.url}/figures/{year}/14/")
    assert page.get_by_test_id("unread-count").is_hidden()
