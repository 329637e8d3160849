"""Making, revoking and checking API tokens (services and the one lookup)."""

import base64
import datetime
import secrets

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connections, router, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext

from cluster_portal import auth, sessions, write_generation

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
    """The usable token `raw` is (not revoked, not expired, of an active user), with its
    user; None for an unknown, expired or revoked one, or an inactive user's. One statement
    whatever the answer (`_read`), plus one write a minute per token to keep `last_used`."""
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 100:
        return None
    now = timezone.now()
    token = _read(token_hash(raw), now)
    if token is None:
        return None
    if token.last_used is None or now - token.last_used > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used=now)
        token.last_used = now
    return token


_statements: dict[tuple, tuple] = {}


def _statement(connection, generation) -> tuple:
    """The token's read on `connection`: the token's row with its user, the staff
    profile's ids (cluster_portal/auth.py, `joined_on`) and, when `generation` (the write
    generation's `read_with`), the generation's row; the token's field names and
    converters. Built once per process and shape: the ORM's building and compiling of the
    token query cost more than the rest of a kept one-record read together (in process
    3.0 → 1.3 ms per read without it, bench/README.md on bench_api_limits.py)."""
    shape = (connection.alias, generation)
    statement = _statements.get(shape)
    if statement is None:
        meta = ApiToken._meta
        quote = connection.ops.quote_name
        fields, columns = auth.model_columns(connection, ApiToken)
        user_join, user_columns = auth.joined_on(
            connection.alias, f"t.{quote(meta.get_field('user').column)}"
        )
        generation_join, generation_columns = generation or ("", "")
        selected = ", ".join(f"t.{quote(field.column)}" for field in fields)
        sql = (
            f"SELECT {selected}, {user_columns}{generation_columns}"  # noqa: S608
            f" FROM {quote(meta.db_table)} t{user_join}{generation_join}"
            f" WHERE t.{quote(meta.get_field('token_hash').column)} = %(digest)s"
            f" AND t.{quote(meta.get_field('revoked_at').column)} IS NULL"
            f" AND t.{quote(meta.get_field('expires').column)} > %(now)s"
        )
        statement = _statements[shape] = (sql, [f.attname for f in fields], columns)
    return statement


def _read(digest: str, now) -> ApiToken | None:
    """The usable token of hash `digest` with its user, in one statement: the token's row
    joined to its user and the profile's ids (so that the read rules ask no query of their
    own) and to the write generation's row (read_cache.py then asks none either). The
    statement is the request's first and stands for Django's health check of a kept
    connection (`sessions.first_read`). Sent as text, never prepared: a wrong token costs
    exactly that one statement on every database (a PREPARE would add one, the first time
    on each connection)."""
    alias = router.db_for_read(ApiToken)
    connection = connections[alias]
    generation = write_generation.read_with(connection)
    sql, names, columns = _statement(connection, generation)
    params = {"digest": digest, "now": connection.ops.adapt_datetimefield_value(now)}
    row = sessions.first_read(connection, sql, params, prepare=False)
    if row is None:
        return None
    width = len(columns)
    token = ApiToken.from_db(alias, names, auth.converted(connection, row[:width], columns))
    end = len(row) - 2 if generation else len(row)
    user = auth.user_from_row(alias, row[width:end])
    if not user.is_active:
        return None
    token.user = user
    if generation:
        token.portal_generation = write_generation.early(connection, *row[end:])
    return token
