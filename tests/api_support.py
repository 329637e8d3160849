"""Helpers for the API tests: tokens for named personas and bearer headers."""

import datetime

from django.utils import timezone

from emulation.api.tokens import api_token_create, api_token_revoke

API = "/api/v1"


def bearer(raw: str | None) -> dict:
    return {"Authorization": f"Bearer {raw}"} if raw else {}


def token_for(user, name: str = "Hệ thống tỉnh", days: int = 30) -> str:
    return api_token_create(user=user, name=name, days=days)[1]


def expired_token_for(user) -> str:
    token, raw = api_token_create(user=user, name="Đã hết hạn", days=1)
    token.created = timezone.now() - datetime.timedelta(days=3)
    token.expires = timezone.now() - datetime.timedelta(days=2)
    token.save()
    return raw


def revoked_token_for(user) -> str:
    token, raw = api_token_create(user=user, name="Đã thu hồi", days=30)
    api_token_revoke(token=token)
    return raw


PERSONAS = ["no_token", "expired", "revoked", "other", "own", "chair", "admin", "national"]


def persona_tokens(make_staff, admin_user, *, year: int = 2024) -> dict[str, str | None]:
    """Tokens of the personas of the pages' matrix, around Sơn La (14) in Tây Bắc `year`:
    Điện Biên's staff (another member), Sơn La's own staff, Lào Cai's staff (chair in
    2024), an admin, national staff; and Sơn La's staff with an expired and a revoked
    token."""
    own = make_staff("Sơn La", year)
    return {
        "no_token": None,
        "expired": expired_token_for(own),
        "revoked": revoked_token_for(own),
        "other": token_for(make_staff("Điện Biên", year)),
        "own": token_for(own),
        "chair": token_for(make_staff("Lào Cai", year)),
        "admin": token_for(admin_user),
        "national": token_for(_national_user()),
    }


def _national_user():
    """Staff of the national alliance (Liên minh HTX Việt Nam): every cluster's approved
    records, no writes."""
    from django.contrib.auth import get_user_model

    from provinces.models import StaffProfile

    user = get_user_model().objects.create_user(username="vca-api", password="pw-for-tests")
    StaffProfile.objects.create(user=user, national=True)
    return user


def wsgi_app():
    """The portal's WSGI application as Django's test client runs it: the database
    connection is not closed at the end of each request (the test's transaction holds it;
    on PostgreSQL a closed one failed the next request with 503)."""
    from django.core import signals
    from django.core.wsgi import get_wsgi_application
    from django.db import close_old_connections

    handler = get_wsgi_application()

    def app(environ, start_response):
        signals.request_started.disconnect(close_old_connections)
        signals.request_finished.disconnect(close_old_connections)
        try:
            response = handler(environ, start_response)
            try:
                return [b"".join(response)]
            finally:
                if hasattr(response, "close"):
                    response.close()
        finally:
            signals.request_started.connect(close_old_connections)
            signals.request_finished.connect(close_old_connections)

    return app
