"""Requests are limited per token: over the limit, 429 with Retry-After; other tokens,
even of the same user, keep their own count."""

import pytest
from django.core.cache import cache

from tests.api_support import API, bearer, token_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def test_the_limit_is_per_token_with_retry_after(client, settings, make_staff):
    settings.API_RATE_LIMIT = "3/m"
    staff = make_staff("Sơn La", 2024)
    first, second = token_for(staff, name="một"), token_for(staff, name="hai")
    url = f"{API}/provinces?year=2024"
    for _ in range(3):
        assert client.get(url, headers=bearer(first)).status_code == 200
    refused = client.get(url, headers=bearer(first))
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert client.get(url, headers=bearer(second)).status_code == 200


def test_the_count_starts_again_after_the_period(client, settings, make_staff, monkeypatch):
    from emulation.api.security import TokenRateThrottle

    settings.API_RATE_LIMIT = "2/m"
    token = token_for(make_staff("Sơn La", 2024))
    url = f"{API}/provinces?year=2024"
    now = [1_000_000.0]
    monkeypatch.setattr(TokenRateThrottle, "timer", lambda self: now[0])
    assert [client.get(url, headers=bearer(token)).status_code for _ in range(3)] == [
        200,
        200,
        429,
    ]
    now[0] += 61
    assert client.get(url, headers=bearer(token)).status_code == 200


def test_requests_without_a_valid_token_are_refused_before_counting(client, settings):
    settings.API_RATE_LIMIT = "1/m"
    for _ in range(3):
        response = client.get(f"{API}/provinces", headers=bearer("cpt_not-a-real-token"))
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == "Bearer"


def test_a_malformed_limit_stops_start_up(tmp_path):
    import os
    import subprocess
    import sys

    env = {**os.environ, "DEBUG": "1", "API_RATE_LIMIT": "lots", "VAR_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "API_RATE_LIMIT" in result.stderr


def test_the_count_is_shared_by_every_app_server_process(client, settings, make_staff):
    """Another gunicorn worker opens its own cache connection: it sees the same count."""
    from django.core.cache.backends.db import DatabaseCache

    from emulation.api.security import TokenRateThrottle

    settings.API_RATE_LIMIT = "2/m"
    from emulation.api.models import ApiToken

    token = token_for(make_staff("Sơn La", 2024))
    url = f"{API}/provinces?year=2024"
    assert [client.get(url, headers=bearer(token)).status_code for _ in range(2)] == [200, 200]
    other_worker = DatabaseCache(settings.CACHES["default"]["LOCATION"], {})
    pk = ApiToken.objects.get().pk
    key = TokenRateThrottle.cache_format % {"scope": "api-token", "ident": pk}
    assert len(other_worker.get(key)) == 2
