"""Entry that survives a lost connection (issue 27), in Chromium at a phone's width: the
clerk goes offline, types, reloads the tab offline and finds the values; back online they
are saved through the form's own POST and appear in the record's history. When the record
changed meanwhile, both versions are shown and the clerk chooses; nothing is lost. Logging
out leaves neither drafts nor kept pages in the browser."""

import pytest

from provinces.figures.models import FiguresStatus, YearlyFigures
from provinces.figures.services import figures_save
from tests.factories import make_figures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STORED = """async () => {
  const dbs = (await indexedDB.databases()).map((d) => d.name);
  const pages = (await caches.keys()).filter((n) => n.startsWith("offline-pages-"));
  return {dbs, pages};
}"""


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def login(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill("pw-for-tests")
    page.locator("main").get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{live_server.url}/")


def open_form_then_go_offline(page, live_server, code: str = "14") -> str:
    url = f"{live_server.url}/figures/2024/{code}/edit/"
    page.goto(url)
    page.wait_for_selector("html[data-offline-ready]", state="attached")
    page.context.set_offline(True)
    page.locator("[name=tht_new]").fill("120")
    page.locator("[name=htx_new]").fill("45")
    page.get_by_test_id("offline-saved").wait_for()
    return url


def test_typed_offline_survives_a_reload_and_is_saved_back_online(
    live_server, phone, make_staff, screenshot_dir
):
    make_staff("Sơn La", 2024, username="sonla")
    make_figures("14", 2024)
    login(phone, live_server, "sonla")
    url = open_form_then_go_offline(phone, live_server)
    banner = phone.get_by_test_id("offline-saved").inner_text()
    assert "Chỉ lưu trên máy này" in banner and "cổng chưa nhận" in banner
    phone.screenshot(path=str(screenshot_dir / "offline-1-banner-390.png"), full_page=False)

    phone.reload()  # offline: the page comes from the worker, the values from IndexedDB
    phone.get_by_test_id("offline-saved").wait_for()  # the draft is put back
    assert phone.locator("[name=tht_new]").input_value() == "120"
    assert phone.locator("[name=htx_new]").input_value() == "45"
    assert YearlyFigures.objects.get(province__code="14", year=2024).tht_new == 100

    phone.context.set_offline(False)  # back online: sent through the form, then its page
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


def test_a_record_changed_meanwhile_shows_both_versions_and_the_clerk_chooses(
    live_server, phone, make_staff, screenshot_dir
):
    # Lào Cai heads the cluster in 2024: its staff user "laocai" is the chair of the year,
    # and edits the alliance's own figures while its clerk is offline.
    make_staff("Lào Cai", 2024, username="ketoan")
    chair = make_staff("Lào Cai", 2024, username="laocai")
    figures = make_figures("10", 2024)
    login(phone, live_server, "ketoan")
    open_form_then_go_offline(phone, live_server, "10")

    # Meanwhile the chair corrects one figure the clerk also typed, and one the clerk left.
    figures.tht_new, figures.tht_total = 150, 1650
    figures_save(figures=figures, by=chair, seen_version=figures.version)

    phone.context.set_offline(False)
    conflict = phone.get_by_test_id("offline-conflict")
    conflict.wait_for()
    assert "laocai" in conflict.inner_text()  # who changed it, and when
    rows = {row.get_attribute("data-field"): row for row in conflict.locator("tbody tr").all()}
    assert set(rows) == {"tht_new", "tht_total", "htx_new"}
    assert rows["tht_new"].locator("[data-side=mine]").inner_text().strip() == "120"
    assert rows["tht_new"].locator("[data-side=theirs]").inner_text().strip() == "150"
    # What each side changed is chosen by default: the clerk's typing, the chair's fix.
    assert rows["tht_new"].locator("[data-side=mine] input").is_checked()
    assert rows["tht_total"].locator("[data-side=theirs] input").is_checked()
    phone.screenshot(path=str(screenshot_dir / "offline-2-conflict-390.png"), full_page=False)
    assert YearlyFigures.objects.get(pk=figures.pk).tht_new == 150  # nothing sent yet

    rows["tht_new"].locator("[data-side=theirs] input").check()  # the clerk chooses
    conflict.get_by_role("button", name="Gửi bản đã chọn").click()
    phone.wait_for_url(f"{live_server.url}/figures/2024/10/")
    saved = YearlyFigures.objects.get(pk=figures.pk)
    assert (saved.tht_new, saved.tht_total, saved.htx_new) == (150, 1650, 45)
    history = saved.history.order_by("history_id").select_related("history_user")
    versions = [(h.history_user and h.history_user.username, h.tht_new, h.htx_new) for h in history]
    assert versions[-2:] == [("laocai", 150, 50), ("ketoan", 150, 45)]  # both kept


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
