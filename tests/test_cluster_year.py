import pytest
from django.urls import reverse

from provinces.models import (
    Cluster,
    ClusterMembership,
    ClusterTerm,
    FiguresStatus,
    Province,
    YearlyFigures,
)
from tests.factories import GOOD_VALUES, make_figures

pytestmark = pytest.mark.django_db

YEAR_PAGE = reverse("figures:cluster-year", args=["tay-bac", 2024])


def test_it_shows_every_member_with_status_and_completeness(client, make_staff):
    make_figures("14", 2024, status=FiguresStatus.APPROVED)
    make_figures("10", 2024, status=FiguresStatus.SUBMITTED)
    make_figures("11", 2024, status=FiguresStatus.RETURNED)
    make_figures("12", 2024, status=FiguresStatus.DRAFT)
    client.force_login(make_staff("Lào Cai", 2024))
    response = client.get(YEAR_PAGE)
    assert response.status_code == 200
    assert "2/7 đã nộp, 1/7 đã duyệt" in response.text
    assert response.text.count('data-province="') == 7
    assert "Chưa nhập" in response.text and "Trả lại để sửa" in response.text


def test_outstanding_warnings_are_counted(client, admin_user):
    make_figures("14", 2024, htx_members=10)
    client.force_login(admin_user)
    response = client.get(YEAR_PAGE)
    row = next(r for r in response.context["overview"].rows if r.province.code == "14")
    assert [w.code for w in row.warnings] == ["htx_members"]
    assert "chưa giải trình" in response.text


def test_it_is_for_the_clusters_members(client, make_staff):
    client.force_login(make_staff("Cao Bằng", 2024))
    assert client.get(YEAR_PAGE).status_code == 404
    client.force_login(make_staff("Sơn La", 2024, username="sonla"))
    assert client.get(YEAR_PAGE).status_code == 200


def test_anonymous_is_sent_to_login(client):
    assert client.get(YEAR_PAGE).status_code == 302


def test_the_year_link_finds_the_users_cluster(client, make_staff):
    client.force_login(make_staff("Lào Cai", 2023))
    response = client.get(reverse("figures:year-redirect", args=[2025]))
    assert response.url == reverse("figures:cluster-year", args=["mien-nui-phia-bac-1", 2025])


def build_cluster(provinces: int, years: int = 2) -> Cluster:
    """A synthetic cluster with a term and figures for every member in 2023 and 2024."""
    cluster = Cluster.objects.create(slug=f"synthetic-{provinces}", name="Cụm thử", from_year=2020)
    units = []
    for i in range(provinces):
        unit = Province.objects.create(
            code=f"{50 + i}", name=f"Tỉnh thử {provinces}-{i}", valid_from=None
        )
        units.append(unit)
        ClusterMembership.objects.create(cluster=cluster, province=unit, from_year=2020)
    ClusterTerm.objects.create(cluster=cluster, year=2024, head=units[0], vice=units[1])
    for year in range(2025 - years, 2025):
        YearlyFigures.objects.bulk_create(
            YearlyFigures(province=unit, year=year, status=FiguresStatus.SUBMITTED, **GOOD_VALUES)
            for unit in units
        )
    return cluster


@pytest.mark.parametrize("provinces", [7, 40])
def test_the_year_page_runs_a_fixed_number_of_queries(
    client, admin_user, provinces, django_assert_max_num_queries
):
    cluster = build_cluster(provinces)
    client.force_login(admin_user)
    # session, user, cluster, members, term, figures, previous figures, staff profile,
    # disbursement predecessors and totals (2), the session save in a savepoint (3), and
    # the year's deadlines (late marking)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("figures:cluster-year", args=[cluster.slug, 2024]))
    assert response.text.count('data-province="') == provinces


@pytest.mark.parametrize("provinces", [7, 40])
def test_the_record_page_runs_a_fixed_number_of_queries(
    client, admin_user, provinces, django_assert_max_num_queries
):
    cluster = build_cluster(provinces, years=5)
    unit = cluster.memberships.order_by("province__name").first().province
    client.force_login(admin_user)
    # 14, the year's deadlines (late marking), and the admin's own province (four eyes: an
    # admin who is a province's staff does not decide on its records).
    with django_assert_max_num_queries(16):
        response = client.get(reverse("figures:detail", args=[2024, unit.code]))
    assert response.status_code == 200
