"""Loans with stable ids: read one, list page by page with `updated_since`, update (PUT,
PATCH, with the version or If-Match) and delete under the register's rules and locking;
ETag and If-None-Match on reads."""

import json

import pytest
from django.utils import timezone

from provinces.models import Disbursement
from tests.api_support import API, bearer, token_for
from tests.factories import make_disbursement

pytestmark = pytest.mark.django_db

BODY = {
    "province": "14",
    "fund": "other",
    "date": "2024-07-01",
    "borrower": "HTX Chè Tà Xùa",
    "borrower_type": "HTX",
    "amount": "300.50",
    "purpose": "Mua máy",
    "term_months": 12,
}


@pytest.fixture
def own(make_staff):
    return bearer(token_for(make_staff("Sơn La", 2024), name="Sổ quỹ tỉnh"))


@pytest.fixture
def loan():
    return make_disbursement("14", "2024-06-05", "120")


def send(client, method, url, body, headers):
    return getattr(client, method)(
        url, data=json.dumps(body), content_type="application/json", headers=headers
    )


def test_one_loan_is_read_with_its_version_as_etag(client, own, loan):
    response = client.get(f"{API}/loans/{loan.pk}", headers=own)
    assert response.status_code == 200
    data = response.json()
    assert (data["id"], data["version"], data["amount"]) == (loan.pk, 1, "120.00")
    assert response["ETag"] == '"1"'
    again = client.get(f"{API}/loans/{loan.pk}", headers={**own, "If-None-Match": '"1"'})
    assert again.status_code == 304 and again.content == b""


def test_another_members_loan_is_not_found(client, make_staff, loan):
    other = bearer(token_for(make_staff("Điện Biên", 2024)))
    assert client.get(f"{API}/loans/{loan.pk}", headers=other).status_code == 404
    assert send(client, "put", f"{API}/loans/{loan.pk}", BODY, other).status_code == 404
    assert client.delete(f"{API}/loans/{loan.pk}?version=1", headers=other).status_code == 404
    assert client.get(f"{API}/loans/999999", headers=other).status_code == 404


def test_put_with_the_version_saves_and_a_stale_version_is_a_conflict(client, own, loan):
    url = f"{API}/loans/{loan.pk}"
    response = send(client, "put", url, {**BODY, "version": 1}, own)
    assert response.status_code == 200, response.content
    assert response.json()["version"] == 2 and response["ETag"] == '"2"'
    loan.refresh_from_db()
    assert (loan.fund, str(loan.amount), loan.borrower.name) == (
        "other",
        "300.50",
        "HTX Chè Tà Xùa",
    )
    assert loan.history.first().history_change_reason == "API: Sổ quỹ tỉnh"
    stale = send(client, "put", url, {**BODY, "amount": "1", "version": 1}, own)
    assert stale.status_code == 409
    missing = send(client, "put", url, {**BODY, "amount": "1"}, own)
    assert missing.status_code == 409
    loan.refresh_from_db()
    assert str(loan.amount) == "300.50"


def test_if_match_carries_the_version_and_patch_changes_only_what_is_sent(client, own, loan):
    url = f"{API}/loans/{loan.pk}"
    response = send(client, "patch", url, {"amount": "99"}, {**own, "If-Match": '"1"'})
    assert response.status_code == 200, response.content
    loan.refresh_from_db()
    assert (str(loan.amount), loan.fund, loan.version) == ("99.00", "htx_dev", 2)
    assert send(client, "patch", url, {"amount": "5"}, {**own, "If-Match": '"1"'}).status_code == (
        409
    )


def test_the_registers_rules_apply_to_an_edit(client, own, loan):
    url = f"{API}/loans/{loan.pk}"
    future = send(client, "put", url, {**BODY, "date": "2099-01-01", "version": 1}, own)
    assert future.status_code == 422
    assert future["Content-Type"] == "application/problem+json"
    assert [e["field"] for e in future.json()["errors"]] == ["date"]
    elsewhere = send(client, "put", url, {**BODY, "province": "11", "version": 1}, own)
    assert elsewhere.status_code == 404  # Điện Biên's register is not Sơn La's staff's
    loan.refresh_from_db()
    assert loan.version == 1


def test_delete_with_the_version(client, own, loan):
    url = f"{API}/loans/{loan.pk}"
    assert client.delete(f"{url}?version=7", headers=own).status_code == 409
    assert client.delete(url, headers={**own, "If-Match": '"1"'}).status_code == 204
    assert not Disbursement.objects.exists()


def test_a_read_only_member_may_read_but_not_write(client, make_staff, loan, admin_user):
    chair = bearer(token_for(make_staff("Lào Cai", 2024)))  # reads every member's register
    assert client.get(f"{API}/loans/{loan.pk}", headers=chair).status_code == 200


def test_the_list_pages_and_reads_what_changed_since(client, own):
    loans = [make_disbursement("14", f"2024-03-{day:02d}", str(day)) for day in range(1, 6)]
    first = client.get(f"{API}/loans?year=2024&code=14&limit=2", headers=own).json()
    assert first["count"] == 5 and first["next_offset"] == 2
    assert [item["id"] for item in first["items"]] == [loans[0].pk, loans[1].pk]
    last = client.get(f"{API}/loans?year=2024&code=14&limit=2&offset=4", headers=own).json()
    assert last["next_offset"] is None and len(last["items"]) == 1
    since = timezone.now()
    Disbursement.objects.filter(pk=loans[2].pk).update(amount=33, updated_at=timezone.now())
    gone = loans[3].pk
    loans[3].delete()
    changed = client.get(
        f"{API}/loans",
        {"year": 2024, "code": "14", "updated_since": since.isoformat()},
        headers=own,
    ).json()
    assert [item["id"] for item in changed["items"]] == [loans[2].pk]
    assert changed["deleted"] == [gone]
    only_other = client.get(f"{API}/loans?year=2024&code=14&fund=other", headers=own).json()
    assert only_other["count"] == 0


def test_every_read_has_an_etag_and_answers_304_when_unchanged(client, own):
    url = f"{API}/provinces?year=2024"
    response = client.get(url, headers=own)
    etag = response["ETag"]
    assert etag.startswith('W/"')
    assert client.get(url, headers={**own, "If-None-Match": etag}).status_code == 304
    assert client.get(url, headers={**own, "If-None-Match": 'W/"other"'}).status_code == 200
