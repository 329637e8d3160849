"""From the login page to the home page, in Chromium."""

import pytest

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def login(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill("pw-for-tests")
    page.get_by_role("button", name="Đăng nhập").click()


def test_staff_logs_in_and_sees_the_cluster_and_chair_rights(
    live_server, page, make_staff, screenshot
):
    make_staff("Lào Cai", 2023, username="laocai")
    login(page, live_server, "laocai")
    page.wait_for_selector("[data-testid=chair-badge]")
    assert "2024" in page.inner_text("[data-testid=chair-badge]")
    years = page.locator("[data-testid=cluster-year]")
    assert years.count() >= 3
    assert "Liên minh HTX tỉnh Phú Thọ" in page.inner_text("[data-year='2023'] [data-testid=head]")
    screenshot("home-staff-laocai")


def test_a_wrong_password_keeps_the_user_on_the_login_page(
    live_server, page, make_staff, screenshot
):
    make_staff("Sơn La", 2023, username="sonla")
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill("sonla")
    page.get_by_label("Mật khẩu").fill("not-the-password")
    page.get_by_role("button", name="Đăng nhập").click()
    assert "tên đăng nhập và mật khẩu" in page.inner_text(".alert-danger").lower()
    assert page.get_by_label("Tên đăng nhập").input_value() == "sonla"
    screenshot("login-error")


def test_the_language_switch_turns_the_page_english(live_server, page, admin_user, screenshot):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill("root")
    page.get_by_label("Mật khẩu").fill("pw-for-tests")
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_role("button", name="EN").click()
    page.wait_for_selector("text=What you can do")
    screenshot("home-admin-english")
