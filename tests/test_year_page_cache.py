"""The year page's body kept in the default cache (provinces/figures/page_cache.py): a
repeat view builds nothing, a change to anything the body reads gives the fresh page, a
reader of another class never gets another class's body, the access check runs on every
request, and the cached page is the page built without the cache, byte for byte."""

import datetime

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from provinces.calendar.models import Deadlines
from provinces.figures import views
from provinces.models import (
    FiguresStatus,
    Province,
    YearlyFigures,
)
from tests import page_cache_helpers as pages
from tests.factories import make_disbursement, make_figures

pytestmark = pytest.mark.django_db

YEAR_PAGE = reverse("figures:cluster-year", args=["tay-bac", 2024])


def page(client, user) -> str:
    return pages.page(client, user, YEAR_PAGE)


def uncached(client, user) -> str:
    return pages.uncached(client, user, YEAR_PAGE)


@pytest.fixture
def builds():
    with pages.counting_builds(views, "_year_body") as spy:
        yield spy


@pytest.fixture
def laocai(make_staff):
    make_figures("10", 2024, status=FiguresStatus.SUBMITTED)
    return make_staff("Lào Cai", 2024)


def test_a_repeat_view_builds_nothing(client, laocai, builds):
    first = page(client, laocai)
    assert page(client, laocai) == first and builds.call_count == 1


def submit_a_record():
    make_figures("14", 2024, status=FiguresStatus.SUBMITTED)


def approve_a_record():
    record = YearlyFigures.objects.get(province__code="10", year=2024)
    record.status = FiguresStatus.APPROVED
    record.save()


def last_years_record():  # this year's record now warns against it
    make_figures("10", 2023, status=FiguresStatus.APPROVED, htx_members=10)


def a_disbursement():
    make_disbursement("10", "2024-05-02", "1500")


def set_the_deadline():
    Deadlines.objects.create(
        cluster=pages.tay_bac(), year=2024, figures_due=datetime.date(2024, 1, 2)
    )


CHANGES = [
    submit_a_record,
    approve_a_record,
    last_years_record,
    a_disbursement,
    set_the_deadline,
    pages.pass_the_flag,
    pages.a_new_member,
    pages.rename_a_province,
]


@pytest.mark.parametrize("change", CHANGES)
def test_a_change_to_what_the_body_reads_gives_the_fresh_page(client, laocai, change):
    pages.assert_the_change_shows_at_once(client, {"laocai": laocai}, YEAR_PAGE, change)


def test_the_admin_renaming_a_submitter_gives_the_fresh_page(client, laocai):
    submitter = get_user_model().objects.create_user("nop", password="x")
    record = YearlyFigures.objects.get(province__code="10", year=2024)
    record.submitted_by = submitter
    record.save()
    before = page(client, laocai)
    submitter.first_name = "Tên mới"
    submitter.save()
    LogEntry.objects.create(  # users keep no history: the admin's log says it changed
        user=get_user_model().objects.create_superuser("editor", password="x"),
        content_type=ContentType.objects.get_for_model(submitter),
        object_id=str(submitter.pk),
        object_repr=submitter.username,
        action_flag=CHANGE,
    )
    after = page(client, laocai)
    assert "Tên mới" in after and "Tên mới" not in before
    assert after == uncached(client, laocai)


def test_a_change_elsewhere_keeps_the_cached_body(client, laocai, builds):
    page(client, laocai)
    elsewhere = Province.objects.valid_in(2024).get(name="Cao Bằng").code  # another cluster
    make_figures(elsewhere, 2024, status=FiguresStatus.SUBMITTED)
    make_disbursement("10", "2023-05-02", "1500")  # another year
    page(client, laocai)
    assert builds.call_count == 1


class TestTheReaderClass:
    def test_a_reader_of_another_class_gets_their_own_body(
        self, client, laocai, make_staff, admin_user, builds
    ):
        # Lào Cai's 2024 record is submitted, not approved: Sơn La's staff see no link.
        own = page(client, laocai)
        other = page(client, make_staff("Sơn La", 2024))
        admin = page(client, admin_user)
        assert builds.call_count == 3
        assert own != other and other != admin and own != admin
        link = reverse("figures:detail", args=[2024, "10"])
        assert link in own and link in admin and link not in other
        colleague = page(client, make_staff("Lào Cai", 2024, username="laocai2"))
        assert builds.call_count == 3 and link in colleague  # the same class: a hit

    def test_the_chair_gets_the_chairs_body(self, client, laocai, make_staff, builds):
        sonla = make_staff("Sơn La", 2024)
        assert "Bạn là Cụm trưởng" in page(client, laocai)  # Lào Cai heads Tây Bắc in 2024
        assert "Bạn là Cụm trưởng" not in page(client, sonla)
        pages.pass_the_flag()
        assert "Bạn là Cụm trưởng" not in page(client, laocai)
        assert "Bạn là Cụm trưởng" in page(client, sonla)
        assert builds.call_count == 4

    def test_the_access_check_runs_on_every_request(self, client, laocai, make_staff):
        page(client, laocai)
        client.force_login(make_staff("Cao Bằng", 2024))
        assert client.get(YEAR_PAGE).status_code == 404


@pytest.mark.parametrize("username", ["laocai", "sonla", "admin"])
def test_the_cached_page_is_the_uncached_page(client, demo_data, settings, username):
    user = get_user_model().objects.get(username=username)
    pages.assert_the_cached_page_is_the_uncached_page(client, settings, user, YEAR_PAGE)


def test_each_language_gets_its_own_body(client, laocai, settings, builds):
    vietnamese = page(client, laocai)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = page(client, laocai)
    assert "Báo cáo năm" in vietnamese and "Báo cáo năm" not in english  # the body too
    assert builds.call_count == 2
    assert english == uncached(client, laocai)
