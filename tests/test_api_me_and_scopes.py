"""Read-only tokens (a scope on the token: writes refused with 403) and `GET /me`."""

import json

import pytest

from emulation.api.models import TokenScope
from emulation.api.tokens import api_token_create
from provinces.models import Disbursement
from tests.api_support import API, bearer, token_for

pytestmark = pytest.mark.django_db

ROW = {
    "province": "14",
    "fund": "htx_dev",
    "date": "2024-06-05",
    "borrower": "HTX Chè Tà Xùa",
    "borrower_type": "HTX",
    "amount": "1250",
}


def read_only_token(user) -> str:
    return api_token_create(user=user, name="Chỉ đọc", days=30, scope=TokenScope.READ)[1]


def test_a_read_only_token_reads_but_its_writes_are_refused(client, make_staff):
    staff = make_staff("Sơn La", 2024)
    headers = bearer(read_only_token(staff))
    assert client.get(f"{API}/loans/2024/14", headers=headers).status_code == 200
    response = client.post(
        f"{API}/loans/import",
        data=json.dumps({"rows": [ROW]}),
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 403
    assert "chỉ được đọc" in response.json()["detail"]
    assert not Disbursement.objects.exists()
    # The same user's read-write token writes.
    response = client.post(
        f"{API}/loans/import",
        data=json.dumps({"rows": [ROW]}),
        content_type="application/json",
        headers=bearer(token_for(staff)),
    )
    assert response.status_code == 200
    assert Disbursement.objects.count() == 1


def test_a_read_only_token_of_an_admin_writes_nothing_either(client, admin_user):
    response = client.put(
        f"{API}/figures/2024/14",
        data="{}",
        content_type="application/json",
        headers=bearer(read_only_token(admin_user)),
    )
    assert response.status_code == 403


def test_the_token_page_makes_a_read_only_token(client, make_staff):
    staff = make_staff("Sơn La", 2024)
    client.force_login(staff)
    response = client.post(
        "/api/tokens/",
        {"name": "Báo cáo", "days": "30", "read_only": "on", "nonce": "n" * 30},
    )
    assert response.status_code == 200
    assert staff.api_tokens.get().scope == TokenScope.READ


def test_me_names_the_user_unit_roles_and_scope(client, make_staff):
    chair = make_staff("Lào Cai", 2024)  # Lào Cai heads Tây Bắc in 2024
    data = client.get(f"{API}/me", headers=bearer(read_only_token(chair))).json()
    assert data["user"]["username"] == chair.username
    assert data["unit"]["code"] == "10"
    assert data["roles"] == ["staff", "chair"]
    assert {"cluster": data["chairs"][0]["cluster"]["slug"], "year": 2024} in [
        {"cluster": c["cluster"]["slug"], "year": c["year"]} for c in data["chairs"]
    ]
    assert data["token"]["scope"] == "read" and data["token"]["name"] == "Chỉ đọc"


def test_me_of_an_admin_and_of_another_member(client, admin_user, make_staff):
    data = client.get(f"{API}/me", headers=bearer(token_for(admin_user))).json()
    assert data["roles"] == ["admin"] and data["unit"] is None and data["chairs"] == []
    assert data["token"]["scope"] == "write"
    other = make_staff("Điện Biên", 2024)
    data = client.get(f"{API}/me", headers=bearer(token_for(other))).json()
    assert data["roles"] == ["staff"] and data["chairs"] == []
