"""Bulk loans matched by the sending system's reference: a batch sent again creates
nothing (500 stays 500); a changed row updates its loan; the summary counts created,
updated, unchanged and refused rows with each refused row's reasons; all or nothing."""

import json

import pytest

from provinces.models import Disbursement
from tests.api_support import API, bearer, token_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def token(make_staff):
    return token_for(make_staff("Sơn La", 2024), name="Sổ quỹ tỉnh")


def row(number: int, **changes) -> dict:
    return {
        "ref": f"14-2024-{number:04d}",
        "province": "14",
        "fund": "htx_dev",
        "date": f"2024-{number % 12 + 1:02d}-05",
        "borrower": f"HTX số {number % 7}",
        "borrower_type": "HTX",
        "amount": f"{number + 10}.50",
        **changes,
    }


def send(client, token, rows, *, dry_run=False):
    return client.post(
        f"{API}/loans/import" + ("?dry_run=true" if dry_run else ""),
        data=json.dumps({"rows": rows}),
        content_type="application/json",
        headers=bearer(token),
    )


def test_a_batch_sent_again_creates_nothing(client, token):
    """500 loans sent twice were 1,000; a batch of 150 here, sent twice, stays 150."""
    rows = [row(n) for n in range(150)]
    first = send(client, token, rows)
    assert first.status_code == 200, first.content[:300]
    assert first.json()["counts"] == {
        "created": 150,
        "updated": 0,
        "unchanged": 0,
        "refused": 0,
        "total": 150,
    }
    ids = [outcome["id"] for outcome in first.json()["rows"]]
    assert None not in ids and len(set(ids)) == 150
    again = send(client, token, rows)
    assert again.status_code == 200
    assert again.json()["counts"]["unchanged"] == 150
    assert [outcome["id"] for outcome in again.json()["rows"]] == ids
    assert Disbursement.objects.count() == 150
    assert Disbursement.history.count() == 150


def test_a_changed_row_updates_its_loan_and_a_new_one_is_added(client, token):
    send(client, token, [row(1), row(2)])
    loan = Disbursement.objects.get(client_ref="14-2024-0002")
    response = send(client, token, [row(1), row(2, amount="7"), row(3)])
    summary = response.json()
    assert summary["status"] == "OK"
    assert [(o["ref"], o["action"]) for o in summary["rows"]] == [
        ("14-2024-0001", "unchanged"),
        ("14-2024-0002", "updated"),
        ("14-2024-0003", "created"),
    ]
    loan.refresh_from_db()
    assert (str(loan.amount), loan.version) == ("7.00", 2)
    assert loan.history.first().history_change_reason == "API: Sổ quỹ tỉnh"
    assert Disbursement.objects.count() == 3


def test_refused_rows_are_listed_with_their_reasons_and_nothing_is_saved(client, token):
    send(client, token, [row(1)])
    response = send(
        client, token, [row(1, amount="9"), row(2, date="2099-01-05"), row(3), row(3, amount="1")]
    )
    assert response.status_code == 422
    problem = response.json()
    assert problem["code"] == "rule_violation"
    assert [e["field"] for e in problem["errors"]] == ["rows.1.date", "rows.3.ref"]
    summary = problem["summary"]  # the DHIS2-like summary, an extension member
    assert summary["status"] == "ERROR" and summary["saved"] is False
    assert summary["counts"]["refused"] == 2
    refused = {r["row"]: r for r in summary["refused"]}
    assert refused[2]["reasons"][0]["column"] == "date"
    assert refused[4]["ref"] == "14-2024-0003" and "trùng" in refused[4]["reasons"][0]["message"]
    assert Disbursement.objects.count() == 1
    assert str(Disbursement.objects.get().amount) == "11.50"


def test_a_dry_run_says_what_would_happen(client, token):
    send(client, token, [row(1)])
    response = send(client, token, [row(1, amount="9"), row(2)], dry_run=True)
    assert response.status_code == 200
    assert [o["action"] for o in response.json()["rows"]] == ["updated", "created"]
    assert Disbursement.objects.count() == 1
    assert str(Disbursement.objects.get().amount) == "11.50"


def test_a_reference_of_a_loan_the_user_may_not_edit_is_refused(client, token, make_staff):
    other = token_for(make_staff("Điện Biên", 2024))
    assert send(client, other, [row(1, province="11")]).status_code == 200
    response = send(client, token, [row(1)])
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "rows.0.ref"
    assert response.json()["summary"]["refused"][0]["reasons"][0]["column"] == "ref"
    assert Disbursement.objects.get().province.code == "11"


def test_a_stored_reference_twice_in_a_batch_is_refused(client, token):
    send(client, token, [row(1)])
    response = send(client, token, [row(1), row(1, amount="3")])
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["rows.1.ref"]
    assert str(Disbursement.objects.get().amount) == "11.50"
