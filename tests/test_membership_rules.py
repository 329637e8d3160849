import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from provinces.models import Cluster, ClusterMembership, Province
from provinces.organisation.selectors import province_for_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def northern():
    return Cluster.objects.get(slug="mien-nui-phia-bac-1")


def test_database_refuses_a_membership_ending_before_it_starts(northern):
    with pytest.raises(IntegrityError), transaction.atomic():
        ClusterMembership.objects.create(
            cluster=northern, province=province_for_code("02", 2024), from_year=2026, to_year=2025
        )


def test_database_refuses_the_same_membership_twice(northern):
    with pytest.raises(IntegrityError), transaction.atomic():
        ClusterMembership.objects.create(
            cluster=northern, province=province_for_code("04", 2025), from_year=2025
        )


def test_a_province_belongs_to_one_cluster_a_year():
    tay_bac = Cluster.objects.get(slug="tay-bac")
    membership = ClusterMembership(
        cluster=tay_bac, province=province_for_code("04", 2024), from_year=2023, to_year=2024
    )
    membership.full_clean()  # Cao Bằng was in no cluster in 2023-2024
    membership = ClusterMembership(
        cluster=tay_bac, province=province_for_code("04", 2025), from_year=2023, to_year=2026
    )
    with pytest.raises(ValidationError, match="mỗi năm một tỉnh chỉ thuộc một cụm"):
        membership.full_clean()


def test_a_unit_cannot_be_member_after_it_merged(northern):
    old_lao_cai = Province.objects.get(code="10")
    membership = ClusterMembership(cluster=northern, province=old_lao_cai, from_year=2025)
    with pytest.raises(ValidationError, match="không có hiệu lực"):
        membership.full_clean()


def test_membership_years_must_fall_in_the_cluster_years():
    tay_bac = Cluster.objects.get(slug="tay-bac")
    membership = ClusterMembership(
        cluster=tay_bac, province=province_for_code("02", 2024), from_year=2022, to_year=2024
    )
    with pytest.raises(ValidationError, match="thời gian hoạt động của cụm"):
        membership.full_clean()


def test_overlapping_units_with_one_code_are_refused():
    clash = Province(code="15", name="Yên Bái mới", valid_from=None, valid_to=None)
    with pytest.raises(ValidationError, match="chồng nhau"):
        clash.full_clean()


def test_admin_refuses_a_membership_breaking_the_rules(client, admin_user, northern):
    client.force_login(admin_user)
    old_lao_cai = Province.objects.get(code="10")
    before = ClusterMembership.objects.count()
    response = client.post(
        reverse("admin:provinces_clustermembership_add"),
        {"cluster": northern.pk, "province": old_lao_cai.pk, "from_year": 2025, "to_year": ""},
    )
    assert response.status_code == 200
    assert "không có hiệu lực" in response.text
    assert ClusterMembership.objects.count() == before
