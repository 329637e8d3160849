"""The home page as a to-do list: each to-do appears for the right person, most urgent
first, and disappears when done; the reporting-rate table; queries that do not grow."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from emulation.models import Conference
from provinces.figures.services import figures_approve, figures_return, figures_submit
from provinces.models import Cluster, ClusterTerm, FiguresStatus, Province, YearlyFigures
from provinces.organisation.selectors import province_for_code
from tests.calendar_helpers import days_from_today, make_deadlines, today
from tests.factories import make_figures

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("home_built_every_time")]


@pytest.fixture
def people(make_staff, admin_user):
    return {
        "sonla": make_staff("Sơn La", 2024, username="sonla"),  # member of Tây Bắc 2024
        "chair": make_staff("Lào Cai", 2024, username="laocai"),  # head of Tây Bắc 2024
        "dienbien": make_staff("Điện Biên", 2024, username="dienbien"),
        "caobang": make_staff("Cao Bằng", 2025, username="caobang"),  # not in Tây Bắc
        "admin": admin_user,
    }


@pytest.fixture
def due_in_30_days():
    return make_deadlines("tay-bac", 2024, figures_due=days_from_today(30))


def todos(client, user, year=2024, kind_prefix=""):
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return [
        (todo.kind, todo.owner.code if todo.owner else None)
        for todo in response.context["todos"]
        if todo.year == year and todo.kind.startswith(kind_prefix)
    ]


def test_it_requires_login(client):
    assert client.get(reverse("home")).status_code == 302


def test_figures_to_enter_appear_for_that_provinces_staff_only(client, people, due_in_30_days):
    assert ("figures_enter", "14") in todos(client, people["sonla"])
    assert ("figures_enter", "14") not in todos(client, people["dienbien"])
    assert ("figures_enter", "14") not in todos(client, people["chair"])
    assert todos(client, people["caobang"]) == []
    assert todos(client, people["admin"], kind_prefix="figures") == []


def test_the_figures_to_do_follows_the_record_until_it_is_done(
    client, people, due_in_30_days, django_capture_on_commit_callbacks
):
    figures = make_figures("14", 2024)
    assert ("figures_submit", "14") in todos(client, people["sonla"])
    with django_capture_on_commit_callbacks(execute=False):
        figures = figures_submit(figures=figures, seen_version=figures.version, by=people["sonla"])
    assert todos(client, people["sonla"], kind_prefix="figures") == []
    assert ("figures_approve", "14") in todos(client, people["chair"])
    assert ("figures_approve", "14") not in todos(client, people["dienbien"])

    with django_capture_on_commit_callbacks(execute=False):
        figures = figures_return(
            figures=figures,
            seen_version=figures.version,
            by=people["chair"],
            reason="Thiếu số HTX mới",
        )
    assert ("figures_fix", "14") in todos(client, people["sonla"])
    page = client.get(reverse("home")).text
    assert "Thiếu số HTX mới" in page and "/figures/2024/14/" in page
    assert ("figures_approve", "14") not in todos(client, people["chair"])

    with django_capture_on_commit_callbacks(execute=False):
        figures = figures_submit(figures=figures, seen_version=figures.version, by=people["sonla"])
        figures_approve(figures=figures, seen_version=figures.version, by=people["chair"])
    assert todos(client, people["sonla"], kind_prefix="figures") == []
    assert ("figures_approve", "14") not in todos(client, people["chair"])


def test_overdue_comes_first_stays_until_done_and_the_chair_sees_whose(client, people):
    make_deadlines("tay-bac", 2024, figures_due=days_from_today(-400))
    for code in ("10", "11", "12", "15", "17", "25"):
        make_figures(code, 2024, status=FiguresStatus.APPROVED)
    client.force_login(people["sonla"])
    response = client.get(reverse("home"))
    first = response.context["todos"][0]
    assert (first.kind, first.year, first.overdue) == ("figures_enter", 2024, True)
    assert response.context["overdue"] >= 1
    assert "quá hạn" in response.text
    assert todos(client, people["chair"], kind_prefix="figures_overdue") == [
        ("figures_overdue", "14")
    ]
    make_figures("14", 2024, status=FiguresStatus.SUBMITTED)
    assert todos(client, people["chair"], kind_prefix="figures_overdue") == []


def test_due_today_is_not_overdue(client, people):
    make_deadlines("tay-bac", 2024, figures_due=today())
    client.force_login(people["sonla"])
    response = client.get(reverse("home"))
    todo = next(t for t in response.context["todos"] if t.year == 2024)
    assert not todo.overdue and todo.days == 0
    assert "hạn hôm nay" in response.text


def test_a_later_deadline_ranks_below_a_sooner_one(client, people):
    make_deadlines("tay-bac", 2024, figures_due=days_from_today(3))
    make_deadlines("mien-nui-phia-bac-1", 2025, figures_due=days_from_today(20))
    client.force_login(people["sonla"])
    kinds = [(t.year, t.due) for t in client.get(reverse("home")).context["todos"]][:2]
    assert kinds == [(2024, days_from_today(3)), (2025, days_from_today(20))]


# --- The chair's calendar: deadlines to set, the conference to record ------------------------


@pytest.fixture
def this_years_chair(make_staff):
    """A term for the current year of the northern cluster, chaired by Lai Châu."""
    year = today().year
    cluster = Cluster.objects.get(slug="mien-nui-phia-bac-1")
    ClusterTerm.objects.filter(cluster=cluster, year=year).delete()
    ClusterTerm.objects.create(
        cluster=cluster,
        year=year,
        head=province_for_code("12", year),
        vice=province_for_code("14", year),
    )
    return make_staff("Lai Châu", year, username="laichau")


def test_the_chair_is_asked_to_set_the_deadlines_then_to_record_the_conference(
    client, this_years_chair, people
):
    year = today().year
    assert ("deadlines_set", None) in todos(client, this_years_chair, year=year)
    assert todos(client, people["sonla"], year=year, kind_prefix="deadlines") == []
    make_deadlines("mien-nui-phia-bac-1", year, conference_on=days_from_today(-1))
    assert todos(client, this_years_chair, year=year, kind_prefix="conference") == [
        ("conference_record", None)
    ]
    assert todos(client, people["sonla"], year=year, kind_prefix="conference") == []
    Conference.objects.create(
        cluster=Cluster.objects.get(slug="mien-nui-phia-bac-1"),
        year=year,
        ordinal="XIV",
        date=days_from_today(-1),
        venue="Lai Châu",
        host=province_for_code("12", year),
    )
    assert todos(client, this_years_chair, year=year, kind_prefix="conference") == []


# --- The admin: heads and vice-heads, the flag to pass -----------------------------------------


def test_the_admin_is_asked_for_missing_heads_and_the_flag_to_pass(client, people):
    year = today().year
    cluster = Cluster.objects.get(slug="mien-nui-phia-bac-1")
    ClusterTerm.objects.filter(cluster=cluster, year__in=[year, year + 1]).delete()
    assert ("term_missing", None) in todos(client, people["admin"], year=year)
    assert ("flag_pass", None) in todos(client, people["admin"], year=year + 1)
    assert todos(client, people["sonla"], year=year + 1) == []
    ClusterTerm.objects.create(
        cluster=cluster, year=year, head=province_for_code("12", year), vice=None
    )
    assert todos(client, people["admin"], year=year) == [("vice_missing", None)]
    ClusterTerm.objects.create(
        cluster=cluster,
        year=year + 1,
        head=province_for_code("14", year + 1),
        vice=province_for_code("12", year + 1),
    )
    assert todos(client, people["admin"], year=year + 1) == []
    text = client.get(reverse("home")).text
    assert f"{reverse('rotation:rotate', args=[cluster.slug])}?to_year={year}" in text


# --- Completeness and timeliness per member ----------------------------------------------------


def test_the_reporting_rate_table(client, people, make_staff):
    due = datetime.date(2025, 1, 15)
    make_deadlines("tay-bac", 2024, figures_due=due)
    from tests.calendar_helpers import at

    for code, when in (("11", "2025-01-15"), ("12", "2025-01-16"), ("25", "2025-01-10")):
        figures = make_figures(code, 2024, status=FiguresStatus.SUBMITTED)
        figures.submitted_at, figures.submitted_by = at(when, "08:00"), people["sonla"]
        figures.save()
    make_figures("14", 2024)  # a draft, overdue
    client.force_login(people["sonla"])
    response = client.get(reverse("home"))
    table = next(t for t in response.context["tables"] if t.cy.cluster.slug == "tay-bac")
    assert table.cy.year == 2024
    states = {row.province.code: row.timeliness for row in table.rows}
    assert states["11"] == "on_time" and states["25"] == "on_time" and states["12"] == "late"
    assert states["14"] == "missing"
    rate = table.rate
    assert (rate.total, rate.submitted, rate.on_time, rate.late, rate.missing) == (7, 3, 2, 1, 4)
    assert "Đã nộp 3/7 (đúng hạn 2, muộn 1)" in response.text
    # other members' drafts are not opened from here: the table shows only the state
    assert "/figures/2024/12/edit/" not in response.text


def test_a_staff_user_sees_no_table_of_a_cluster_they_are_not_in(client, people, due_in_30_days):
    client.force_login(people["caobang"])
    tables = client.get(reverse("home")).context["tables"]
    assert all(t.cy.cluster.slug != "tay-bac" for t in tables)


# --- Queries ----------------------------------------------------------------------------------


def add_cluster(index: int, size: int) -> None:
    year = today().year
    cluster = Cluster.objects.create(slug=f"synthetic-{index}", name=f"Cụm {index}", from_year=2000)
    units = [
        Province.objects.create(code=f"{60 + index * 10 + i}", name=f"Tỉnh {index}-{i}")
        for i in range(size)
    ]
    from provinces.models import ClusterMembership

    for unit in units:
        ClusterMembership.objects.create(cluster=cluster, province=unit, from_year=2000)
    for y in range(year - 3, year + 1):
        ClusterTerm.objects.create(cluster=cluster, year=y, head=units[0], vice=units[1])
        make_deadlines(cluster.slug, y, figures_due=days_from_today(-5), conference_on=today())
    for unit in units[: size // 2]:
        YearlyFigures.objects.create(province=unit, year=year - 1, status=FiguresStatus.SUBMITTED)


def home_queries(client, user) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("home")).status_code == 200
    return len(queries)


def test_the_home_page_runs_a_fixed_number_of_queries(client, people, due_in_30_days):
    make_figures("14", 2024, status=FiguresStatus.SUBMITTED)
    before = {who: home_queries(client, people[who]) for who in ("sonla", "chair", "admin")}
    add_cluster(1, 4)
    add_cluster(2, 9)
    for code in ("11", "12"):
        make_figures(code, 2024, status=FiguresStatus.RETURNED)
    after = {who: home_queries(client, people[who]) for who in ("sonla", "chair", "admin")}
    assert after == before
    assert before["sonla"] <= 15  # +2: the open scoring agreements, the nominations in dossiers


def test_the_chair_is_not_told_twice_about_their_own_provinces_figures(client, people):
    make_deadlines("tay-bac", 2024, figures_due=days_from_today(-3))
    chair = todos(client, people["chair"])
    assert ("figures_enter", "10") in chair  # as Lào Cai's staff
    assert ("figures_overdue", "10") not in chair
    assert ("figures_overdue", "14") in chair
