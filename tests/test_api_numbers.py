"""The API reads every number through the portal's reader for machines
(cluster_portal.numbers.read_api_number): a JSON number, or a string of ASCII digits with a
decimal point ("236.80"). true/false, Devanagari, full-width or Arabic-Indic digits,
grouping and exponents are refused with 422 and one message of the portal's per field (no
"Value error, " before it), and nothing changes. JSON numbers are read from their text as
Decimals: a money value is stored as sent, never through a float."""

import json
from decimal import Decimal

import pytest

from cluster_portal.numbers import NumberFormatError, read_api_number
from provinces.disbursements.models import Disbursement
from provinces.models import YearlyFigures
from tests.api_support import API, bearer, token_for
from tests.factories import GOOD_VALUES, make_figures

pytestmark = pytest.mark.django_db

URL = f"{API}/figures/2024/14"
# The good values: counts as JSON integers, money as decimal strings ("236.8").
VALUES = {c: format(v, "f") if isinstance(v, Decimal) else v for c, v in GOOD_VALUES.items()}
ROW = {
    "province": "14",
    "fund": "htx_dev",
    "date": "2024-05-01",
    "borrower": "HTX Bình Minh",
    "borrower_type": "HTX",
    "amount": "100",
    "term_months": 24,
}
# What the pages refuse, and pydantic alone took (true as 1) or a careless reader would.
REFUSED = [True, False, "१२", "１２", "٢٤", "1.250,5", "1_000", "4e1", None, [1], {"n": 1}]
# (method, URL, body with the sample in place, where the error is reported)
CALLS = {
    "figures count": (
        "put",
        URL,
        lambda v: {"version": 1, "values": {**VALUES, "tht_new": v}},
        "values.tht_new",
    ),
    "figures money": (
        "put",
        URL,
        lambda v: {"version": 1, "values": {**VALUES, "tht_avg_revenue": v}},
        "values.tht_avg_revenue",
    ),
    "figures version": (
        "put",
        URL,
        lambda v: {"version": v, "values": VALUES},
        "version",
    ),
    "submit version": (
        "post",
        f"{URL}/submit",
        lambda v: {"version": v},
        "version",
    ),
    "disbursement amount": (
        "post",
        f"{API}/loans/import",
        lambda v: {"rows": [{**ROW, "amount": v}]},
        "rows.0.amount",
    ),
    "disbursement term": (
        "post",
        f"{API}/loans/import",
        lambda v: {"rows": [{**ROW, "term_months": v}]},
        "rows.0.term_months",
    ),
}


@pytest.fixture
def token(make_staff):
    return token_for(make_staff("Sơn La", 2024))


def send(client, token, method, url, body):
    sender = client.put if method == "put" else client.post
    return sender(url, data=body, content_type="application/json", headers=bearer(token))


def reader_message(value, *, integer: bool) -> str:
    with pytest.raises(NumberFormatError) as caught:
        read_api_number(value, integer=integer)
    return str(caught.value)


@pytest.mark.parametrize("value", REFUSED, ids=repr)
@pytest.mark.parametrize("call", list(CALLS))
def test_what_the_pages_refuse_the_api_refuses_with_one_message_per_field(
    client, token, call, value
):
    figures = make_figures("14", 2024)
    method, url, body, where = CALLS[call]
    if value is None and call in ("figures version", "disbursement term"):
        pytest.skip("null is a value there: a first record, no term")
    response = send(client, token, method, url, json.dumps(body(value)))
    assert response.status_code == 422, response.content[:300]
    integer = not call.endswith(("money", "amount"))
    assert response["Content-Type"] == "application/problem+json"
    errors = response.json()["errors"]
    assert errors == [
        {
            "location": "body",
            "field": where,
            "code": "number",
            "detail": reader_message(value, integer=integer),
        }
    ]
    assert "Value error" not in errors[0]["detail"]
    figures.refresh_from_db()
    assert figures.version == 1 and figures.tht_new == GOOD_VALUES["tht_new"]
    assert not Disbursement.objects.exists()


def test_booleans_are_named_in_the_message(client, token):
    make_figures("14", 2024)
    body = {"version": 1, "values": {**VALUES, "tht_new": True}}
    response = send(client, token, "put", URL, json.dumps(body))
    assert response.status_code == 422
    assert response.json()["errors"][0]["detail"].startswith("“true” không phải là số")


@pytest.mark.parametrize("digits", ["１２", "१२", "٢٤"])
def test_other_digits_are_named_as_such(digits):
    assert "chữ số không phải 0–9" in reader_message(digits, integer=True)
    assert "chữ số không phải 0–9" in reader_message(digits, integer=False)


def test_counts_are_json_integers_and_money_dot_decimal_strings(client, token):
    """Issue 25: the schema says integer for a count and a decimal string for money
    ("1637.50"), and the API takes nothing else: a generated client cannot send "1.000",
    which means 1 here and 1 000 in the Excel import."""
    make_figures("14", 2024)
    raw = json.dumps({"version": 1, "values": {**VALUES, "tht_new": 120}})
    raw = raw.replace('"tht_avg_revenue": "236.8"', '"tht_avg_revenue": "240.1"')
    raw = raw.replace('"htx_members": 31000', '"htx_members": 31000.0')  # a whole JSON number
    assert "240.1" in raw and "31000.0" in raw
    response = send(client, token, "put", URL, raw)
    assert response.status_code == 200, response.content
    figures = YearlyFigures.objects.get()
    assert (figures.tht_new, figures.htx_members) == (120, 31000)
    assert figures.tht_avg_revenue == Decimal("240.1")
    for field, value, message in [
        ("tht_new", "121", "“121” là chuỗi"),
        ("tht_avg_profit", 43.9, "Số tiền gửi dạng chuỗi"),
        ("tht_avg_profit", "1.000", "“1.000”: số tiền viết với dấu chấm thập phân"),
        ("tht_avg_profit", "1,000.50", "“1,000.50”"),
    ]:
        body = {"version": 2, "values": {**VALUES, field: value}}
        response = send(client, token, "put", URL, json.dumps(body))
        assert response.status_code == 422, (field, value)
        (error,) = response.json()["errors"]
        assert error["field"] == f"values.{field}" and error["detail"].startswith(message)
    figures.refresh_from_db()
    assert figures.version == 2 and figures.tht_avg_profit == GOOD_VALUES["tht_avg_profit"]


def test_a_count_is_a_whole_number(client, token):
    make_figures("14", 2024)
    for value, shown in [(12.5, "12.5"), ("12.0", "12.0")]:
        body = {"version": 1, "values": {**VALUES, "tht_new": value}}
        response = send(client, token, "put", URL, json.dumps(body))
        assert response.status_code == 422
        assert response.json()["errors"][0]["detail"] == f"“{shown}” phải là số nguyên."


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_make_the_body_unreadable(client, token, constant):
    make_figures("14", 2024)
    raw = json.dumps({"version": 1, "values": VALUES}).replace('"236.8"', constant)
    assert send(client, token, "put", URL, raw).status_code == 400
    assert YearlyFigures.objects.get().version == 1


def test_a_huge_json_number_is_refused_at_once(client, token):
    """1e999999999 is a valid JSON number: read as an int it would take Python minutes."""
    make_figures("14", 2024)
    raw = json.dumps({"version": 1, "values": {**VALUES, "tht_new": 7}})
    raw = raw.replace('"tht_new": 7', '"tht_new": 1e999999999')
    response = send(client, token, "put", URL, raw)
    assert response.status_code == 422
    assert response.json()["errors"][0]["detail"] == "“1E+999999999”: số quá lớn."
    for text in ("9" * 400, "1" + "0" * 15):
        with pytest.raises(NumberFormatError, match="số quá lớn"):
            read_api_number(text, integer=True)


def test_a_money_value_keeps_the_decimals_it_was_sent_with(client, token):
    """236.85 for an indicator shown with one decimal is refused as on the page, not
    rounded through a float to 236.8499999…"""
    make_figures("14", 2024)
    raw = json.dumps({"version": 1, "values": VALUES}).replace("236.8", "236.85")
    response = send(client, token, "put", URL, raw)
    assert response.status_code == 422
    assert response.json()["code"] == "rule_violation"
    assert "values.tht_avg_revenue" in [e["field"] for e in response.json()["errors"]]


def test_the_messages_have_their_english(client, token, settings):
    make_figures("14", 2024)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = {"version": 1, "values": {**VALUES, "tht_new": True, "tht_total": "１２"}}
    response = send(client, token, "put", URL, json.dumps(body))
    messages = [error["detail"] for error in response.json()["errors"]]
    assert messages == [
        "“true” is not a number: send a JSON number (236.8) or a numeric string (“236.80”).",
        "“１２” is not a number: it has digits other than 0–9 (full-width, Devanagari, "
        "Arabic…); use only the digits 0–9.",
    ]
