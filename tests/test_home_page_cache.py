"""The signed-in home page's body kept in the default cache (cluster_portal/page_cache.py,
its sources: emulation/home/sources.py): a repeat view builds nothing; every record a
to-do or a table reads shows the moment it changes, and so does the next day; a change
the page does not read keeps the cache; each reader class gets its own body and each
user their own name; the cached page is the page built without the cache, byte for byte."""

import datetime
import re
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from emulation.home import views
from emulation.models import ReportSettings
from provinces.figures.services import figures_submit
from provinces.models import (
    FiguresStatus,
    YearlyFigures,
)
from tests import page_cache_helpers as pages
from tests.calendar_helpers import days_from_today, make_deadlines, today
from tests.factories import make_figures
from tests.scoring_helpers import build_agreement

pytestmark = pytest.mark.django_db

HOME = reverse("home")
TODO = re.compile(r'data-testid="todo" data-kind="([a-z_]+)" data-year="(\d+)"')


def page(client, user) -> str:
    return pages.page(client, user, HOME)


def uncached(client, user) -> str:
    return pages.uncached(client, user, HOME)


def todos(text: str) -> list[tuple[str, str]]:
    return TODO.findall(text)


@pytest.fixture
def builds():
    with pages.counting_builds(views, "_home_body") as spy:
        yield spy


@pytest.fixture
def people(make_staff, admin_user):
    return {
        "sonla": make_staff("Sơn La", 2024, username="sonla"),  # member of Tây Bắc 2024
        "chair": make_staff("Lào Cai", 2024, username="laocai"),  # head of Tây Bắc 2024
        "dienbien": make_staff("Điện Biên", 2024, username="dienbien"),
        "admin": admin_user,
    }


@pytest.fixture
def due_in_30_days():
    return make_deadlines("tay-bac", 2024, figures_due=days_from_today(30))


def enter_the_figures():  # Sơn La's "enter" becomes "submit"
    make_figures("14", 2024)


def submit_the_figures():
    figures = make_figures("14", 2024)
    sonla = get_user_model().objects.get(username="sonla")
    figures_submit(figures=figures, seen_version=figures.version, by=sonla)


def return_the_figures():
    make_figures("14", 2024, status=FiguresStatus.RETURNED, status_reason="Thiếu số HTX mới")


def move_the_deadline():
    deadlines = pages.tay_bac().deadlines.get(year=2024)
    deadlines.figures_due = days_from_today(3)
    deadlines.save()


def sign_a_scoring_agreement():  # self-scores due
    build_agreement(year=2024)


CHANGES = [
    enter_the_figures,
    submit_the_figures,
    return_the_figures,
    move_the_deadline,
    sign_a_scoring_agreement,
    pages.pass_the_flag,
    pages.a_new_member,
    pages.rename_a_province,
]


@pytest.mark.parametrize("change", CHANGES)
def test_a_change_to_what_the_body_reads_shows_at_once(client, people, due_in_30_days, change):
    pages.assert_the_change_shows_at_once(client, people, HOME, change)


def test_a_repeat_view_builds_nothing(client, people, due_in_30_days, builds):
    first = page(client, people["sonla"])
    assert ("figures_enter", "2024") in todos(first)
    assert page(client, people["sonla"]) == first and builds.call_count == 1


def test_the_to_do_goes_the_moment_it_is_done(client, people, due_in_30_days):
    assert ("figures_enter", "2024") in todos(page(client, people["sonla"]))
    assert ("figures_approve", "2024") not in todos(page(client, people["chair"]))
    submit_the_figures()
    assert ("figures_enter", "2024") not in todos(page(client, people["sonla"]))
    assert ("figures_approve", "2024") in todos(page(client, people["chair"]))


def test_the_next_day_gives_the_fresh_page(client, people):
    make_deadlines("tay-bac", 2024, figures_due=today())
    first = page(client, people["sonla"])
    overdue = 'text-bg-danger" data-testid="todo-due"'
    assert "hạn hôm nay" in first and overdue not in first
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    with mock.patch("django.utils.timezone.now", return_value=tomorrow):
        later = page(client, people["sonla"])
        assert overdue in later and "hạn hôm nay" not in later
        assert later == uncached(client, people["sonla"])


def test_a_change_the_body_does_not_read_keeps_the_cache(client, people, due_in_30_days, builds):
    page(client, people["sonla"])
    people["sonla"].first_name = "Lan"  # the name: written per request
    people["sonla"].save()
    ReportSettings.objects.create(cluster=pages.tay_bac(), year=2024, number=4)
    page(client, people["sonla"])
    assert builds.call_count == 1


class TestTheReader:
    def test_each_class_gets_its_own_body(self, client, people, due_in_30_days, builds):
        pages = {name: page(client, user) for name, user in people.items()}
        assert builds.call_count == len(people)
        sonla_enters = "Nhập số liệu năm 2024 của Sơn La"
        assert sonla_enters in pages["sonla"] and sonla_enters not in pages["dienbien"]
        assert 'data-testid="chair-badge"' in pages["chair"]
        assert 'data-testid="chair-badge"' not in pages["sonla"]

    def test_a_colleague_gets_the_cached_body_with_their_own_name(
        self, client, people, make_staff, due_in_30_days, builds
    ):
        sonla = people["sonla"]
        sonla.first_name, sonla.last_name = "Lan", "Nguyễn"
        sonla.save()
        first = page(client, sonla)
        colleague = make_staff("Sơn La", 2024, username="sonla2")
        colleague.first_name = "<b>Hoa</b>"
        colleague.save()
        second = page(client, colleague)
        assert builds.call_count == 1
        assert "Xin chào, Lan Nguyễn" in first and "Hoa" not in first
        assert "Xin chào, &lt;b&gt;Hoa&lt;/b&gt;" in second and "Lan Nguyễn" not in second
        assert todos(first) == todos(second)
        assert second == uncached(client, colleague)


@pytest.mark.parametrize("username", ["laocai", "sonla", "phutho", "admin"])
def test_the_cached_page_is_the_uncached_page(client, demo_data, settings, username):
    user = get_user_model().objects.get(username=username)
    pages.assert_the_cached_page_is_the_uncached_page(client, settings, user, HOME)
    assert YearlyFigures.objects.exists()  # the demo's records, read
