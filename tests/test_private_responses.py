"""Private answers are kept by no cache: every API answer (its data, and its refusals) is
`Cache-Control: no-store`; a page answered to a signed-in user is `private, no-store`
(any page that read the session) unless it says how it may be kept (the documents'
`private, no-cache` with their ETag); what is answered to anybody keeps no such header."""

import json

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from cluster_portal.middleware import PrivatePagesMiddleware
from emulation.api.security import TokenRateThrottle
from tests.api_support import API, bearer, token_for
from tests.factories import GOOD_VALUES, make_figures

pytestmark = pytest.mark.django_db


@pytest.fixture
def token(make_staff):
    return token_for(make_staff("Sơn La", 2024))


def answers(client, token) -> dict:
    put = json.dumps({"version": 7, "values": {**GOOD_VALUES, "tht_new": 5}}, default=str)
    good = bearer(token)
    return {
        "read": client.get(f"{API}/figures/2024/14", headers=good),
        "csv": client.get(f"{API}/clusters/tay-bac/2024/figures.csv", headers=good),
        "no token": client.get(f"{API}/provinces"),
        "wrong token": client.get(f"{API}/provinces", headers=bearer("cpt_wrong")),
        "not found": client.get(f"{API}/figures/2024/99", headers=good),
        "unreadable": client.get(f"{API}/clusters/nowhere/2024", headers=good),
        "refused number": client.get(f"{API}/provinces?year=２０２４", headers=good),
        "stale write": client.put(
            f"{API}/figures/2024/14", put, content_type="application/json", headers=good
        ),
    }


def test_every_api_answer_is_no_store(client, token):
    make_figures("14", 2024)
    statuses = {}
    for name, response in answers(client, token).items():
        statuses[name] = response.status_code
        assert response["Cache-Control"] == "no-store", name
    assert statuses == {
        "read": 200,
        "csv": 200,
        "no token": 401,
        "wrong token": 401,
        "not found": 404,
        "unreadable": 404,
        "refused number": 422,
        "stale write": 409,
    }


def test_a_rate_limited_answer_is_no_store(client, token, settings, monkeypatch):
    monkeypatch.setattr(TokenRateThrottle, "timer", lambda self: 1_000_000 * 60.0 + 30)
    settings.API_RATE_LIMIT = "1/m"
    client.get(f"{API}/provinces", headers=bearer(token))
    refused = client.get(f"{API}/provinces", headers=bearer(token))
    assert refused.status_code == 429 and refused["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    "url",
    [
        reverse("home"),
        reverse("figures:detail", args=[2024, "14"]),
        reverse("figures:cluster-year", args=["tay-bac", 2024]),
        reverse("api:tokens"),
    ],
)
def test_a_signed_in_page_is_private_and_not_stored(client, son_la_staff, url):
    make_figures("14", 2024)
    response = client.get(url)
    assert response.status_code == 200
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives


def test_what_anybody_gets_keeps_no_such_header(client, son_la_staff):
    client.logout()
    schema = client.get(f"{API}/openapi.json")
    assert schema.status_code == 200 and not schema.has_header("Cache-Control")
    # A signed-in user's request that never reads the session was answered for anybody.
    client.force_login(son_la_staff)
    assert not client.get(f"{API}/openapi.json").has_header("Cache-Control")


class Session(dict):
    def __init__(self, accessed: bool):
        super().__init__()
        self.accessed = accessed


@pytest.mark.parametrize(
    ("given", "accessed", "expected"),
    [
        ("private, no-cache", True, "private, no-cache"),  # the documents
        (None, True, "private, no-store"),
        (None, False, None),  # answered for anybody
    ],
)
def test_a_response_that_says_how_it_is_kept_keeps_its_header(given, accessed, expected):
    def view(request):
        response = HttpResponse("ok")
        if given:
            response["Cache-Control"] = given
        return response

    request = RequestFactory().get("/")
    request.session = Session(accessed)
    response = PrivatePagesMiddleware(view)(request)
    assert response.get("Cache-Control") == expected
