"""The news post at 390 px (a phone), as the chair of 2023 sees it: the post and its edit
page no wider than the screen, no number parted from its unit at the end of a line, and a
photo added with "Thêm dòng" saved with its caption under its own photo."""

import pytest

from emulation.models import NewsPost
from tests.browser.test_phone_width import article_year, open_as_chair, overflow  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("article_year"),  # the demo's 2023, chaired by "phutho"
]

POST = "/clusters/tay-bac/2023/conference/news/"

# Each number of the post with the word after it ("784 Tổ", "236,8 triệu"), whatever
# space joins them, that the browser drew on two lines.
PARTED = r"""() => {
    const found = [];
    const walker = document.createTreeWalker(
        document.querySelector('[data-testid=post]'), NodeFilter.SHOW_TEXT);
    const pattern = /\d+(?:[.,]\d+)*%?[ \u00a0]+[^\s,;.()]+/g;
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        for (const match of node.data.matchAll(pattern)) {
            const range = document.createRange();
            range.setStart(node, match.index);
            range.setEnd(node, match.index + match[0].length);
            const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
            found.push([match[0], tops.size]);
        }
    }
    return found;
}"""


def test_the_post_fits_a_phone_and_keeps_numbers_with_their_units(
    live_server, browser, screenshot_dir
):
    context, page = open_as_chair(browser, live_server, 390)
    try:
        page.goto(f"{live_server.url}{POST}")
        page.screenshot(path=str(screenshot_dir / "news-post-390.png"), full_page=True)
        sizes = overflow(page)
        pairs = page.evaluate(PARTED)
    finally:
        context.close()
    assert sizes["document"] <= sizes["viewport"], sizes
    assert [text for text, lines in pairs if lines > 1] == [] and len(pairs) > 20
    numbers = [text for text, _ in pairs]
    assert "784\u00a0Tổ" in numbers and "236,8\u00a0triệu" in numbers


def test_the_chair_adds_a_photo_on_a_phone(live_server, browser, screenshot_dir):
    context, page = open_as_chair(browser, live_server, 390)
    try:
        page.goto(f"{live_server.url}{POST}edit/")
        assert page.locator('[data-formset-rows="photo"] [data-formset-row]').count() == 4
        page.get_by_role("button", name="Thêm dòng").click()
        page.keyboard.type("Trao Cờ luân lưu cho Lào Cai")
        page.fill("#id_photo-3-caption", "Ký giao ước thi đua năm 2024")
        page.screenshot(path=str(screenshot_dir / "news-edit-390.png"), full_page=True)
        sizes = overflow(page)
        page.get_by_role("button", name="Lưu bài tin").click()
        page.wait_for_url(f"{live_server.url}{POST}")
        captions = page.locator("[data-testid=post-caption]").all_inner_texts()
    finally:
        context.close()
    assert sizes["document"] <= sizes["viewport"], sizes
    post = NewsPost.objects.get(cluster__slug="tay-bac", year=2023)
    assert post.caption_list[3:] == ["Ký giao ước thi đua năm 2024", "Trao Cờ luân lưu cho Lào Cai"]
    assert captions[3:] == ["Ký giao ước thi đua năm 2024", "Trao Cờ luân lưu cho Lào Cai"]
