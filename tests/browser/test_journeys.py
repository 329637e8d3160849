"""The three journeys of the portal, each from the login page, in Chromium."""

from decimal import Decimal

import pytest

from provinces.models import FiguresStatus, YearlyFigures
from tests.factories import GOOD_VALUES, make_figures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill("pw-for-tests")
    page.locator("main").get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{live_server.url}/")


def test_staff_enter_figures_fix_an_error_and_submit(live_server, page, make_staff, screenshot):
    make_staff("Sơn La", 2024, username="sonla")
    login(page, live_server, "sonla")
    page.goto(f"{live_server.url}/figures/2024/14/edit/")
    form = page.get_by_test_id("figures-form")
    for code, value in GOOD_VALUES.items():
        form.locator(f"[name={code}]").fill(str(value).replace(".", ","))
    form.locator("[name=htx_avg_income]").fill("1.051,3")  # Vietnamese thousands and decimals
    # HTX revenue takes no decimals (the data dictionary): 1.637,5 is refused, naming that.
    form.locator("[name=htx_avg_revenue]").fill("1.637,5")
    form.locator("[name=htx_new]").fill("700")  # more new HTX than HTX in all
    page.get_by_role("button", name="Lưu số liệu").click()
    error = page.locator("#id_htx_new-error")
    assert "không được lớn hơn" in error.inner_text()
    precision = page.locator("#id_htx_avg_revenue-error").inner_text()
    assert "tối đa 0 chữ số thập phân" in precision
    assert form.locator("[name=htx_avg_revenue]").input_value() == "1.637,5"  # nothing lost
    screenshot("journey-staff-1-validation-error")

    form.locator("[name=htx_new]").fill("50")
    form.locator("[name=htx_avg_revenue]").fill("1.637")
    page.get_by_role("button", name="Lưu số liệu").click()
    page.wait_for_url(f"{live_server.url}/figures/2024/14/")
    # Shown with the data dictionary's decimals, as typed.
    assert "1.637" in page.locator("[data-code=htx_avg_revenue]").inner_text()
    assert "1.051,3" in page.locator("[data-code=htx_avg_income]").inner_text()
    saved = YearlyFigures.objects.get(province__code="14", year=2024)
    assert (saved.htx_avg_revenue, saved.htx_avg_income) == (Decimal("1637"), Decimal("1051.3"))
    page.get_by_role("button", name="Nộp số liệu").click()
    assert page.get_by_test_id("status").inner_text() == "Đã nộp"
    assert (
        YearlyFigures.objects.get(province__code="14", year=2024).status == FiguresStatus.SUBMITTED
    )
    screenshot("journey-staff-2-submitted")


def test_chair_returns_one_approves_another_and_downloads_the_report(
    live_server, page, make_staff, screenshot
):
    make_staff("Lào Cai", 2024, username="laocai")
    for code in ("11", "12", "14"):
        make_figures(code, 2024, status=FiguresStatus.SUBMITTED)
    login(page, live_server, "laocai")
    page.goto(f"{live_server.url}/clusters/tay-bac/2024/figures/")
    assert "3/7 đã nộp, 0/7 đã duyệt" in page.get_by_test_id("completeness").inner_text()

    page.locator("[data-province='14'] a").click()
    page.get_by_label("Lý do trả lại").fill("Kiểm tra lại số thành viên HTX")
    page.get_by_role("button", name="Trả lại để sửa").click()
    assert page.get_by_test_id("status").inner_text() == "Trả lại để sửa"

    page.goto(f"{live_server.url}/figures/2024/12/")
    page.get_by_role("button", name="Duyệt số liệu").click()
    assert page.get_by_test_id("status").inner_text() == "Đã duyệt"

    page.goto(f"{live_server.url}/clusters/tay-bac/2024/figures/")
    assert "2/7 đã nộp, 1/7 đã duyệt" in page.get_by_test_id("completeness").inner_text()
    screenshot("journey-chair-1-year-page")

    page.goto(f"{live_server.url}/reports/tay-bac/2024/")
    assert "BẢN DỰ THẢO" in page.get_by_test_id("draft-banner").inner_text()
    with page.expect_download() as pdf:
        page.get_by_test_id("pdf-link").click()
    assert pdf.value.suggested_filename == "bao-cao-tay-bac-2024.pdf"
    assert pdf.value.path().read_bytes()[:5] == b"%PDF-"
    with page.expect_download() as xlsx:
        page.get_by_test_id("xlsx-link").click()
    assert xlsx.value.suggested_filename == "bao-cao-tay-bac-2024.xlsx"
    screenshot("journey-chair-2-report")


def test_admin_rotates_the_flag_and_the_new_heads_staff_become_chair(
    live_server, page, browser, make_staff, admin_user, screenshot
):
    make_staff("Cao Bằng", 2026, username="caobang")
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill("root")
    page.get_by_label("Mật khẩu").fill("pw-for-tests")
    page.locator("main").get_by_role("button", name="Đăng nhập").click()
    page.goto(f"{live_server.url}/clusters/mien-nui-phia-bac-1/rotate/")
    page.get_by_role("button", name="Trao cờ").click()
    assert "không có cụm phó" in page.get_by_test_id("rotate-error").inner_text()  # 2025 had none
    page.get_by_label("Cụm trưởng").select_option(label="Liên minh HTX tỉnh Cao Bằng")
    with page.expect_navigation():
        page.get_by_role("button", name="Trao cờ").click()
    # A refusal stays on the form: say why rather than time out waiting for the terms page.
    refusal = page.locator("[role=alert], .invalid-feedback, .errorlist").all_inner_texts()
    assert page.url == f"{live_server.url}/clusters/mien-nui-phia-bac-1/terms/", refusal
    assert "Cao Bằng" in page.locator("[data-year='2026']").inner_text()
    screenshot("journey-admin-1-rotated")

    other = browser.new_context(viewport={"width": 1280, "height": 900})
    staff_page = other.new_page()
    login(staff_page, live_server, "caobang")
    assert "2026" in staff_page.get_by_test_id("chair-badge").inner_text()
    staff_page.goto(f"{live_server.url}/clusters/mien-nui-phia-bac-1/2026/figures/")
    assert "Bạn là Cụm trưởng" in staff_page.content()
    from tests.browser.conftest import ARTIFACTS

    staff_page.screenshot(path=str(ARTIFACTS / "journey-admin-2-new-chair.png"), full_page=True)
    other.close()
