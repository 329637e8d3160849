"""The API's one error contract (issue 25): every error under /api/ is an RFC 9457
problem (`application/problem+json`) with a stable `type` and `code`, a Vietnamese
`detail` and per-field `errors` — those of the operations and Django's own (an unknown
URL, a method the path does not take, a body too large, a server error); HEAD and OPTIONS
are answered; text is stored composed (NFC)."""

import json
import unicodedata

import pytest
from django.test import Client
from ninja.errors import HttpError

from provinces.disbursements.models import Cooperative
from tests.api_support import API, bearer, token_for
from tests.factories import make_figures

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


@pytest.fixture
def token(make_staff):
    return token_for(make_staff("Sơn La", 2024))


def assert_problem(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["status"] == status and body["code"] == code
    assert body["type"] == f"urn:cluster-portal:problem:{code}"
    assert body["title"] and body["detail"] and "<html" not in response.text.lower()
    return body


@pytest.mark.parametrize("path", ["/api/v1/no-such-thing", "/api/nothing", "/api/v1/figures/x"])
def test_an_unknown_url_is_a_problem_not_a_page(client, token, path):
    body = assert_problem(client.get(path, headers=bearer(token)), 404, "not_found")
    assert body["detail"] == "Không tìm thấy, hoặc bạn không có quyền xem."
    assert body["instance"] == path


def test_a_method_the_path_does_not_take_is_405_with_allow(client, token):
    response = client.delete(f"{API}/provinces", headers=bearer(token))
    body = assert_problem(response, 405, "method_not_allowed")
    assert "DELETE" in body["detail"]
    assert response["Allow"] == "GET, HEAD, OPTIONS"


def test_head_answers_as_get_without_the_body(client, token):
    get = client.get(f"{API}/provinces?year=2024", headers=bearer(token))
    head = client.head(f"{API}/provinces?year=2024", headers=bearer(token))
    assert head.status_code == 200 and head.content == b""
    assert head["Content-Length"] == str(len(get.content))
    assert head["Content-Type"] == get["Content-Type"]
    refused = client.head(f"{API}/provinces")
    assert refused.status_code == 401 and refused["WWW-Authenticate"] == "Bearer"


def test_options_names_the_methods(client):
    response = client.options(f"{API}/figures/2024/14")
    assert response.status_code == 204
    assert response["Allow"] == "GET, HEAD, OPTIONS, PUT"
    assert_problem(client.options(f"{API}/nowhere"), 404, "not_found")


def test_a_body_too_large_is_413(client, token, settings):
    settings.REQUEST_BODY_MAX_SIZE = 1000
    body = json.dumps({"rows": [{"purpose": "x" * 2000}]})
    response = client.post(
        f"{API}/loans/import", data=body, content_type="application/json", headers=bearer(token)
    )
    problem = assert_problem(response, 413, "payload_too_large")
    assert "quá lớn" in problem["detail"]


def test_a_server_error_is_a_problem(token, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("emulation.api.organisation.cluster_years", broken)
    client = Client(raise_request_exception=False)
    response = client.get(f"{API}/clusters?year=2024", headers=bearer(token))
    body = assert_problem(response, 500, "server_error")
    assert "boom" not in response.text and "Máy chủ gặp lỗi" in body["detail"]


def test_an_http_error_raised_anywhere_is_a_problem_with_its_status_code(
    client, token, monkeypatch
):
    """Other code raises ninja's HttpError (or problems.ApiProblem, with its own code):
    the central handler answers it in the contract's shape."""

    def conflict(*args, **kwargs):
        raise HttpError(409, "Đã có rồi.")

    monkeypatch.setattr("emulation.api.organisation.cluster_years", conflict)
    response = client.get(f"{API}/clusters?year=2024", headers=bearer(token))
    assert assert_problem(response, 409, "conflict")["detail"] == "Đã có rồi."


def test_unauthenticated_and_validation_errors(client, token):
    body = assert_problem(client.get(f"{API}/provinces"), 401, "unauthenticated")
    assert "Authorization: Bearer" in body["detail"]
    response = client.get(f"{API}/clusters?year=abc", headers=bearer(token))
    body = assert_problem(response, 422, "validation_failed")
    (error,) = body["errors"]
    assert (error["location"], error["field"], error["code"]) == ("query", "year", "number")
    response = client.put(
        f"{API}/figures/2024/14", data="{", content_type="application/json", headers=bearer(token)
    )
    assert_problem(response, 400, "unreadable_body")
    response = client.put(
        f"{API}/figures/2024/14", data="{}", content_type="application/json", headers=bearer(token)
    )
    body = assert_problem(response, 422, "validation_failed")
    assert {e["field"] for e in body["errors"]} == {"version", "values"}
    assert {e["detail"] for e in body["errors"]} == {"Thiếu trường bắt buộc."}


def test_a_stale_version_is_a_409_problem(client, token):
    make_figures("14", 2024)
    response = client.post(
        f"{API}/figures/2024/14/submit",
        data=json.dumps({"version": 7}),
        content_type="application/json",
        headers=bearer(token),
    )
    assert "phiên bản 7" in assert_problem(response, 409, "stale_version")["detail"]


def test_every_operation_documents_the_problems(client):
    schema = client.get(f"{API}/openapi.json").json()
    assert schema["servers"] and {t["name"] for t in schema["tags"]} >= {"Figures", "Loans"}
    assert "Problem" in schema["components"]["schemas"]
    for methods in schema["paths"].values():
        for method, operation in methods.items():
            errors = {"401", "403", "404", "422", "429", "500"}
            if method != "get":
                errors |= {"400", "409", "413"}
            assert errors <= set(operation["responses"]), (method, operation["operationId"])
            for status in errors:
                content = operation["responses"][status]["content"]
                assert list(content) == [PROBLEM]


def test_decomposed_text_is_stored_composed(client, token):
    decomposed = unicodedata.normalize("NFD", "HTX Chè Tà Xùa")
    assert decomposed != "HTX Chè Tà Xùa"
    row = {
        "province": "14",
        "fund": "htx_dev",
        "date": "2024-06-05",
        "borrower": decomposed,
        "borrower_type": "HTX",
        "amount": "1250",
    }
    response = client.post(
        f"{API}/loans/import",
        data=json.dumps({"rows": [row]}),
        content_type="application/json",
        headers=bearer(token),
    )
    assert response.status_code == 200, response.content
    assert list(Cooperative.objects.values_list("name", flat=True)) == ["HTX Chè Tà Xùa"]


@pytest.mark.parametrize("seen_by", ["service", "database"])
def test_the_loser_of_two_concurrent_creates_gets_409(client, token, monkeypatch, seen_by):
    """Two systems create Sơn La's 2024 record at once: the one whose write finds the
    other's row — by the service's check, or only at the database's unique constraint —
    is told of a conflict (409), not of invalid data (422) or a server error."""
    from django.db import IntegrityError

    from emulation.api import figures as endpoint
    from tests.factories import GOOD_VALUES

    real_lookup = endpoint._figures_for

    def racing_lookup(*args, **kwargs):
        py = real_lookup(*args, **kwargs)  # no record yet: a create
        make_figures("14", 2024)  # the other request's, committed meanwhile
        return py

    def unique_violation(**kwargs):
        raise IntegrityError("UNIQUE constraint failed: figures_one_per_province_year")

    monkeypatch.setattr(endpoint, "_figures_for", racing_lookup)
    if seen_by == "database":
        monkeypatch.setattr(endpoint, "figures_save", unique_violation)
    body = {"version": None, "values": {**GOOD_VALUES, "tht_new": 7}}
    response = client.put(
        f"{API}/figures/2024/14",
        data=json.dumps(body, default=str),
        content_type="application/json",
        headers=bearer(token),
    )
    body = assert_problem(response, 409, "already_exists")
    assert body["detail"].startswith("Người khác vừa tạo bản ghi này cùng lúc với bạn.")
