"""The English pages are as narrow as the Vietnamese ones: on a phone (390 px) no page of
the demo is wider than the screen in either language, and on a laptop (1366 px) the
navbar holds one line with no label broken, although the English labels are longer.

Signed in as the demo's admin, whose name ("Quản trị viên") and extra link
("Administration") make the widest navbar."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = {
    "home": "/",
    "year": "/clusters/tay-bac/2023/figures/",
    "report": "/reports/tay-bac/2023/",
    "record": "/figures/2023/25/",
    "scoring": "/clusters/tay-bac/2023/scoring/",
    "preferences": "/notices/preferences/",
    "conference": "/clusters/tay-bac/2023/conference/",
    "dossier": "/clusters/tay-bac/2023/dossier/",
    "loans": "/disbursements/2023/25/",
}
LANGUAGES = ("en", "vi")
ONE_LINE = 60  # px: the navbar is 56 px high on one line, 79 px on two


def signed_in(browser, live_server, *, language: str, width: int):
    context = browser.new_context(viewport={"width": width, "height": 844})
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("#id_username").fill("admin")
    page.locator("#id_password").fill("demo")
    page.locator("main button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/")
    return context, page


def navbar_lines(page) -> dict:
    """The navbar's height and the labels in it that break over more than one line."""
    return page.evaluate(
        """() => {
            const nav = document.querySelector('nav.navbar');
            const walker = document.createTreeWalker(nav, NodeFilter.SHOW_TEXT);
            const broken = [];
            for (let text = walker.nextNode(); text; text = walker.nextNode()) {
                if (!text.textContent.trim() || text.parentElement.offsetParent === null) continue;
                const range = document.createRange();
                range.selectNodeContents(text);
                const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
                if (tops.size > 1) broken.push(text.textContent.trim());
            }
            return {height: Math.round(nav.getBoundingClientRect().height), broken};
        }"""
    )


def test_no_page_is_wider_than_a_phone_in_either_language(
    live_server, browser, demo_data, screenshot_dir
):
    too_wide = {}
    for language in LANGUAGES:
        context, page = signed_in(browser, live_server, language=language, width=390)
        try:
            for name, path in PAGES.items():
                page.goto(f"{live_server.url}{path}")
                page.wait_for_load_state("networkidle")
                assert page.locator("html").get_attribute("lang") == language
                width = page.evaluate("document.documentElement.scrollWidth")
                if width > 390:
                    too_wide[(language, name)] = width
                    page.screenshot(path=str(screenshot_dir / f"wide-{language}-{name}-390.png"))
        finally:
            context.close()
    assert too_wide == {}


def test_the_navbar_holds_one_line_at_1366_px_in_either_language(live_server, browser, demo_data):
    lines = {}
    for language in LANGUAGES:
        context, page = signed_in(browser, live_server, language=language, width=1366)
        try:
            for name in ("home", "report"):
                page.goto(f"{live_server.url}{PAGES[name]}")
                lines[(language, name)] = navbar_lines(page)
        finally:
            context.close()
    assert {key: value for key, value in lines.items() if value["broken"]} == {}
    assert max(value["height"] for value in lines.values()) <= ONE_LINE, lines
