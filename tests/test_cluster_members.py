import pytest

from provinces.models import Cluster
from provinces.organisation.selectors import cluster_members

pytestmark = pytest.mark.django_db


def test_tay_bac_has_seven_members_in_2023():
    names = [p.name for p in cluster_members("tay-bac", 2023)]
    assert len(names) == 7
    assert "Yên Bái" in names and "Hòa Bình" in names


def test_northern_cluster_has_eight_members_in_2025():
    members = cluster_members(Cluster.objects.get(slug="mien-nui-phia-bac-1"), 2025)
    assert len(members) == 8
    assert all(p.is_valid_in(2025) for p in members)
    assert {p.name for p in members} >= {"Cao Bằng", "Tuyên Quang", "Lạng Sơn", "Lào Cai"}


def test_membership_is_by_year():
    assert cluster_members("tay-bac", 2025) == []
    assert cluster_members("mien-nui-phia-bac-1", 2024) == []
    assert len(cluster_members("mien-nui-phia-bac-1", 2030)) == 8
