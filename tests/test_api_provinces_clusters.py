"""Regressions of the organisation reads (issue 25): the provinces without a year or by a
code two units carried, and the clusters of a year each listed once."""

import pytest

from tests.api_support import API, bearer, token_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def headers(make_staff):
    return bearer(token_for(make_staff("Sơn La", 2024)))


def test_every_unit_without_a_year(client, headers):
    response = client.get(f"{API}/provinces", headers=headers)
    assert response.status_code == 200, response.content[:300]
    codes = [unit["code"] for unit in response.json()["items"]]
    assert codes == sorted(codes) and len(codes) >= 15


@pytest.mark.parametrize("code", ["15", "08", "25"])
def test_a_code_two_units_carried(client, headers, code):
    response = client.get(f"{API}/provinces?code={code}", headers=headers)
    assert response.status_code == 200, response.content[:300]
    units = response.json()["items"]
    assert len(units) == 2
    assert units[0]["valid_to"] is not None and units[0]["successor"] is not None


def test_the_clusters_of_2023_list_tay_bac_once_with_its_head(client, admin_user):
    response = client.get(f"{API}/clusters?year=2023", headers=bearer(token_for(admin_user)))
    assert response.status_code == 200
    tay_bac = [c for c in response.json()["items"] if c["cluster"]["slug"] == "tay-bac"]
    assert len(tay_bac) == 1
    assert tay_bac[0]["year"] == 2023 and tay_bac[0]["head"] is not None
