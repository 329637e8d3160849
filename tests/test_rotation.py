import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from cluster_portal import access
from emulation.rotation.services import RotationError, cluster_head_rotate
from provinces.models import Cluster, ClusterTerm
from provinces.organisation.selectors import province_for_code
from tests.versions import term_version

pytestmark = pytest.mark.django_db


@pytest.fixture
def tay_bac():
    return Cluster.objects.get(slug="tay-bac")


def term(year, slug="tay-bac"):
    return ClusterTerm.objects.select_related("head", "vice").get(cluster__slug=slug, year=year)


def test_rotating_2023_to_2024_gives_lao_cai_and_lai_chau(tay_bac):
    ClusterTerm.objects.filter(cluster=tay_bac, year=2024).delete()
    call_command("rotate_cluster_head", cluster="tay-bac", to_year=2024, vice="12")
    assert (term(2024).head.name, term(2024).vice.name) == ("Lào Cai", "Lai Châu")


def test_chair_rights_move_with_the_term_at_once(tay_bac, make_staff):
    lao_cai, phu_tho = make_staff("Lào Cai", 2023), make_staff("Phú Thọ", 2023)
    ClusterTerm.objects.filter(cluster=tay_bac, year=2024).delete()
    assert not access.is_chair(lao_cai, ClusterTerm.objects.filter(year=2024).first())
    cluster_head_rotate(
        cluster=tay_bac,
        to_year=2024,
        seen_version=term_version(tay_bac, 2024),
        vice=province_for_code("12", 2024),
    )
    assert access.is_chair(lao_cai, term(2024))
    assert access.is_chair(phu_tho, term(2023)) and not access.is_chair(phu_tho, term(2024))


def test_rotating_tay_bac_into_2025_points_to_the_northern_cluster():
    with pytest.raises(CommandError) as caught:
        call_command("rotate_cluster_head", cluster="tay-bac", to_year=2025)
    message = str(caught.value)
    assert "không có thành viên nào năm 2025" in message
    assert "mien-nui-phia-bac-1" in message
    assert not ClusterTerm.objects.filter(cluster__slug="tay-bac", year=2025).exists()


def test_an_existing_term_needs_replace_and_the_old_one_stays_in_history(tay_bac, admin_user):
    with pytest.raises(RotationError, match="Năm 2024 đã có cụm trưởng") as caught:
        cluster_head_rotate(
            cluster=tay_bac,
            to_year=2024,
            seen_version=term_version(tay_bac, 2024),
            vice=province_for_code("14", 2024),
        )
    assert caught.value.remedy == "replace" and "--" not in str(caught.value)
    with pytest.raises(CommandError, match="Dùng --replace để thay"):
        call_command("rotate_cluster_head", cluster="tay-bac", to_year=2024, vice="14")
    assert term(2024).vice.name == "Lai Châu"

    cluster_head_rotate(
        cluster=tay_bac,
        to_year=2024,
        vice=province_for_code("14", 2024),
        replace=True,
        by=admin_user,
        seen_version=term_version(tay_bac, 2024),
    )
    assert term(2024).vice.name == "Sơn La"
    versions = [
        (h.vice.name, h.history_change_reason) for h in term(2024).history.order_by("history_id")
    ]
    assert versions[-1] == ("Sơn La", "Thay thế nhiệm kỳ")
    assert term(2024).history.count() == 1  # loaded rows have no history until first change


def test_the_command_names_its_head_option_when_no_vice_can_take_the_flag():
    with pytest.raises(CommandError, match="không có cụm phó") as caught:
        call_command("rotate_cluster_head", cluster="mien-nui-phia-bac-1", to_year=2026)
    assert "Chỉ định cụm trưởng bằng --head." in str(caught.value)


def test_head_and_vice_cannot_be_the_same(tay_bac):
    ClusterTerm.objects.filter(cluster=tay_bac, year=2024).delete()
    with pytest.raises(RotationError, match="hai Liên minh HTX khác nhau"):
        cluster_head_rotate(
            cluster=tay_bac,
            to_year=2024,
            seen_version=term_version(tay_bac, 2024),
            vice=province_for_code("10", 2024),
        )


def test_a_non_member_cannot_be_vice(tay_bac):
    ClusterTerm.objects.filter(cluster=tay_bac, year=2024).delete()
    with pytest.raises(RotationError, match="không phải thành viên của cụm năm 2024"):
        cluster_head_rotate(
            cluster=tay_bac,
            to_year=2024,
            seen_version=term_version(tay_bac, 2024),
            vice=province_for_code("04", 2024),
        )


def test_after_a_merger_the_admin_must_choose():
    northern = Cluster.objects.get(slug="mien-nui-phia-bac-1")
    with pytest.raises(RotationError, match="không có cụm phó"):
        cluster_head_rotate(
            cluster=northern, to_year=2026, seen_version=term_version(northern, 2026)
        )
    old_lao_cai = province_for_code("10", 2024)
    with pytest.raises(RotationError, match="đã sáp nhập vào"):
        cluster_head_rotate(
            cluster=northern,
            to_year=2026,
            seen_version=term_version(northern, 2026),
            head=old_lao_cai,
        )
    new = cluster_head_rotate(
        cluster=northern,
        to_year=2026,
        seen_version=term_version(northern, 2026),
        head=province_for_code("12", 2026),
    )
    assert new.head.name == "Lai Châu" and new.vice is not None and new.vice.pk != new.head.pk


def test_the_default_vice_is_the_next_who_waited_longest(tay_bac):
    ClusterTerm.objects.filter(cluster=tay_bac, year=2024).delete()
    new = cluster_head_rotate(
        cluster=tay_bac, to_year=2024, seen_version=term_version(tay_bac, 2024)
    )
    assert new.head.name == "Lào Cai"  # the vice-head of 2023
    assert new.vice.name not in {"Lào Cai", "Phú Thọ"}  # Phú Thọ served in 2023


def test_the_command_refuses_unknown_clusters_and_codes():
    with pytest.raises(CommandError, match="Không có cụm"):
        call_command("rotate_cluster_head", cluster="nowhere", to_year=2024)
    with pytest.raises(CommandError, match="không ứng với tỉnh nào"):
        call_command(
            "rotate_cluster_head", cluster="tay-bac", to_year=2024, vice="99", replace=True
        )


class TestRotatePage:
    def url(self):
        return reverse("rotation:rotate", args=["tay-bac"])

    def test_only_admins_rotate(self, client, make_staff):
        assert client.get(self.url()).status_code == 302
        client.force_login(make_staff("Phú Thọ", 2023))  # even the chair
        assert client.get(self.url()).status_code == 403

    def test_admin_rotates_and_sees_the_refusals(self, client, admin_user, tay_bac):
        client.force_login(admin_user)
        response = client.post(self.url(), {"to_year": 2025})
        assert "mien-nui-phia-bac-1" in response.text
        shown = term_version(tay_bac, 2024)  # what the page for 2024 shows
        son_la = province_for_code("14", 2024).pk
        response = client.post(self.url(), {"to_year": 2024, "vice": son_la, "seen_version": shown})
        # In the page's words: the box to tick, no command-line option.
        assert "Đánh dấu ô “Thay thế nhiệm kỳ đã có" in response.text
        assert "--replace" not in response.text
        response = client.post(
            self.url(), {"to_year": 2024, "vice": son_la, "replace": "on", "seen_version": shown}
        )
        assert response.status_code == 302
        assert term(2024).vice.name == "Sơn La"
        page = client.get(reverse("rotation:terms", args=["tay-bac"]))
        assert "Thay thế nhiệm kỳ" in page.text


def test_the_page_asks_for_the_head_in_its_own_words(client, admin_user):
    northern = Cluster.objects.get(slug="mien-nui-phia-bac-1")
    client.force_login(admin_user)
    response = client.post(
        reverse("rotation:rotate", args=[northern.slug]),
        {"to_year": 2026, "seen_version": term_version(northern, 2026)},
    )
    assert response.status_code == 400
    error = response.text.split('data-testid="rotate-error">')[1].split("</div></div>")[0]
    assert "không có cụm phó" in error and "Chọn tỉnh trong ô “Cụm trưởng”." in error
    assert "--head" not in response.text
    assert not ClusterTerm.objects.filter(cluster=northern, year=2026).exists()


def test_terms_page_lists_the_years(client, make_staff):
    client.force_login(make_staff("Sơn La", 2023))
    text = client.get(reverse("rotation:terms", args=["tay-bac"])).text
    assert 'data-year="2023"' in text and 'data-year="2024"' in text
