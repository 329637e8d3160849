import pytest

from cluster_portal import access
from provinces.models import ClusterTerm
from provinces.organisation.selectors import cluster_members

pytestmark = pytest.mark.django_db


def term(year: int, slug: str = "tay-bac") -> ClusterTerm:
    return ClusterTerm.objects.get(cluster__slug=slug, year=year)


def test_chair_of_2023_is_phu_tho_staff(make_staff):
    assert access.is_chair(make_staff("Phú Thọ", 2023), term(2023))


def test_chair_of_2024_is_lao_cai_staff(make_staff):
    lao_cai = make_staff("Lào Cai", 2024)
    assert access.is_chair(lao_cai, term(2024))
    assert not access.is_chair(lao_cai, term(2023))


def test_son_la_staff_is_not_chair_of_2023(make_staff):
    assert not access.is_chair(make_staff("Sơn La", 2023), term(2023))


def test_phu_tho_keeps_chair_rights_only_for_2023(make_staff):
    phu_tho = make_staff("Phú Thọ", 2023)
    assert not access.is_chair(phu_tho, term(2024))


def test_chair_of_2025_is_lai_chau_staff(make_staff):
    assert access.is_chair(make_staff("Lai Châu", 2025), term(2025, "mien-nui-phia-bac-1"))


def test_staff_act_for_the_merged_unit_after_the_merger(make_staff):
    yen_bai = make_staff("Yên Bái", 2023)
    assert access.unit_of(yen_bai, 2023).name == "Yên Bái"
    assert access.unit_of(yen_bai, 2025).name == "Lào Cai"
    assert access.unit_of(yen_bai, 2025).code == "15"


def test_staff_of_a_new_unit_have_no_unit_before_it_existed(make_staff):
    assert access.unit_of(make_staff("Lào Cai", 2025), 2023) is None


def test_no_term_means_no_chair(make_staff):
    assert not access.is_chair(make_staff("Phú Thọ", 2023), None)


def test_admin_is_superuser_only(admin_user, make_staff):
    assert access.is_admin(admin_user)
    assert not access.is_admin(make_staff("Phú Thọ", 2023))


def test_inactive_users_have_no_role(make_staff):
    user = make_staff("Phú Thọ", 2023)
    user.is_active = False
    assert access.unit_of(user, 2023) is None
    assert not access.is_chair(user, term(2023))


def test_anonymous_has_no_role():
    from django.contrib.auth.models import AnonymousUser

    anonymous = AnonymousUser()
    assert access.unit_of(anonymous, 2023) is None
    assert not access.is_admin(anonymous)
    assert not access.can_view_cluster_year(anonymous, {1, 2}, 2023)


def test_cluster_view_follows_membership_of_the_year(make_staff):
    members_2023 = {p.pk for p in cluster_members("tay-bac", 2023)}
    son_la = make_staff("Sơn La", 2023)
    assert access.can_view_cluster_year(son_la, members_2023, 2023)
    cao_bang = make_staff("Cao Bằng", 2023)
    assert not access.can_view_cluster_year(cao_bang, members_2023, 2023)


def test_national_staff_view_every_cluster_and_chair_none(make_national, make_staff):
    vca = make_national()
    for slug, year in (("tay-bac", 2023), ("tay-bac", 2024), ("mien-nui-phia-bac-1", 2025)):
        assert access.can_view_cluster_year(vca, {p.pk for p in cluster_members(slug, year)}, year)
        assert not access.is_chair(vca, term(year, slug))
        assert not access.reads_every_state(vca, term(year, slug))
    assert access.unit_of(vca, 2023) is None and not access.is_admin(vca)
    assert not access.can_view_national(make_staff("Phú Thọ", 2023))
