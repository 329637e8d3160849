"""Disbursements through the API: a province's register of a year, and the bulk import with the
Excel import's all-or-nothing rules (the same row checks, the same save)."""

import json
from decimal import Decimal

import pytest

from provinces.models import Cooperative, Disbursement
from tests.api_support import API, bearer, token_for
from tests.factories import make_disbursement

pytestmark = pytest.mark.django_db


@pytest.fixture
def token(make_staff):
    return token_for(make_staff("Sơn La", 2024), name="Sổ quỹ tỉnh")


def row(**changes) -> dict:
    return {
        "province": "14",
        "fund": "htx_dev",
        "date": "2024-06-05",
        "borrower": "HTX Chè Tà Xùa",
        "borrower_type": "HTX",
        "amount": "1250",
        "purpose": "Mua máy sao chè",
        **changes,
    }


def send(client, token, rows, *, dry_run=False):
    return client.post(
        f"{API}/loans/import" + ("?dry_run=true" if dry_run else ""),
        data=json.dumps({"rows": rows}),
        content_type="application/json",
        headers=bearer(token),
    )


def counts() -> tuple:
    return (
        Disbursement.objects.count(),
        Cooperative.objects.count(),
        Disbursement.history.count(),
        Cooperative.history.count(),
    )


def test_rows_are_saved_with_new_borrowers_and_the_token_in_the_history(client, token):
    rows = [row(), row(date="2024-07-10", borrower="THT Rau Mộc Châu", borrower_type="THT")]
    response = send(client, token, rows)
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["saved"] is True and data["count"] == 2
    assert Decimal(data["total_amount"]) == Decimal("2500")
    assert sorted(data["new_borrowers"]) == ["HTX Chè Tà Xùa", "THT Rau Mộc Châu"]
    assert Disbursement.objects.count() == 2
    assert set(Disbursement.history.values_list("history_change_reason", flat=True)) == {
        "API: Sổ quỹ tỉnh"
    }
    assert set(Cooperative.history.values_list("history_change_reason", flat=True)) == {
        "API: Sổ quỹ tỉnh"
    }


def test_one_bad_row_saves_nothing_and_names_row_and_column(client, token):
    before = counts()
    rows = [row(), row(province="99"), row(date="2031-01-01")]
    response = send(client, token, rows)
    assert response.status_code == 422
    assert response.json()["code"] == "rule_violation"
    errors = response.json()["errors"]
    assert [e["field"] for e in errors] == ["rows.1.province", "rows.2.date"]
    assert counts() == before


def test_an_unknown_fund_is_refused_by_the_schema(client, token):
    before = counts()
    response = send(client, token, [row(), row(fund="quỹ lạ")])
    assert response.status_code == 422
    (error,) = response.json()["errors"]
    assert error["field"] == "rows.1.fund" and "htx_dev" in error["detail"]
    assert counts() == before


def test_a_dry_run_checks_everything_and_writes_nothing(client, token):
    before = counts()
    response = send(client, token, [row(), row(amount="10")], dry_run=True)
    assert response.status_code == 200
    assert response.json()["dry_run"] is True and response.json()["saved"] is False
    assert response.json()["count"] == 2
    assert counts() == before


def test_the_code_means_the_unit_valid_on_the_disbursement_date(client, make_staff):
    # 15 dated 01/03/2025 is Yên Bái; its staff import it, and it counts for Lào Cai's year.
    token = token_for(make_staff("Yên Bái", 2024))
    response = send(client, token, [row(province="15", date="2025-03-01")])
    assert response.status_code == 200, response.content
    assert Disbursement.objects.get().province.name == "Yên Bái"


def test_the_disbursement_list_of_a_year_lists_the_disbursements_and_totals(client, token):
    make_disbursement("14", "2024-03-05", "120")
    make_disbursement("14", "2024-05-05", "80", fund="other", borrower="THT Mận Hậu", kind="THT")
    make_disbursement("14", "2023-05-05", "999")
    data = client.get(f"{API}/loans/2024/14", headers=bearer(token)).json()
    assert [disbursement["amount"] for disbursement in data["loans"]] == ["80.00", "120.00"]
    assert data["all_funds"] == {"count": 2, "amount": "200.00"}
    assert data["htx_dev"] == {"count": 1, "amount": "120.00"}


def test_an_empty_or_oversized_batch_is_refused(client, token):
    assert send(client, token, []).status_code == 422
    assert send(client, token, [row()] * 10_001).status_code == 422
    assert counts() == (0, 0, 0, 0)


def test_a_batch_as_long_as_the_excel_import_takes_is_checked(client, token):
    """5,000 rows was the API's limit, 10,000 the Excel import's: one limit now."""
    response = send(client, token, [row()] * 5_001, dry_run=True)
    assert response.status_code == 200, response.content[:300]
    assert response.json()["count"] == 5_001
    assert counts() == (0, 0, 0, 0)


@pytest.mark.parametrize("amount", ["NaN", "Infinity", "-Infinity", "1e400", "-5", "0.001"])
def test_odd_amounts_are_refused_without_a_500(client, token, amount):
    response = send(client, token, [row(amount=amount)])
    assert response.status_code == 422
    assert counts() == (0, 0, 0, 0)


@pytest.mark.parametrize(
    "changes",
    [
        {"term_months": -3},
        {"purpose": "x" * 600},
        {"borrower": "x" * 300},
        {"province": "999"},
        {"borrower_type": "HTXX"},
        {"date": "2024-02-30"},
    ],
)
def test_bad_cells_are_refused_without_a_500(client, token, changes):
    response = send(client, token, [row(**changes)])
    assert response.status_code == 422
    assert counts() == (0, 0, 0, 0)
