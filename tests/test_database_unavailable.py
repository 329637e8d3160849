"""A database out of reach (PostgreSQL restarting: the requests in flight lose their
connection) is answered 503 with Retry-After, on the pages and in the API, never 500; the
next request, with the database back, is served as usual.

The failure is simulated the way Django lets one stand between the portal and its
database: an execute wrapper (`connection.execute_wrapper`) that raises what the driver
raises, OperationalError for a server gone ("terminating connection due to administrator
command") and InterfaceError for a connection it closed."""

import pytest
from django.db import InterfaceError, OperationalError, connection
from django.test import Client
from django.urls import reverse

from cluster_portal.hardening import RETRY_AFTER_SECONDS
from tests.api_support import API, bearer, token_for
from tests.factories import make_figures

pytestmark = pytest.mark.django_db

LOST = [
    OperationalError("terminating connection due to administrator command"),
    InterfaceError("connection already closed"),
]


def lost(error, *, only=None):
    """Every statement (or those `only` accepts) fails with `error`."""

    def execute(run, sql, params, many, context):
        if only is None or only(sql):
            raise error
        return run(sql, params, many, context)

    return connection.execute_wrapper(execute)


@pytest.fixture
def staff(make_staff):
    make_figures("14", 2024)
    return make_staff("Sơn La", 2024)


@pytest.mark.parametrize("error", LOST, ids=lambda e: type(e).__name__)
def test_a_page_that_loses_the_database_answers_503(staff, error):
    """The view's first query (the session, for the user) fails: the view answers 503
    (hardening.DatabaseUnavailableMiddleware); the session's refresh on the way out fails
    again, which handler500 answers the same (Django reports that error, hence a client
    that does not raise it)."""
    client = Client(raise_request_exception=False)
    client.force_login(staff)
    page = reverse("figures:detail", args=[2024, "14"])
    with lost(error):
        response = client.get(page)
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert "Cơ sở dữ liệu tạm thời không truy cập được" in response.text
    assert response["Cache-Control"] == "no-store"
    assert client.get(page).status_code == 200  # back: served as usual


def test_a_view_that_loses_the_database_mid_way_answers_503_without_a_server_error(client, staff):
    """The session is read, then the view's query on the figures fails: answered by the
    middleware (no uncaught error: this client would raise it)."""
    client.force_login(staff)
    page = reverse("figures:detail", args=[2024, "14"])
    with lost(LOST[0], only=lambda sql: "yearlyfigures" in sql.lower()):
        response = client.get(page)
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)


@pytest.mark.parametrize("error", LOST, ids=lambda e: type(e).__name__)
def test_an_api_request_that_loses_the_database_answers_503_in_json(client, staff, error):
    headers = bearer(token_for(staff))
    with lost(error):
        response = client.get(f"{API}/figures/2024/14", headers=headers)
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert response["Content-Type"] == "application/problem+json"  # issue 25
    assert "Cơ sở dữ liệu tạm thời không truy cập được" in response.json()["detail"]
    assert response["Cache-Control"] == "no-store"
    assert client.get(f"{API}/figures/2024/14", headers=headers).status_code == 200


def test_an_api_write_that_loses_the_database_mid_way_answers_503(client, staff):
    """The token is read, then the write's first statement on the record fails."""
    import json

    from tests.factories import GOOD_VALUES

    headers = bearer(token_for(staff))
    body = json.dumps({"version": 1, "values": {**GOOD_VALUES, "tht_new": 7}}, default=str)
    with lost(LOST[0], only=lambda sql: "yearlyfigures" in sql.lower()):
        response = client.put(
            f"{API}/figures/2024/14", body, content_type="application/json", headers=headers
        )
    assert response.status_code == 503 and response["Retry-After"]


def test_losing_the_database_after_the_view_answers_503_too(staff):
    """The session written after the response (its refresh), outside any view: Django's
    handler500 (cluster_portal.views.server_error) answers 503 for it."""
    client = Client(raise_request_exception=False)
    client.force_login(staff)
    page = reverse("figures:detail", args=[2024, "14"])

    def writes_session(sql: str) -> bool:
        return sql.lstrip().upper().startswith(("UPDATE", "INSERT")) and "session" in sql.lower()

    with lost(LOST[0], only=writes_session):
        response = client.get(page)
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)


def test_other_server_errors_stay_500(staff, monkeypatch):
    client = Client(raise_request_exception=False)
    client.force_login(staff)

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr("provinces.figures.views.render", broken)
    response = client.get(reverse("figures:detail", args=[2024, "14"]))
    assert response.status_code == 500
    assert not response.has_header("Retry-After")
