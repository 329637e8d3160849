"""Wrong tokens are limited per client address: past API_AUTH_FAILURE_LIMIT in a window of
the clock the address gets 429 with Retry-After before any token is looked up, so guessing
costs the database nothing; the count lives in the "throttle" cache (no database write per
attempt), each address its own."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from emulation.api.security import TokenAuth
from tests.api_support import API, bearer, token_for

pytestmark = pytest.mark.django_db

URL = f"{API}/provinces?year=2024"
WRONG = bearer("cpt_" + "x" * 43)


@pytest.fixture(autouse=True)
def one_window(monkeypatch, settings):
    """The clock held in the middle of one minute; three wrong tokens a minute."""
    monkeypatch.setattr(TokenAuth, "timer", lambda self: 1_000_000 * 60.0 + 15)
    settings.API_AUTH_FAILURE_LIMIT = "3/m"


def test_past_the_limit_an_address_gets_429_with_retry_after(client):
    assert [client.get(URL, headers=WRONG).status_code for _ in range(3)] == [401] * 3
    refused = client.get(URL, headers=WRONG)
    assert refused.status_code == 429
    assert refused["Retry-After"] == "45"  # the seconds left in the minute
    assert "45 giây" in refused.json()["detail"]
    assert refused["Cache-Control"] == "no-store"


def test_a_refused_address_costs_no_query_and_no_attempt_writes(client):
    with CaptureQueriesContext(connection) as attempts:
        for _ in range(3):
            client.get(URL, headers=WRONG)
    # One lookup per wrong token, nothing written (the count is in the cache).
    assert len(attempts) == 3
    assert all(q["sql"].lstrip().upper().startswith("SELECT") for q in attempts)
    with CaptureQueriesContext(connection) as refused:
        assert client.get(URL, headers=WRONG).status_code == 429
    assert len(refused) == 0


def test_the_address_waits_even_with_a_good_token_until_the_window_ends(
    client, make_staff, monkeypatch
):
    good = bearer(token_for(make_staff("Sơn La", 2024)))
    assert client.get(URL, headers=good).status_code == 200  # good ones are not counted
    for _ in range(3):
        client.get(URL, headers=WRONG)
    assert client.get(URL, headers=good).status_code == 429
    monkeypatch.setattr(TokenAuth, "timer", lambda self: 1_000_001 * 60.0 + 1)
    assert client.get(URL, headers=good).status_code == 200
    assert client.get(URL, headers=WRONG).status_code == 401


def test_each_address_has_its_own_count(client, make_staff):
    good = bearer(token_for(make_staff("Sơn La", 2024)))
    for _ in range(4):
        client.get(URL, headers=WRONG, REMOTE_ADDR="203.0.113.7")
    assert client.get(URL, headers=WRONG, REMOTE_ADDR="203.0.113.7").status_code == 429
    assert client.get(URL, headers=WRONG, REMOTE_ADDR="203.0.113.8").status_code == 401
    assert client.get(URL, headers=good, REMOTE_ADDR="203.0.113.8").status_code == 200


def test_behind_the_proxy_the_forwarded_address_is_counted(client, settings):
    """Behind nginx every request comes from 127.0.0.1: the proxy's header names the
    client (cluster_portal.hardening.client_ip), as for the login lockout."""
    settings.CLIENT_IP_HEADER = "X-Real-IP"
    for _ in range(4):
        client.get(URL, headers={**WRONG, "X-Real-IP": "198.51.100.1"})
    assert client.get(URL, headers={**WRONG, "X-Real-IP": "198.51.100.1"}).status_code == 429
    assert client.get(URL, headers={**WRONG, "X-Real-IP": "198.51.100.2"}).status_code == 401


def test_revoked_and_expired_tokens_count_as_wrong(client, make_staff):
    from tests.api_support import expired_token_for, revoked_token_for

    staff = make_staff("Sơn La", 2024)
    old = [bearer(expired_token_for(staff)), bearer(revoked_token_for(staff))]
    statuses = [client.get(URL, headers=old[i % 2]).status_code for i in range(4)]
    assert statuses == [401, 401, 401, 429]


def test_requests_without_a_token_are_not_counted(client):
    """No token: refused (401) before any lookup, so nothing to slow down."""
    assert [client.get(URL).status_code for _ in range(5)] == [401] * 5
    assert client.get(URL, headers=WRONG).status_code == 401


def test_a_malformed_limit_stops_start_up(tmp_path):
    import os
    import subprocess
    import sys

    env = {**os.environ, "DEBUG": "1", "API_AUTH_FAILURE_LIMIT": "many", "VAR_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], env=env, capture_output=True, text=True
    )
    assert result.returncode != 0 and "API_AUTH_FAILURE_LIMIT" in result.stderr
