"""Who is calling and how often: bearer-token authentication with its limit on wrong tokens
per client address, and the per-token rate limit, both the django-ninja way (an
`HttpBearer` and a `BaseThrottle`)."""

import contextlib
import fcntl
import hashlib
import os
import time
from pathlib import Path

from django.conf import settings
from django.core.cache import cache, caches
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext
from ninja.errors import Throttled
from ninja.security import HttpBearer
from ninja.throttling import BaseThrottle

from cluster_portal import access
from cluster_portal.hardening import client_ip

from .tokens import api_token_authenticate

PERIODS = {"s": 1, "m": 60, "h": 3600}
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


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
        if request.method not in SAFE_METHODS and not access.api_token_may_write(api_token):
            raise PermissionDenied(
                gettext(
                    "Mã truy cập này chỉ được đọc: hãy dùng một mã có quyền ghi để thay đổi "
                    "dữ liệu."
                )
            )
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
        # The token's hash, not its id: an id is reused after a test's rollback.
        return count_request(f"api-token:{token.token_hash}", window, period) <= limit

    def wait(self) -> float:
        _, period = parse_rate(settings.API_RATE_LIMIT)
        return period - self.timer() % period


def parse_rate(rate: str) -> tuple[int, int]:
    """ "300/m" → (300, 60); the settings check the shape at start-up."""
    count, unit = rate.split("/")
    return int(count), PERIODS[unit]


def count_request(key: str, window: int, period: int) -> int:
    """Count one request of `key` in `window` and return the window's count so far: one
    atomic operation every app-server process shares, and no database write.

    With REDIS_URL the default cache is Redis, whose INCR is atomic across every worker and
    host. Without it, a small file per key under settings.API_RATE_LIMIT_DIR, read and
    rewritten under an exclusive `flock`: atomic across the gunicorn workers of one host
    (the portal's deployment without Redis), a few microseconds, and no row written. (The
    database cache's incr is a read then a write, in the database: neither atomic nor free.)
    """
    if settings.RATE_LIMIT_IN_CACHE:
        cache_key = f"rate:{key}:{window}"
        cache.add(cache_key, 0, timeout=period + 1)
        try:
            return cache.incr(cache_key)
        except ValueError:  # expired between the two calls: the window is over
            cache.add(cache_key, 1, timeout=period + 1)
            return 1
    return _count_in_file(key, window)


_RECORD = 40  # "<window> <count>", space-padded: always rewritten whole, in place


def _count_in_file(key: str, window: int) -> int:
    directory = Path(settings.API_RATE_LIMIT_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    name = hashlib.sha256(key.encode()).hexdigest()[:32]
    fd = os.open(directory / name, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # released when the file is closed
        stored = os.pread(fd, _RECORD, 0).split()
        count = 1
        if len(stored) == 2 and stored[0] == str(window).encode():
            count = int(stored[1]) + 1
        os.pwrite(fd, f"{window} {count}".ljust(_RECORD).encode(), 0)
        return count
    finally:
        os.close(fd)
