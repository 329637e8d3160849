"""Entry that survives a lost connection (issue 27): whose drafts and kept pages a browser
holds when tabs share it and sessions end. A tab that holds the store open never holds
back another tab's sign-in or logout (its connection yields on versionchange); a session
that ended without a logout leaves nothing of its user for the next one."""

import time

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from cluster_portal.offline import user_key
from provinces.figures.models import FiguresStatus, YearlyFigures
from tests.browser.offline_steps import (
    DRAFTS,
    KEPT_FOR,
    STORED,
    login,
    new_phone,
    open_form,
    open_form_then_go_offline,
)
from tests.factories import make_figures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def clerks(make_staff):
    make_figures("14", 2024)
    return make_staff("Sơn La", 2024, username="sonla"), make_staff("Sơn La", 2024, "sonla2")


@pytest.fixture
def tab_a(browser):
    page = new_phone(browser)
    yield page
    page.context.close()


def draft_left_open(tab, live_server) -> None:
    """`sonla` signed in, with a draft the portal refused (the record was submitted
    meanwhile, then returned): it stays on the device, and the tab holds the store open."""
    login(tab, live_server, "sonla")
    open_form_then_go_offline(tab, live_server)
    submitted = YearlyFigures.objects.filter(province__code="14")
    submitted.update(status=FiguresStatus.SUBMITTED)
    tab.context.set_offline(False)
    tab.get_by_text("Cổng không nhận số liệu lưu trên máy này").wait_for()
    submitted.update(status=FiguresStatus.DRAFT)  # returned: the form opens again
    assert [d["user"] for d in tab.evaluate(DRAFTS)] == [user_key_of("sonla")]


def user_key_of(username: str) -> str:
    from django.contrib.auth import get_user_model

    return user_key(get_user_model().objects.get(username=username))


def typing_keeps_nothing_more(tab) -> None:
    """The first tab, its user gone from this browser: what is typed there is neither kept
    nor sent, and the page says so."""
    tab.locator("[name=tht_new]").fill("130")
    tab.get_by_test_id("offline-ended").wait_for()
    assert "không còn được lưu trên máy" in tab.get_by_test_id("offline-ended").inner_text()


def test_another_user_signing_in_in_a_second_tab_is_not_held_by_the_first(
    live_server, tab_a, clerks
):
    draft_left_open(tab_a, live_server)

    tab_b = tab_a.context.new_page()  # the same browser: the next clerk signs in
    started = time.monotonic()
    login(tab_b, live_server, "sonla2")
    open_form(tab_b, live_server)  # its offline script done: store checked, worker ready
    assert time.monotonic() - started < 8  # no wait on tab A (was: never, the page hung)
    assert tab_b.evaluate(DRAFTS) == []  # sonla's draft is gone
    assert tab_b.evaluate(KEPT_FOR) == [user_key_of("sonla2")]
    assert tab_b.locator("[name=tht_new]").input_value() == "100"
    assert not tab_b.get_by_test_id("offline-saved").is_visible()

    typing_keeps_nothing_more(tab_a)
    assert tab_b.evaluate(DRAFTS) == []


def test_logging_out_in_a_second_tab_is_not_held_by_the_first(live_server, tab_a, clerks):
    draft_left_open(tab_a, live_server)

    tab_b = tab_a.context.new_page()
    tab_b.goto(f"{live_server.url}/")
    tab_b.wait_for_function("window.portalOffline && window.portalOffline.user")
    tab_b.once("dialog", lambda dialog: dialog.accept())  # a draft was never sent: asked
    tab_b.get_by_role("button", name="Mở menu").click()
    started = time.monotonic()
    tab_b.get_by_role("button", name="Đăng xuất").click()
    tab_b.wait_for_url(f"{live_server.url}/accounts/login/", timeout=60_000)
    assert time.monotonic() - started < 15
    assert tab_b.evaluate(STORED) == {"dbs": [], "pages": []}
    typing_keeps_nothing_more(tab_a)
    assert tab_b.evaluate(STORED) == {"dbs": [], "pages": []}


def test_a_session_that_ended_leaves_nothing_for_the_next_user(live_server, tab_a, clerks):
    login(tab_a, live_server, "sonla")
    url = open_form_then_go_offline(tab_a, live_server)
    assert tab_a.evaluate(KEPT_FOR) == [user_key_of("sonla")]
    # The session ends (no logout: the clerk walked away), then the connection is back.
    Session.objects.update(expire_date=timezone.now() - timezone.timedelta(seconds=1))
    tab_a.context.set_offline(False)
    tab_a.get_by_text("Phiên đăng nhập đã hết").wait_for()  # kept, not sent
    assert YearlyFigures.objects.get(province__code="14").tht_new == 100
    tab_a.close()

    # The next clerk signs in on this browser, in a new tab, and opens the same form.
    page = tab_a.context.new_page()
    login(page, live_server, "sonla2")
    open_form(page, live_server)
    assert page.evaluate(DRAFTS) == []
    assert page.evaluate(KEPT_FOR) == [user_key_of("sonla2")]
    assert page.locator("[name=tht_new]").input_value() == "100"
    assert not page.get_by_test_id("offline-saved").is_visible()
    # Offline too: the kept page is the new clerk's own, with nothing of the first one's.
    page.context.set_offline(True)
    page.goto(url)
    assert page.locator("body").get_attribute("data-offline-user") == user_key_of("sonla2")
    page.wait_for_selector("html[data-offline-ready]", state="attached")
    assert page.locator("[name=tht_new]").input_value() == "100"
    assert page.locator("[name=htx_new]").input_value() == "50"
    assert not page.get_by_test_id("offline-saved").is_visible()
