"""Making, revoking and checking API tokens (services and the one lookup)."""

import datetime
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .models import ApiToken, token_hash

TOKEN_PREFIX = "cpt_"  # "cluster portal token": recognisable in logs and secret scanners
DEFAULT_DAYS = 90
MAX_DAYS = 366
# last_used is written at most this often per token, so that reads stay reads.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


@transaction.atomic
def api_token_create(*, user, name: str, days: int = DEFAULT_DAYS) -> tuple[ApiToken, str]:
    """A new token for `user`: the record, and the token itself (to show once)."""
    if not 1 <= days <= MAX_DAYS:
        raise ValidationError(
            {"expires": f"Thời hạn phải từ 1 đến {MAX_DAYS} ngày (đã nhập {days})."}
        )
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = timezone.now()
    token = ApiToken(
        user=user,
        name=" ".join(name.split()),
        token_hash=token_hash(raw),
        prefix=raw[:10],
        created=now,
        expires=now + datetime.timedelta(days=days),
    )
    token.full_clean()
    token.save()
    return token, raw


@transaction.atomic
def api_token_revoke(*, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def api_token_authenticate(raw: str) -> ApiToken | None:
    """The usable token `raw` is, with its user; None for an unknown, expired or revoked
    one. One query, plus one write a minute per token to keep `last_used`."""
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 100:
        return None
    token = ApiToken.objects.usable().select_related("user").filter(token_hash=token_hash(raw))
    token = token.first()
    if token is None:
        return None
    now = timezone.now()
    if token.last_used is None or now - token.last_used > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used=now)
        token.last_used = now
    return token
