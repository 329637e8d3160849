"""The report page's body kept in the default cache (cluster_portal/page_cache.py, its
sources: emulation/reports/sources.py): a repeat view builds nothing, a change to anything
the page shows (the report, its ranking, the chair's buttons) gives the fresh page at once,
a change elsewhere keeps the cache, a reader of another class never gets another class's
body, the access check runs on every request, and the cached page is the page built
without the cache, byte for byte. On the demo: Tây Bắc 2023, its scoring meeting recorded."""

import datetime
import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from cluster_portal.documents import data_stamp
from emulation.conference.models import Conference
from emulation.nominations.models import Nomination
from emulation.reports import views
from emulation.reports.models import ReportSettings
from emulation.reports.sources import report_sources
from emulation.scoring.models import Score
from provinces.models import ClusterTerm, FiguresStatus, Province, YearlyFigures
from tests import page_cache_helpers as pages
from tests.factories import make_disbursement, make_figures

pytestmark = pytest.mark.django_db

REPORT_PAGE = reverse("reports:page", args=["tay-bac", 2023])


def user(username):
    return get_user_model().objects.get(username=username)


def page(client, who) -> str:
    return pages.page(client, who, REPORT_PAGE)


@pytest.fixture
def builds():
    with pages.counting_builds(views, "_report_body") as spy:
        yield spy


@pytest.fixture
def laocai(demo_data):
    return user("laocai")


def edit_a_figure():
    record = YearlyFigures.objects.get(province__code="14", year=2023)
    record.htx_total += 7
    record.save()


def a_disbursement():
    make_disbursement("14", "2023-05-02", "1500")


def change_a_final_score():  # the ranking's totals
    score = (
        Score.objects.filter(
            sheet__agreement__cluster__slug="tay-bac",
            sheet__agreement__year=2023,
            final_points__isnull=False,
        )
        .order_by("pk")
        .first()
    )
    score.final_points += Decimal("3.25")
    score.save()


def move_the_conference():
    conference = Conference.objects.get(cluster=pages.tay_bac(), year=2023)
    conference.venue = "Nhà văn hóa mới"
    conference.save()


def number_the_report():
    settings, _ = ReportSettings.objects.get_or_create(cluster=pages.tay_bac(), year=2023)
    settings.place = "Điện Biên Phủ"
    settings.save()


def decide_a_nomination():
    nominations = Nomination.objects.filter(cluster=pages.tay_bac(), year=2023)
    nomination = nominations.order_by("pk").first()
    nomination.decision_number = "999/QĐ-TEST"
    nomination.decision_date = nomination.decision_date or datetime.date(2024, 1, 5)
    nomination.save()


def pass_the_flag_of_next_year():
    term = ClusterTerm.objects.get(cluster=pages.tay_bac(), year=2024)
    term.head, term.vice = term.vice, term.head
    term.save()


def rename_a_province():
    province = Province.objects.valid_in(2023).get(code="14")
    province.name += " mới"
    province.save()


CHANGES = [
    edit_a_figure,
    a_disbursement,
    change_a_final_score,
    move_the_conference,
    number_the_report,
    decide_a_nomination,
    pass_the_flag_of_next_year,
    rename_a_province,
]


def test_a_repeat_view_builds_nothing(client, laocai, builds):
    first = page(client, laocai)
    assert page(client, laocai) == first and builds.call_count == 1


@pytest.mark.parametrize("change", CHANGES)
def test_a_change_to_what_the_page_shows_gives_the_fresh_page(client, laocai, change):
    pages.assert_the_change_shows_at_once(client, {"laocai": laocai}, REPORT_PAGE, change)


def test_the_ranking_follows_the_scores_at_once(client, laocai):
    ranking = re.compile(r'data-testid="report-ranking".*?</table>', re.S)
    before = ranking.search(page(client, laocai)).group()
    change_a_final_score()
    assert ranking.search(page(client, laocai)).group() != before


def test_a_change_elsewhere_keeps_the_cached_body(client, laocai, builds):
    page(client, laocai)
    make_figures("04", 2023, status=FiguresStatus.SUBMITTED)  # another cluster
    make_disbursement("14", "2024-05-02", "1500")  # another year
    Conference.objects.filter(cluster=pages.tay_bac()).exclude(year=2023).update(venue="x")
    page(client, laocai)
    assert builds.call_count == 1


class TestTheReaderClass:
    def test_each_class_gets_its_own_body(self, client, demo_data, admin_user, builds):
        bodies = {name: page(client, user(name)) for name in ("laocai", "sonla", "phutho")}
        bodies["admin"] = page(client, admin_user)
        assert builds.call_count == 4
        # Phú Thọ chairs Tây Bắc in 2023: the settings link is the chair's alone.
        settings_link = reverse("reports:settings", args=["tay-bac", 2023])
        assert settings_link in bodies["phutho"] and settings_link not in bodies["laocai"]
        assert len(set(bodies.values())) == 4  # the greeting-free bodies differ by class too

    def test_a_reader_of_the_same_class_gets_the_cached_body(
        self, client, laocai, make_staff, builds
    ):
        article = re.compile(r"<article.*</article>", re.S)
        first = article.search(page(client, laocai)).group()
        colleague = make_staff("Lào Cai", 2023, username="laocai2")
        assert article.search(page(client, colleague)).group() == first
        assert builds.call_count == 1

    def test_the_access_check_runs_on_every_request(self, client, laocai, make_staff):
        page(client, laocai)
        client.force_login(make_staff("Cao Bằng", 2023))
        assert client.get(REPORT_PAGE).status_code == 404


@pytest.mark.parametrize("username", ["laocai", "sonla", "phutho", "admin"])
def test_the_cached_page_is_the_uncached_page(client, demo_data, settings, username):
    pages.assert_the_cached_page_is_the_uncached_page(client, settings, user(username), REPORT_PAGE)


def test_the_reports_files_follow_the_ranking_too(demo_data):
    """The PDF prints the ranking as the page does: the same sources (before, the scoring
    was not among them, and a cached PDF kept the old ranking)."""
    before = data_stamp(report_sources("tay-bac", 2023))
    change_a_final_score()
    assert data_stamp(report_sources("tay-bac", 2023)) != before
