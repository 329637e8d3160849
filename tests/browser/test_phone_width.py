"""At 390 px (a phone) no page is wider than the screen: wide tables scroll inside their
card, numbers are never broken, charts scale. Checked on the report, year, record and
nominations pages of the demo's 2023, as its chair sees them."""

import pytest

from emulation.demo import emulation_year_2023_seed
from provinces.demo import article_2023_values
from provinces.models import FiguresStatus
from tests.factories import make_disbursement, make_figures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = {
    "report": "/reports/tay-bac/2023/",
    "year": "/clusters/tay-bac/2023/figures/",
    "record": "/figures/2023/25/",
    "nominations": "/clusters/tay-bac/2023/nominations/",
}
WIDTHS = {"phone": 390, "desktop": 1366}


@pytest.fixture
def article_year(make_staff):
    for code in ("10", "11", "12", "14", "15", "17", "25"):
        make_figures(code, 2023, status=FiguresStatus.APPROVED, **article_2023_values(code))
    emulation_year_2023_seed()
    return make_staff("Phú Thọ", 2023, username="phutho")


def open_as_chair(browser, live_server, width: int):
    context = browser.new_context(viewport={"width": width, "height": 844}, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill("phutho")
    page.get_by_label("Mật khẩu").fill("pw-for-tests")
    page.locator("main").get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{live_server.url}/")
    return context, page


def overflow(page) -> dict:
    return page.evaluate(
        """() => ({
            document: document.documentElement.scrollWidth,
            viewport: window.innerWidth,
            wider: [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1
                          && !e.closest('.table-responsive, .table-scroll'))
                .slice(0, 5).map(e => e.tagName + '.' + e.className),
        })"""
    )


def broken_numbers(page) -> list[str]:
    """Numeric cells whose text wraps onto a second line."""
    return page.evaluate(
        """() => [...document.querySelectorAll('td.num, th.num, .report table.data td')]
            .filter(c => /^[\\d.,·%+−\\s]+$/.test(c.innerText.trim()) && c.innerText.trim())
            .filter(c => {
                const range = document.createRange();
                range.selectNodeContents(c);
                const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
                return tops.size > 1;
            })
            .map(c => c.innerText)"""
    )


def test_no_page_is_wider_than_a_phone(live_server, browser, article_year, screenshot_dir):
    """Each page in turn in one signed-in browser (the demo year set up once, not once per
    page): every page's overflow and broken numbers, reported together."""
    context, page = open_as_chair(browser, live_server, WIDTHS["phone"])
    problems = {}
    try:
        for name in sorted(PAGES):
            page.goto(f"{live_server.url}{PAGES[name]}")
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(screenshot_dir / f"{name}-390.png"), full_page=True)
            sizes = overflow(page)
            broken = broken_numbers(page)
            if sizes["document"] > sizes["viewport"] or broken:
                problems[name] = (sizes, broken)
    finally:
        context.close()
    assert problems == {}


def test_desktop_pages_fit_too(live_server, browser, article_year, screenshot_dir):
    context, page = open_as_chair(browser, live_server, WIDTHS["desktop"])
    problems = {}
    try:
        for name in sorted(PAGES):
            page.goto(f"{live_server.url}{PAGES[name]}")
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(screenshot_dir / f"{name}-1366.png"), full_page=True)
            sizes = overflow(page)
            if sizes["document"] > sizes["viewport"]:
                problems[name] = sizes
    finally:
        context.close()
    assert problems == {}


def test_the_disbursement_import_preview_fits_a_phone(live_server, browser, article_year, tmp_path):
    """The preview of a long file: totals by province, the first rows, the confirm button."""
    lines = ["province,fund,date,borrower,borrower_type,amount,purpose"]
    lines += [
        f'{"25" if i % 3 else "14"},htx_dev,05/06/2023,HTX Thử nghiệm số {i},HTX,"1.250,5",'
        "Mua máy sấy nông sản"
        for i in range(130)
    ]
    upload = tmp_path / "so-giai-ngan.csv"
    upload.write_text("\n".join(lines), encoding="utf-8")
    context, page = open_as_chair(browser, live_server, WIDTHS["phone"])
    try:
        page.goto(f"{live_server.url}/disbursements/import/")
        page.locator("input[type=file]").set_input_files(str(upload))
        page.get_by_role("button", name="Kiểm tra và xem trước").click()
        totals = page.get_by_test_id("preview-by-province")
        totals.wait_for()
        assert totals.locator("tfoot").inner_text().split() == ["Cộng", "130", "162.565", "130"]
        # The totals fit their card: nothing of them is scrolled out of sight.
        assert totals.evaluate("t => t.parentElement.scrollWidth <= t.parentElement.clientWidth")
        sizes = overflow(page)
        assert sizes["document"] <= sizes["viewport"], sizes
        assert broken_numbers(page) == []
        assert page.get_by_test_id("confirm-import").is_visible()
    finally:
        context.close()


def phone_column_widths(browser, live_server, path: str, cells: str, shot) -> list[float]:
    """The page at `path` on a phone, as the chair: it fits the screen with no number
    broken, and the widths of the `cells` (a column kept readable)."""
    context, page = open_as_chair(browser, live_server, WIDTHS["phone"])
    try:
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(shot), full_page=True)
        sizes = overflow(page)
        assert sizes["document"] <= sizes["viewport"], sizes
        assert broken_numbers(page) == []
        return page.locator(cells).evaluate_all(
            "cells => cells.map(c => c.getBoundingClientRect().width)"
        )
    finally:
        context.close()


def test_the_register_keeps_its_columns_readable_on_a_phone(
    live_server, browser, article_year, screenshot_dir
):
    """The register's table scrolls inside its card rather than squeezing a borrower's
    name to a word a line (its first column is a date, so the name-first rule of the
    phone layout does not hold it)."""
    for day in ("2023-03-16", "2023-08-19", "2023-11-06"):
        make_disbursement("25", day, "589", borrower="HTX DVNN và điện năng Vĩnh Lại")
    cells = "[data-testid=disbursements] tbody td:nth-child(3)"
    widths = phone_column_widths(
        browser, live_server, "/disbursements/2023/25/", cells, screenshot_dir / "register-390.png"
    )
    assert len(widths) == 3 and min(widths) >= 160, widths


def test_the_year_table_keeps_its_columns_readable_on_a_phone(
    live_server, browser, article_year, screenshot_dir
):
    """The year page's table scrolls inside its card rather than squeezing the submitter's
    name to a word a line and pushing the time and the disbursements out of the card."""
    cells = "[data-testid=year-table] tbody td.submitter"
    widths = phone_column_widths(
        browser, live_server, PAGES["year"], cells, screenshot_dir / "year-table-390.png"
    )
    assert len(widths) >= 7 and min(widths) >= 140, widths


def test_an_achievement_reports_preview_fits_a_phone(
    live_server, browser, article_year, admin_user, screenshot_dir
):
    """The preview of the Word/PDF document on the report's page: its wide table (the
    figures, "lượt dự án / triệu đồng") scrolls inside the sheet, as the annual report's
    do, instead of making the whole page 483 px wide."""
    from emulation.dossiers.demo import achievement_reports_demo_seed
    from emulation.dossiers.models import AchievementReport

    achievement_reports_demo_seed()
    report = AchievementReport.objects.get(nomination__nominee_alliance__code="25")
    context, page = open_as_chair(browser, live_server, WIDTHS["phone"])
    try:
        page.goto(f"{live_server.url}/achievement-reports/{report.nomination_id}/")  # by nominee
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(screenshot_dir / "achievement-report-390.png"), full_page=True)
        assert page.locator(".dossier-preview table.data").count() >= 1
        sizes = overflow(page)
        assert sizes["document"] <= sizes["viewport"], sizes
    finally:
        context.close()
