"""Requests are limited per token: over the limit, 429 with Retry-After; other tokens,
even of the same user, keep their own count."""

import multiprocessing
import os
import shutil
import socket
import subprocess
import time

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from emulation.api.security import TokenRateThrottle, count_request
from tests.api_support import API, bearer, token_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def one_rate_window(monkeypatch):
    """The throttle's clock held in the middle of one window: a minute ending between two
    requests of a test started a new count (seen once as 200, 200, 200 for a 2/m limit).
    The test of a new window moves the clock itself."""
    monkeypatch.setattr(TokenRateThrottle, "timer", lambda self: 1_000_000 * 60.0 + 30)


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


def test_without_redis_the_count_writes_no_database_row(client, settings, make_staff):
    """The count is a locked file every worker of the host shares: the requests write
    nothing in the database (last_used aside, once a minute per token)."""
    settings.API_RATE_LIMIT = "2/m"
    token = token_for(make_staff("Sơn La", 2024))
    url = f"{API}/provinces?year=2024"
    client.get(url, headers=bearer(token))  # last_used, written once a minute
    with CaptureQueriesContext(connection) as queries:
        statuses = [client.get(url, headers=bearer(token)).status_code for _ in range(2)]
    assert statuses == [200, 429]
    writes = [
        q["sql"]
        for q in queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert writes == []


def test_a_new_window_starts_from_one(settings, tmp_path):
    settings.API_RATE_LIMIT_DIR = tmp_path
    assert [count_request("k", 7, 60) for _ in range(3)] == [1, 2, 3]
    assert count_request("k", 8, 60) == 1
    assert count_request("other", 8, 60) == 1
    assert len(list(tmp_path.iterdir())) == 2  # one file per key, rewritten in place


def _hammer(directory: str, times: int, out) -> None:
    from django.conf import settings

    settings.API_RATE_LIMIT_DIR = directory
    out.put([count_request("parallel", 1, 60) for _ in range(times)])


def test_parallel_processes_are_each_counted_once(tmp_path):
    """Six processes, as gunicorn's workers, counting at once: every count from 1 to 300 is
    handed out exactly once (a read-then-write would repeat some)."""
    context = multiprocessing.get_context("fork")
    out = context.Queue()
    workers = [context.Process(target=_hammer, args=(str(tmp_path), 50, out)) for _ in range(6)]
    for worker in workers:
        worker.start()
    counts = [count for _ in workers for count in out.get(timeout=60)]
    for worker in workers:
        worker.join(timeout=60)
    assert sorted(counts) == list(range(1, 301))


@pytest.fixture
def redis_cache(settings):
    """A Redis server of its own on a free loopback port (redis-server from Debian)."""
    server = shutil.which("redis-server")
    if server is None:
        if os.environ.get("REQUIRE_BROWSER"):  # CI installs it with Chromium
            pytest.fail("redis-server is missing (apt-get install redis-server)")
        pytest.skip("redis-server is not installed")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    database_cache = settings.CACHES
    try:
        for _ in range(100):
            with socket.socket() as attempt:
                if attempt.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.05)
        redis = {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
        }
        settings.CACHES = {"default": redis, "throttle": {**redis, "KEY_PREFIX": "throttle"}}
        settings.RATE_LIMIT_IN_CACHE = True
        yield
    finally:
        settings.CACHES, settings.RATE_LIMIT_IN_CACHE = database_cache, False
        process.terminate()
        process.wait(timeout=10)


def test_with_redis_the_count_is_an_atomic_incr_and_no_database_write(
    redis_cache, client, settings, make_staff
):

    settings.API_RATE_LIMIT = "2/m"
    token = token_for(make_staff("Sơn La", 2024))
    url = f"{API}/provinces?year=2024"
    with CaptureQueriesContext(connection) as queries:
        statuses = [client.get(url, headers=bearer(token)).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    writes = [
        q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE"))
    ]
    assert [
        sql for sql in writes if "emulation_apitoken" not in sql
    ] == []  # last_used: once a minute


def test_with_redis_wrong_tokens_are_counted_there_for_every_worker(redis_cache, client, settings):
    """With REDIS_URL the count of wrong tokens per address is shared by every worker
    (settings: the "throttle" cache is Redis): no database write either."""
    from django.core.cache import caches

    settings.API_AUTH_FAILURE_LIMIT = "2/h"
    wrong = bearer("cpt_" + "y" * 43)
    with CaptureQueriesContext(connection) as queries:
        statuses = [client.get(f"{API}/provinces", headers=wrong).status_code for _ in range(3)]
    assert statuses == [401, 401, 429]
    assert not [q for q in queries if not q["sql"].lstrip().upper().startswith("SELECT")]
    keys = caches["throttle"]._cache.get_client().keys("throttle:*api-auth-failures:*")
    assert len(keys) == 1
