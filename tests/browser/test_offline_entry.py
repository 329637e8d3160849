"""Entry that survives a lost connection (issue 27), in Chromium at a phone's width: the
clerk goes offline, types, reloads the tab offline and finds the values; back online they
are saved through the form's own POST and appear in the record's history. When the record
changed meanwhile, both versions are shown and the clerk chooses; nothing is lost. Logging
out leaves neither drafts nor kept pages in the browser."""

import re

import pytest
from django.utils import dateformat, timezone

from provinces.figures.models import FiguresStatus, YearlyFigures
from provinces.figures.services import figures_save
from tests.browser.offline_steps import STORED, login, new_phone, open_form_then_go_offline
from tests.factories import make_figures

SIDES = ("mine", "theirs")
# An element that has stopped moving (the page's smooth scroll has ended).
SETTLED = """(selector) => new Promise((done) => {
  const top = () => document.querySelector(selector).getBoundingClientRect().top;
  const before = top();
  setTimeout(() => done(top() === before), 100);
})"""
CELLS = """(row) => ["mine", "theirs"].map((side) => {
  const box = row.querySelector(`[data-side=${side}]`).getBoundingClientRect();
  return {top: box.top, left: box.left, right: box.right};
})"""

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def form_fields(body: str) -> dict:
    """The fields of a multipart form body (what the page's script posts)."""
    return dict(re.findall(r'name="([^"]+)"\r\n\r\n(.*?)\r\n', body))


@pytest.fixture
def phone(browser):
    page = new_phone(browser)
    yield page
    page.context.close()


def portal_clock() -> str:
    """Now as the server writes it (DATETIME_FORMAT), in the portal's time zone."""
    return dateformat.format(timezone.localtime(), "H:i d/m/Y")


def test_typed_offline_survives_closing_the_tab_and_is_saved_back_online(
    live_server, browser, make_staff, screenshot_dir
):
    make_staff("Sơn La", 2024, username="sonla")
    make_staff("Lào Cai", 2024, username="laocai")  # the chair of 2024: reads the history
    make_figures("14", 2024)
    # A browser in New York (UTC-5): the banner still gives the portal's time (UTC+7).
    phone = new_phone(browser, timezone_id="America/New_York")
    login(phone, live_server, "sonla")
    before = portal_clock()
    url = open_form_then_go_offline(phone, live_server)
    after = portal_clock()
    banner = phone.get_by_test_id("offline-saved")
    assert "Chỉ lưu trên máy này" in banner.inner_text()
    assert "cổng chưa nhận" in banner.inner_text()
    assert banner.locator("time").inner_text() in {before, after}  # "09:48 04/12/2026"
    assert phone.evaluate("Intl.DateTimeFormat().resolvedOptions().timeZone") == "America/New_York"
    phone.screenshot(path=str(screenshot_dir / "offline-1-banner-390.png"), full_page=False)

    # The tab is closed, then the form opened again in a new one, still offline: the page
    # comes from the worker, the values from IndexedDB, and the page says where they are.
    context = phone.context
    phone.close()
    phone = context.new_page()
    phone.goto(url)
    phone.get_by_test_id("offline-saved").wait_for()
    assert phone.locator("[name=tht_new]").input_value() == "120"
    assert phone.locator("[name=htx_new]").input_value() == "45"
    saved_here = phone.get_by_test_id("offline-saved").inner_text()
    assert "Chỉ lưu trên máy này" in saved_here and "người khác chưa thấy" in saved_here
    assert YearlyFigures.objects.get(province__code="14", year=2024).tht_new == 100

    context.set_offline(False)  # back online: sent through the form, then its page
    phone.wait_for_url(f"{live_server.url}/figures/2024/14/")
    assert "Đã lưu số liệu" in phone.locator("main").inner_text()
    saved = YearlyFigures.objects.get(province__code="14", year=2024)
    assert (saved.tht_new, saved.htx_new, saved.version) == (120, 45, 2)
    last = saved.history.order_by("-history_id").first()
    assert last.history_user.username == "sonla" and last.tht_new == 120
    phone.goto(url)  # nothing left waiting on this device
    assert phone.locator("[name=tht_new]").input_value() == "120"
    assert not phone.get_by_test_id("offline-saved").is_visible()
    phone.wait_for_selector("html[data-offline-ready]", state="attached")  # no request left
    context.close()

    # The record's history page, as the chair reads it: the clerk's change, newest first.
    chair = new_phone(browser)
    login(chair, live_server, "laocai")
    chair.goto(f"{live_server.url}/figures/2024/14/")
    newest = chair.get_by_test_id("history").locator("li.list-group-item").first.inner_text()
    assert "sonla" in newest and "100 → 120" in newest and "50 → 45" in newest
    chair.context.close()


def test_a_record_changed_meanwhile_shows_both_versions_and_the_clerk_chooses(
    live_server, browser, phone, make_staff, admin_user, screenshot_dir
):
    # Lào Cai heads the cluster in 2024: its staff user "laocai" is the chair of the year,
    # and edits the alliance's own figures while its clerk is offline.
    make_staff("Lào Cai", 2024, username="ketoan")
    chair = make_staff("Lào Cai", 2024, username="laocai")
    figures = make_figures("10", 2024)
    login(phone, live_server, "ketoan")
    url = open_form_then_go_offline(phone, live_server, "10")
    posts = []
    phone.on(
        "request",
        lambda r: r.method == "POST" and posts.append((r.url, form_fields(r.post_data or ""))),
    )

    # Meanwhile the chair corrects one figure the clerk also typed, and one the clerk left.
    figures.tht_new, figures.tht_total = 150, 1650
    figures_save(figures=figures, by=chair, seen_version=figures.version)

    phone.context.set_offline(False)
    conflict = phone.get_by_test_id("offline-conflict")
    conflict.wait_for()
    assert "laocai" in conflict.inner_text()  # who changed it, and when
    heads = conflict.locator("thead th").all_inner_texts()
    assert heads == ["Ô nhập", "Bản trên máy này", "Bản trên cổng"]
    rows = {row.get_attribute("data-field"): row for row in conflict.locator("tbody tr").all()}
    assert set(rows) == {"tht_new", "tht_total", "htx_new"}
    shown = {
        name: tuple(row.locator(f"[data-side={side}]").inner_text().strip() for side in SIDES)
        for name, row in rows.items()
    }
    assert shown == {
        "tht_new": ("120", "150"),
        "tht_total": ("1.600", "1.650"),
        "htx_new": ("45", "50"),
    }
    phone.wait_for_function(SETTLED, arg="[data-offline-conflict]")  # scrolled to the view
    phone.screenshot(path=str(screenshot_dir / "offline-2-conflict-390.png"), full_page=False)
    for row in rows.values():  # side by side on a phone: this device's left, the portal's right
        mine, theirs = row.evaluate(CELLS)  # one read: the view may still be scrolling
        assert mine["top"] == theirs["top"] and mine["right"] <= theirs["left"] + 1
        assert theirs["right"] <= 390
    # What each side changed is chosen by default: the clerk's typing, the chair's fix.
    assert rows["tht_new"].locator("[data-side=mine] input").is_checked()
    assert rows["tht_total"].locator("[data-side=theirs] input").is_checked()
    assert rows["htx_new"].locator("[data-side=mine] input").is_checked()
    assert YearlyFigures.objects.get(pk=figures.pk).version == 2  # nothing taken yet
    # The draft went through the form, on the version it was typed on: the lock refused it.
    assert [(u, q["seen_version"]) for u, q in posts] == [(url, "1")]

    # The clerk chooses against both defaults: the chair's tht_new, the own tht_total.
    rows["tht_new"].locator("[data-side=theirs] input").check()
    rows["tht_total"].locator("[data-side=mine] input").check()
    conflict.get_by_role("button", name="Gửi bản đã chọn").click()
    phone.wait_for_url(f"{live_server.url}/figures/2024/10/")
    assert "Đã lưu số liệu" in phone.locator("main").inner_text()
    # Sent the same way, on the version the clerk saw in the conflict view.
    sent = posts[-1][1]
    assert posts[-1][0] == url and sent["seen_version"] == "2"
    assert (sent["tht_new"], sent["tht_total"], sent["htx_new"]) == ("150", "1.600", "45")
    saved = YearlyFigures.objects.get(pk=figures.pk)
    assert (saved.tht_new, saved.tht_total, saved.htx_new, saved.version) == (150, 1600, 45, 3)
    history = saved.history.order_by("history_id").select_related("history_user")
    versions = [(h.history_user and h.history_user.username, h.tht_new, h.htx_new) for h in history]
    assert versions[-2:] == [("laocai", 150, 50), ("ketoan", 150, 45)]  # both kept

    # The record's history page: the clerk's change, the chair's before it.
    admin = new_phone(browser)
    login(admin, live_server, "root")
    admin.goto(f"{live_server.url}/figures/2024/10/")
    items = admin.get_by_test_id("history").locator("li.list-group-item").all_inner_texts()
    assert "ketoan" in items[0] and "1.650 → 1.600" in items[0] and "50 → 45" in items[0]
    assert "100 → 150" not in items[0]
    assert "laocai" in items[1] and "100 → 150" in items[1] and "1.600 → 1.650" in items[1]
    admin.context.close()


def test_logging_out_leaves_no_draft_and_no_kept_page(live_server, phone, make_staff):
    make_staff("Sơn La", 2024, username="sonla")
    make_figures("14", 2024)
    login(phone, live_server, "sonla")
    open_form_then_go_offline(phone, live_server)
    stored = phone.evaluate(STORED)
    assert "portal-offline" in stored["dbs"] and len(stored["pages"]) == 1

    # Online again, the draft refused for now (the record was submitted meanwhile): it
    # stays on the device, and logging out asks first, then leaves nothing.
    submitted = YearlyFigures.objects.filter(province__code="14", year=2024)
    submitted.update(status=FiguresStatus.SUBMITTED)
    phone.context.set_offline(False)
    phone.get_by_text("Cổng không nhận số liệu lưu trên máy này").wait_for()
    assert "hồ sơ không còn mở để nhập" in phone.get_by_test_id("offline-status").inner_text()
    phone.once("dialog", lambda dialog: dialog.accept())
    phone.get_by_role("button", name="Mở menu").click()
    phone.get_by_role("button", name="Đăng xuất").click()
    # Chromium holds the logout's answer while it empties the site's storage
    # (Clear-Site-Data): seconds, and more than the default 15 s twice in CI's full suite
    # on a loaded machine, though never when run alone or under a CPU load here.
    phone.wait_for_url(f"{live_server.url}/accounts/login/", timeout=60_000)
    assert phone.evaluate(STORED) == {"dbs": [], "pages": []}


def test_the_self_score_sheet_keeps_what_is_typed_offline_and_saves_it_as_a_draft(
    live_server, phone, make_staff
):
    from emulation.scoring.models import Score
    from tests.scoring_helpers import build_agreement, data_for, leaf

    make_staff("Sơn La", 2023, username="sonla")
    build_agreement()
    judged = leaf(data_for(), "II.1").pk
    login(phone, live_server, "sonla")
    url = f"{live_server.url}/clusters/tay-bac/2023/scoring/14/"
    phone.goto(url)
    phone.wait_for_selector("html[data-offline-ready]", state="attached")
    phone.context.set_offline(True)
    phone.locator(f"[name=self-{judged}]").fill("30")
    phone.locator(f"[name=just-{judged}]").fill("Tham gia đủ 6 hoạt động của Cụm.")
    phone.get_by_test_id("offline-saved").wait_for()
    phone.reload()
    phone.get_by_test_id("offline-saved").wait_for()
    assert phone.locator(f"[name=self-{judged}]").input_value() == "30"
    assert "6 hoạt động" in phone.locator(f"[name=just-{judged}]").input_value()

    phone.context.set_offline(False)  # sent as "Lưu nháp": saved, not submitted
    phone.get_by_text("Đã lưu điểm tự chấm.").wait_for()
    score = Score.objects.get(criterion_id=judged, sheet__province__code="14")
    assert (score.self_points, score.sheet.is_submitted) == (30, False)
    assert score.justification == "Tham gia đủ 6 hoạt động của Cụm."
    assert phone.get_by_test_id("sheet-status").inner_text() == "Bản nháp"
    phone.wait_for_selector("html[data-offline-ready]", state="attached")
