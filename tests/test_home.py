import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from provinces.models import Cluster, ClusterMembership, ClusterTerm, Province

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("home_built_every_time")]


def cluster_years_shown(response) -> list[tuple[int, str]]:
    return [(row["cy"].year, row["cy"].cluster.slug) for row in response.context["rows"]]


def test_it_requires_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_it_shows_the_staff_users_cluster_year_by_year(client, make_staff):
    client.force_login(make_staff("Lào Cai", 2023))
    response = client.get(reverse("home"))
    shown = cluster_years_shown(response)
    assert (2023, "tay-bac") in shown and (2024, "tay-bac") in shown
    assert (2025, "mien-nui-phia-bac-1") in shown  # Lào Cai merged with Yên Bái, same cluster work
    assert "Liên minh HTX tỉnh Phú Thọ" in response.text  # head of 2023
    assert "Liên minh HTX tỉnh Lai Châu" in response.text  # vice of 2024, head of 2025


def test_it_marks_the_chair_years(client, make_staff):
    client.force_login(make_staff("Lào Cai", 2023))
    response = client.get(reverse("home"))
    assert response.context["chair_years"] == [2024]
    assert "Bạn là Cụm trưởng năm này" in response.text


def test_it_hides_clusters_the_user_is_not_in(client, make_staff):
    client.force_login(make_staff("Cao Bằng", 2023))
    shown = cluster_years_shown(client.get(reverse("home")))
    assert shown and all(slug == "mien-nui-phia-bac-1" for _, slug in shown)


def test_admin_sees_every_cluster_and_the_admin_links(client, admin_user):
    client.force_login(admin_user)
    response = client.get(reverse("home"))
    assert {slug for _, slug in cluster_years_shown(response)} == {"tay-bac", "mien-nui-phia-bac-1"}
    assert reverse("admin:provinces_clustermembership_changelist") in response.text
    # Terms and rotation: the portal's own page, not the Django admin.
    assert reverse("rotation:terms", args=["tay-bac"]) in response.text
    assert reverse("admin:provinces_clusterterm_changelist") not in response.text


def test_the_head_card_links_to_the_portal_terms_page(client, make_staff):
    client.force_login(make_staff("Sơn La", 2023))
    response = client.get(reverse("home"))
    assert 'data-testid="terms-link"' in response.text
    assert f'href="{reverse("rotation:terms", args=["tay-bac"])}"' in response.text
    assert "/admin/" not in response.text


def test_a_user_without_an_alliance_is_told_what_to_do(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("nobody", password="pw"))
    response = client.get(reverse("home"))
    assert response.context["rows"] == []
    assert "chưa gắn với Liên minh HTX tỉnh nào" in response.text


def test_years_are_not_grouped_like_numbers(client, admin_user):
    client.force_login(admin_user)
    text = client.get(reverse("home")).text
    assert "Năm 2023" in text and "2.023" not in text


def add_cluster(index: int, provinces: int) -> None:
    cluster = Cluster.objects.create(slug=f"synthetic-{index}", name=f"Cụm {index}", from_year=2000)
    units = [
        Province.objects.create(code=f"{50 + index * 10 + i:02d}"[-2:], name=f"Tỉnh {index}-{i}")
        for i in range(provinces)
    ]
    for unit in units:
        ClusterMembership.objects.create(cluster=cluster, province=unit, from_year=2000)
    for year in range(2000, 2026):
        ClusterTerm.objects.create(
            cluster=cluster,
            year=year,
            head=units[year % provinces],
            vice=units[(year + 1) % provinces],
        )


def queries_for_home(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("home")).status_code == 200
    return len(queries)


def test_queries_do_not_grow_with_provinces_and_years(client, admin_user, make_staff):
    staff = make_staff("Sơn La", 2023)
    client.force_login(admin_user)
    admin_before = queries_for_home(client)
    client.force_login(staff)
    staff_before = queries_for_home(client)

    add_cluster(1, 4)
    add_cluster(2, 3)

    client.force_login(admin_user)
    assert queries_for_home(client) == admin_before
    client.force_login(staff)
    assert queries_for_home(client) == staff_before
    # session, user, memberships, terms, staff profile, session save (in a savepoint);
    # the to-dos: memberships, terms, deadlines, figures, open scoring agreements,
    # nominations in dossiers, conferences
    assert staff_before <= 15
