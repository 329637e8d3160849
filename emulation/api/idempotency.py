"""`Idempotency-Key` on every POST: a request sent again with the same key and the same
body, from the same token, is answered with the first response again and writes nothing;
the same key with another body (or method, path, query) is a 409. A key is kept for
settings.API_IDEMPOTENCY_HOURS, then forgotten (and may be used again).

Two decorators, both set on the whole API (api.py): `claim_key` runs after authentication
and validation (ninja's "operation" mode: the token is known) and either answers the stored
response or claims the key in the database before the operation writes anything, so two
requests with one key at the same moment run once (the second meets the unique constraint
and is told to wait: 409); `store_answer` runs around everything (ninja's "view" mode) and
stores the final response, refusals included, once ninja has made it. A server error
(5xx) frees the key: the request may be sent again as it was.

Expired keys are deleted by the daily job (`manage.py purge_idempotency_keys`, run by the
reminders' systemd timer: `idempotency_purge`), not by the requests; until then an expired
key found by a request is forgotten there (that one row): it never replays.
"""

import datetime
import hashlib
import re
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext
from ninja.errors import HttpError

from .models import IdempotentRequest

HEADER = "Idempotency-Key"
_KEY = re.compile(r"[\x21-\x7e]{1,255}")  # visible ASCII: a UUID, a batch number…
IDEMPOTENCY_PARAMETER = {
    "in": "header",
    "name": HEADER,
    "required": False,
    "schema": {"type": "string", "pattern": "^[!-~]{1,255}$"},
    "description": (
        "khóa chống gửi lặp (ví dụ một UUID): gửi lại cùng khóa và cùng nội dung thì nhận lại "
        "câu trả lời lần đầu, không ghi gì thêm; cùng khóa, nội dung khác: 409. Giữ 24 giờ."
    ),
}


@dataclass
class Claim:
    record: IdempotentRequest


def request_hash(request) -> str:
    """What makes two requests "the same": method, path, query and body."""
    digest = hashlib.sha256()
    for part in (request.method, request.path, request.META.get("QUERY_STRING", "")):
        digest.update(part.encode() + b"\n")
    digest.update(request.body)
    return digest.hexdigest()


def _lifetime() -> datetime.timedelta:
    return datetime.timedelta(hours=settings.API_IDEMPOTENCY_HOURS)


def idempotency_claim(*, token, key: str, fingerprint: str) -> Claim | HttpResponse:
    """The stored response of an earlier request with this key (replayed), or a new claim
    on the key for this request. 409 for another request under the same key, or the same
    one still being answered."""
    record = IdempotentRequest(token=token, key=key, request_hash=fingerprint)
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError:
        earlier = IdempotentRequest.objects.filter(token=token, key=key).first()
        if earlier is not None and earlier.created < timezone.now() - _lifetime():
            # Expired, not yet purged by the daily job: forgotten now (never replayed), and
            # the key claimed afresh for this request.
            IdempotentRequest.objects.filter(pk=earlier.pk).delete()
            return idempotency_claim(token=token, key=key, fingerprint=fingerprint)
        if earlier is None:  # forgotten meanwhile: the next attempt claims it
            raise HttpError(409, _in_progress()) from None
        if earlier.request_hash != fingerprint:
            raise HttpError(
                409,
                gettext(
                    "Khóa Idempotency-Key này đã dùng cho một yêu cầu khác (khác nội dung, "
                    "đường dẫn hoặc tham số): hãy dùng một khóa mới cho mỗi yêu cầu mới."
                ),
            ) from None
        if earlier.status is None:
            raise HttpError(409, _in_progress()) from None
        response = HttpResponse(
            bytes(earlier.body), status=earlier.status, content_type=earlier.content_type
        )
        response["Idempotent-Replayed"] = "true"
        return response
    return Claim(record)


def idempotency_purge(*, now: datetime.datetime | None = None) -> int:
    """Delete the keys older than settings.API_IDEMPOTENCY_HOURS (the daily job); how many."""
    cutoff = (now or timezone.now()) - _lifetime()
    deleted, _ = IdempotentRequest.objects.filter(created__lt=cutoff).delete()
    return deleted


def _in_progress() -> str:
    return gettext("Yêu cầu với khóa Idempotency-Key này đang được xử lý: hãy gửi lại sau ít giây.")


def idempotency_store(*, claim: Claim, response) -> None:
    """Keep the response of the claimed request; a server error frees the key instead."""
    if response.status_code >= 500 or getattr(response, "streaming", False):
        idempotency_release(claim=claim)
        return
    IdempotentRequest.objects.filter(pk=claim.record.pk).update(
        status=response.status_code,
        content_type=response.get("Content-Type", ""),
        body=response.content,
    )


def idempotency_release(*, claim: Claim) -> None:
    IdempotentRequest.objects.filter(pk=claim.record.pk).delete()


def claim_key(operation):
    """ninja "operation" decorator: replay or claim (see the module's docstring)."""

    @wraps(operation)
    def run(request, *args, **kwargs):
        key = request.headers.get(HEADER)
        if request.method != "POST" or key is None:
            return operation(request, *args, **kwargs)
        if not _KEY.fullmatch(key):
            raise HttpError(
                400,
                gettext(
                    "Idempotency-Key phải là 1 đến 255 ký tự ASCII nhìn thấy được (ví dụ một UUID)."
                ),
            )
        claimed = idempotency_claim(
            token=request.api_token, key=key, fingerprint=request_hash(request)
        )
        if isinstance(claimed, HttpResponse):
            return claimed
        request.idempotency_claim = claimed
        return operation(request, *args, **kwargs)

    return run


def store_answer(view):
    """ninja "view" decorator: store the response of a claimed request (see above)."""

    @wraps(view)
    def run(request, *args, **kwargs):
        try:
            response = view(request, *args, **kwargs)
        except BaseException:
            claim = getattr(request, "idempotency_claim", None)
            if claim is not None:
                idempotency_release(claim=claim)
            raise
        claim = getattr(request, "idempotency_claim", None)
        if claim is not None:
            idempotency_store(claim=claim, response=response)
        return response

    return run
