"""Making, revoking and checking API tokens (services and the one lookup)."""

import base64
import datetime
import secrets

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext

from .models import ApiToken, TokenScope, token_hash

TOKEN_PREFIX = "cpt_"  # "cluster portal token": recognisable in logs and secret scanners
TOKEN_SALT = "emulation.api.tokens.form-nonce"
DEFAULT_DAYS = 90
MAX_DAYS = 366
# last_used is written at most this often per token, so that reads stay reads.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


@transaction.atomic
def api_token_create(
    *,
    user,
    name: str,
    days: int = DEFAULT_DAYS,
    nonce: str | None = None,
    scope: str = TokenScope.WRITE,
) -> tuple[ApiToken, str]:
    """A new token for `user`: the record, and the token itself (to show once).

    With `nonce` (the token form's, `forms.TokenForm`) the token is derived from it, the
    user and SECRET_KEY, so the same form sent twice (a double click, a reload that posts
    again) names the same token: the second call makes nothing and answers the token the
    first one made, to show again (the same secret the first answer held, to the same
    user). Without the server's key a nonce tells nothing of its token."""
    if not 1 <= days <= MAX_DAYS:
        raise ValidationError(
            {"expires": f"Thời hạn phải từ 1 đến {MAX_DAYS} ngày (đã nhập {days})."}
        )
    raw = TOKEN_PREFIX + (
        secrets.token_urlsafe(32) if nonce is None else _from_nonce(user=user, nonce=nonce)
    )
    now = timezone.now()
    token = ApiToken(
        user=user,
        name=" ".join(name.split()),
        token_hash=token_hash(raw),
        prefix=raw[:10],
        created=now,
        expires=now + datetime.timedelta(days=days),
        scope=scope,
    )
    token.full_clean(exclude=["token_hash"])  # unique: the insert itself says so
    try:
        with transaction.atomic():
            token.save()
    except IntegrityError:
        if nonce is None:
            raise
        # The same form sent before (or at the same time, from a double click) made it.
        return _made_before(ApiToken.objects.get(user=user, token_hash=token.token_hash)), raw
    return token, raw


def _made_before(token: ApiToken) -> ApiToken:
    if not token.is_usable:
        raise ValidationError(
            gettext(
                "Mã tạo bằng biểu mẫu này đã bị thu hồi hoặc đã hết hạn: hãy tải lại trang để "
                "tạo mã mới."
            )
        )
    return token


def _from_nonce(*, user, nonce: str) -> str:
    digest = salted_hmac(TOKEN_SALT, f"{user.pk}:{nonce}", algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


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
