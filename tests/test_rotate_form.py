"""The rotate form says truthfully what its defaults are, and refuses up front when a
rotation cannot succeed."""

import pytest
from django.urls import reverse

from provinces.models import Cluster, ClusterMembership, ClusterTerm, Province

pytestmark = pytest.mark.django_db


def rotate_page(client, slug, year):
    return client.get(reverse("rotation:rotate", args=[slug]), {"to_year": year})


def test_the_default_head_is_named_when_last_year_had_a_vice(client, admin_user):
    client.force_login(admin_user)
    ClusterTerm.objects.filter(cluster__slug="tay-bac", year=2024).delete()
    text = rotate_page(client, "tay-bac", 2024).text
    assert "Mặc định: Liên minh HTX tỉnh Lào Cai (cụm phó năm 2023)" in text
    assert "Mặc định: Liên minh HTX tỉnh" in text.split('id="id_vice"')[1]


def test_no_previous_vice_is_offered_when_there_was_none(client, admin_user):
    # The northern cluster's 2025 head is known, its vice-head was not reported.
    client.force_login(admin_user)
    text = rotate_page(client, "mien-nui-phia-bac-1", 2026).text
    assert "cụm phó năm trước" not in text
    assert "năm 2025 không có cụm phó để nhận cờ" in text


def test_a_year_without_members_disables_the_form_with_the_reason(client, admin_user):
    client.force_login(admin_user)
    response = rotate_page(client, "tay-bac", 2026)
    assert 'data-testid="rotate-blocked"' in response.text
    assert "không có thành viên nào năm 2026" in response.text
    assert "Cụm thi đua" in response.text.split('data-testid="rotate-blocked"')[1]
    assert "<fieldset disabled>" in response.text
    posted = client.post(reverse("rotation:rotate", args=["tay-bac"]), {"to_year": 2026})
    assert posted.status_code == 400 and "không có thành viên nào năm 2026" in posted.text
    assert not ClusterTerm.objects.filter(cluster__slug="tay-bac", year=2026).exists()


def test_the_terms_page_offers_to_pass_the_flag_for_next_year(client, admin_user):
    client.force_login(admin_user)
    text = client.get(reverse("rotation:terms", args=["tay-bac"])).text
    assert "Trao cờ luân lưu năm 2025" in text
    assert reverse("rotation:rotate", args=["tay-bac"]) + "?to_year=2025" in text


def test_staff_see_the_terms_page_without_the_rotate_button(client, make_staff):
    client.force_login(make_staff("Sơn La", 2023))
    text = client.get(reverse("rotation:terms", args=["tay-bac"])).text
    assert 'data-testid="pass-flag"' not in text
    assert Cluster.objects.filter(slug="tay-bac").exists()


def test_a_member_with_a_key_past_999_can_be_picked(client, admin_user):
    # Keys go past 999 (on PostgreSQL after a few reloads of the reference data): the
    # page must send 1234 back, not the grouped "1.234" the form refuses as no choice.
    client.force_login(admin_user)
    unit = Province.objects.create(pk=1234, code="99", name="Thử Nghiệm")
    cluster = Cluster.objects.get(slug="mien-nui-phia-bac-1")
    ClusterMembership.objects.create(cluster=cluster, province=unit, from_year=2026)
    text = rotate_page(client, cluster.slug, 2026).text
    assert '<option value="1234">Liên minh HTX tỉnh Thử Nghiệm</option>' in text
    posted = client.post(
        reverse("rotation:rotate", args=[cluster.slug]),
        {"to_year": 2026, "head": "1234", "seen_version": 0},
    )
    assert posted.status_code == 302, posted.text
    assert ClusterTerm.objects.get(cluster=cluster, year=2026).head == unit
