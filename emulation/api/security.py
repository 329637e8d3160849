"""Who is calling and how often: bearer-token authentication and the per-token rate limit,
both the django-ninja way (an `HttpBearer` and a `SimpleRateThrottle`)."""

from django.conf import settings
from ninja.security import HttpBearer
from ninja.throttling import SimpleRateThrottle

from .tokens import api_token_authenticate


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <token>`. The request then acts as the token's user:
    `request.user` is that user, so every access rule of the pages applies unchanged."""

    openapi_description = "An API token made at /api/tokens/ or with `manage.py api_token`."

    def authenticate(self, request, token: str):
        api_token = api_token_authenticate(token)
        if api_token is None:
            return None
        request.user = api_token.user
        request.api_token = api_token
        return api_token


class TokenRateThrottle(SimpleRateThrottle):
    """At most settings.API_RATE_LIMIT requests per token (e.g. "600/m"), counted in the
    default cache, which every app-server process shares (the database: settings.CACHES);
    a request over the limit gets 429 with Retry-After (ninja).

    The rate is read on every request so that it follows the settings (and tests)."""

    scope = "api-token"

    def __init__(self) -> None:
        super().__init__(rate=settings.API_RATE_LIMIT)

    def allow_request(self, request) -> bool:
        self.rate = settings.API_RATE_LIMIT
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)

    def get_cache_key(self, request) -> str | None:
        token = getattr(request, "auth", None)
        if token is None:  # unauthenticated requests are refused before this
            return None
        return self.cache_format % {"scope": self.scope, "ident": token.pk}
