"""Who is calling and how often: bearer-token authentication with its limit on wrong tokens
per client address, and the per-token rate limit, both the django-ninja way (an
`HttpBearer` and a `BaseThrottle`)."""

import contextlib
import time

from django.conf import settings
from django.core.cache import cache, caches
from django.db import connection, transaction
from ninja.errors import Throttled
from ninja.security import HttpBearer
from ninja.throttling import BaseThrottle

from cluster_portal.hardening import client_ip

from .models import RateCount
from .tokens import api_token_authenticate

PERIODS = {"s": 1, "m": 60, "h": 3600}


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <token>`. The request then acts as the token's user:
    `request.user` is that user, so every access rule of the pages applies unchanged."""

    openapi_description = (
        "Mã truy cập tạo ở trang /api/tokens/ hoặc bằng lệnh `manage.py api_token`. "
        "Gửi mã sai quá nhiều lần từ một địa chỉ: 429 kèm Retry-After."
    )

    timer = staticmethod(time.time)

    def authenticate(self, request, token: str):
        """The token's user; None (401) for a wrong token, counted against the client's
        address. An address past API_AUTH_FAILURE_LIMIT wrong tokens in the window is
        answered 429 before any lookup: guessing costs the database nothing, and a
        client that keeps sending a revoked token is slowed down."""
        limit, period = parse_rate(settings.API_AUTH_FAILURE_LIMIT)
        now = self.timer()
        key = f"api-auth-failures:{client_ip(request)}:{int(now // period)}"
        failures = caches["throttle"]
        if failures.get(key, 0) >= limit:
            raise Throttled(wait=period - now % period)
        api_token = api_token_authenticate(token)
        if api_token is None:
            if not failures.add(key, 1, timeout=period + 1):
                # ValueError: expired between the two calls, the window is over.
                with contextlib.suppress(ValueError):
                    failures.incr(key)
            return None
        request.user = api_token.user
        request.api_token = api_token
        return api_token


class TokenRateThrottle(BaseThrottle):
    """At most settings.API_RATE_LIMIT requests per token (e.g. "300/m") in each window of
    the clock (each minute for "/m"), a request over the limit answered 429 with
    Retry-After (ninja) saying when the window ends.

    The count is one atomic operation that every app-server process shares
    (`count_request`), so parallel clients on several workers never get more than the limit
    through. The rate is read on every request so that it follows the settings (and
    tests)."""

    timer = staticmethod(time.time)

    def allow_request(self, request) -> bool:
        token = getattr(request, "auth", None)
        if token is None:  # unauthenticated requests are refused before this
            return True
        limit, period = parse_rate(settings.API_RATE_LIMIT)
        window = int(self.timer() // period)
        return count_request(f"api-token:{token.pk}", window, period) <= limit

    def wait(self) -> float:
        _, period = parse_rate(settings.API_RATE_LIMIT)
        return period - self.timer() % period


def parse_rate(rate: str) -> tuple[int, int]:
    """ "300/m" → (300, 60); the settings check the shape at start-up."""
    count, unit = rate.split("/")
    return int(count), PERIODS[unit]


def count_request(key: str, window: int, period: int) -> int:
    """Count one request of `key` in `window` and return the window's count so far.

    With REDIS_URL the default cache is Redis, whose INCR is atomic and writes no database
    row; without it, one upsert (INSERT … ON CONFLICT DO UPDATE … RETURNING, SQLite 3.35+
    and PostgreSQL) in the portal's database, which every process shares."""
    if settings.RATE_LIMIT_IN_CACHE:
        cache_key = f"rate:{key}:{window}"
        cache.add(cache_key, 0, timeout=period + 1)
        try:
            return cache.incr(cache_key)
        except ValueError:  # expired between the two calls: the window is over
            cache.add(cache_key, 1, timeout=period + 1)
            return 1
    qn = connection.ops.quote_name
    table, key_, window_, count_ = (
        qn(name) for name in (RateCount._meta.db_table, "key", "window", "count")
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({key_}, {window_}, {count_}) VALUES (%s, %s, 1) "  # noqa: S608
            f"ON CONFLICT ({key_}, {window_}) DO UPDATE SET {count_} = {table}.{count_} + 1 "
            f"RETURNING {count_}",
            [key, window],
        )
        (count,) = cursor.fetchone()
        if count == 1:  # the first request of a window: forget the windows before it
            RateCount.objects.filter(key=key, window__lt=window).delete()
    return count
