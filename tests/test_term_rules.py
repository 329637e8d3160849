"""A term's rules hold in the database itself and in the admin form."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from provinces.models import Cluster, ClusterTerm
from provinces.organisation.selectors import province_for_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def tay_bac():
    return Cluster.objects.get(slug="tay-bac")


def unit(code: str, year: int):
    return province_for_code(code, year)


class TestDatabase:
    def test_it_refuses_the_head_as_vice(self, tay_bac):
        term = ClusterTerm.objects.get(cluster=tay_bac, year=2024)
        term.vice = term.head
        with pytest.raises(IntegrityError), transaction.atomic():
            term.save()

    def test_it_refuses_two_heads_in_one_year(self, tay_bac):
        with pytest.raises(IntegrityError), transaction.atomic():
            ClusterTerm.objects.create(cluster=tay_bac, year=2023, head=unit("14", 2023))

    def test_it_refuses_a_head_who_is_not_a_member_that_year(self, tay_bac):
        with pytest.raises(IntegrityError), transaction.atomic():
            ClusterTerm.objects.create(cluster=tay_bac, year=2025, head=unit("12", 2025))
        cao_bang = unit("04", 2024)  # exists, but never in the Tây Bắc cluster
        with pytest.raises(IntegrityError), transaction.atomic():
            ClusterTerm.objects.filter(cluster=tay_bac, year=2024).update(head=cao_bang)

    def test_it_refuses_a_vice_who_is_not_a_member_that_year(self, tay_bac):
        with pytest.raises(IntegrityError), transaction.atomic():
            ClusterTerm.objects.filter(cluster=tay_bac, year=2024).update(vice=unit("04", 2024))

    def test_it_accepts_a_valid_term(self, tay_bac):
        ClusterTerm.objects.filter(cluster=tay_bac, year=2024).delete()
        ClusterTerm.objects.create(cluster=tay_bac, year=2024, head=unit("14", 2024), vice=None)
        assert ClusterTerm.objects.get(cluster=tay_bac, year=2024).head.name == "Sơn La"


class TestModelValidation:
    def test_it_names_the_field_and_the_rule(self, tay_bac):
        term = ClusterTerm(cluster=tay_bac, year=2025, head=unit("04", 2025), vice=unit("12", 2025))
        with pytest.raises(ValidationError) as caught:
            term.full_clean()
        errors = caught.value.message_dict
        assert "Cao Bằng (04) không phải thành viên" in errors["head"][0]
        assert "Lai Châu (12) không phải thành viên" in errors["vice"][0]

    def test_it_refuses_the_same_alliance_twice(self, tay_bac):
        son_la = unit("14", 2025)
        term = ClusterTerm(cluster=tay_bac, year=2024, head=son_la, vice=son_la)
        with pytest.raises(ValidationError, match="hai Liên minh HTX khác nhau"):
            term.full_clean(validate_unique=False)


class TestAdminForm:
    def post(self, client, admin_user, **data):
        client.force_login(admin_user)
        return client.post(reverse("admin:provinces_clusterterm_add"), data)

    def test_it_refuses_head_equal_to_vice(self, client, admin_user, tay_bac):
        son_la = unit("14", 2022)
        before = ClusterTerm.objects.count()
        response = self.post(
            client, admin_user, cluster=tay_bac.pk, year=2023, head=son_la.pk, vice=son_la.pk
        )
        assert response.status_code == 200
        assert "Cụm trưởng và cụm phó phải là hai Liên minh HTX khác nhau." in response.text
        assert ClusterTerm.objects.count() == before

    def test_it_refuses_a_second_term_for_the_year(self, client, admin_user, tay_bac):
        response = self.post(
            client, admin_user, cluster=tay_bac.pk, year=2023, head=unit("14", 2023).pk
        )
        assert "Cụm này đã có cụm trưởng, cụm phó cho năm đó." in response.text
        assert ClusterTerm.objects.filter(cluster=tay_bac, year=2023).get().head.name == "Phú Thọ"

    def test_it_refuses_a_head_who_is_not_a_member(self, client, admin_user, tay_bac):
        response = self.post(
            client, admin_user, cluster=tay_bac.pk, year=2025, head=unit("12", 2025).pk
        )
        assert "không phải thành viên của" in response.text
        assert not ClusterTerm.objects.filter(cluster=tay_bac, year=2025).exists()

    def test_it_saves_a_valid_term_with_history(self, client, admin_user):
        northern = Cluster.objects.get(slug="mien-nui-phia-bac-1")
        response = self.post(
            client,
            admin_user,
            cluster=northern.pk,
            year=2026,
            head=unit("15", 2026).pk,
            vice=unit("04", 2026).pk,
        )
        assert response.status_code == 302
        term = ClusterTerm.objects.get(cluster=northern, year=2026)
        assert term.history.get().history_user == admin_user
