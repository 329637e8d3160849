"""ZNS's delivery reports: Zalo calls `POST /zalo/webhook/` when a message reached the
recipient's phone (event ``user_received_message``, with the message's `tracking_id`, the
``notice-<pk>`` zalo.py sends, and its `msg_id`). A report marks the notice's Zalo message
sent and delivered, whatever state it was in, which stops any resend (zalo.py).

The request is signed: ``X-ZEvent-Signature: mac=<sha256 hex of app id + raw body +
timestamp + OA secret key>``, the timestamp being the body's own `timestamp` field
(milliseconds). Zalo's developer documentation is not at hand here: this follows
third-party integrations (README, "Zalo"). A report whose signed timestamp is more than
REPORT_MAX_AGE away from now is refused, so a captured report cannot be replayed later.

Answers: 200 (recorded, or an event we do not use), 400 (not a JSON object, no usable
timestamp, a report without its message), 403 (bad or missing signature, too old, or the
webhook not configured), 405 (not a POST). One UPDATE, no call out: Zalo gets its answer
at once.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import logging
import re

from django.conf import settings
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseForbidden
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from cluster_portal.numbers import is_ascii_digits, parse_id

from .models import ZaloMessage, ZaloState

logger = logging.getLogger(__name__)

REPORT_MAX_AGE = datetime.timedelta(minutes=10)
LATEST = 2 * 10**14  # milliseconds: the year 8307, within what a datetime holds
DELIVERED = "user_received_message"
TRACKING = re.compile(r"notice-(\d{1,18})")


class BadReport(Exception):
    """The body is not a report we can read (400)."""


def signature_valid(body: bytes, timestamp: str, header: str) -> bool:
    """Whether `header` (X-ZEvent-Signature, with or without its ``mac=``) signs `body`."""
    app_id, secret = settings.ZALO_APP_ID, settings.ZALO_OA_SECRET_KEY
    if not (app_id and secret):
        return False
    signed = app_id.encode() + body + timestamp.encode() + secret.encode()
    expected = hashlib.sha256(signed).hexdigest()
    given = header.strip().removeprefix("mac=").lower()
    return hmac.compare_digest(expected.encode(), given.encode())


def _millis(value) -> int | None:
    """A time in milliseconds as Zalo writes it ("1718000000000" or a number), or None."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value if value >= 0 else None
    if isinstance(value, str) and is_ascii_digits(value) and len(value) <= 18:
        return int(value)
    return None


def _moment(millis: int) -> datetime.datetime:
    return datetime.datetime.fromtimestamp(millis / 1000, tz=datetime.UTC)


def _event(body: bytes) -> tuple[dict, str]:
    """The report and its timestamp as signed (the text of the body's field)."""
    try:
        event = json.loads(body)
    except (ValueError, RecursionError):
        raise BadReport("not JSON") from None
    if not isinstance(event, dict):
        raise BadReport("not a JSON object")
    stamp = event.get("timestamp")
    if _millis(stamp) is None or _millis(stamp) > LATEST:
        raise BadReport("no timestamp")
    return event, str(stamp)


def zalo_report_delivered(*, tracking_id: str, msg_id: str, delivered_at: datetime.datetime) -> int:
    """Record ZNS's report that a message reached the phone: the message (by our tracking
    id, else by ZNS's message id) is sent and delivered; the first report's time is kept.
    How many messages it marked (0 or 1)."""
    match = TRACKING.fullmatch(tracking_id)
    if match and (notice_id := parse_id(match[1])) is not None:
        rows = ZaloMessage.objects.filter(notice_id=notice_id)
    elif msg_id:
        rows = ZaloMessage.objects.filter(msg_id=msg_id)
    else:
        return 0
    return rows.filter(Q(delivered_at__isnull=True) | ~Q(state=ZaloState.SENT)).update(
        state=ZaloState.SENT,
        delivered_at=Coalesce(F("delivered_at"), delivered_at),
        sent_at=Coalesce(F("sent_at"), delivered_at),
        claimed_until=None,
        error="",
    )


def _record(event: dict) -> int:
    if event.get("event_name") != DELIVERED:
        return 0
    message = event.get("message")
    if not isinstance(message, dict):
        raise BadReport("a report without its message")
    tracking_id, msg_id = message.get("tracking_id"), message.get("msg_id")
    now = timezone.now()
    when = _millis(message.get("delivery_time"))
    return zalo_report_delivered(
        tracking_id=tracking_id if isinstance(tracking_id, str) else "",
        msg_id=msg_id[:64] if isinstance(msg_id, str) else "",
        delivered_at=min(_moment(when), now) if when is not None and when <= LATEST else now,
    )


@csrf_exempt  # Zalo's servers post here; the signature stands in for the CSRF token
@require_POST
def zalo_webhook(request):
    try:
        event, stamp = _event(request.body)
    except BadReport as exc:
        return HttpResponseBadRequest(str(exc))
    if not signature_valid(request.body, stamp, request.headers.get("X-ZEvent-Signature", "")):
        logger.warning("zalo_webhook_refused", extra={"reason": "signature"})
        return HttpResponseForbidden("bad signature")
    if abs(timezone.now() - _moment(int(stamp))) > REPORT_MAX_AGE:
        logger.warning("zalo_webhook_refused", extra={"reason": "stale", "timestamp": stamp})
        return HttpResponseForbidden("stale timestamp")
    try:
        marked = _record(event)
    except BadReport as exc:
        return HttpResponseBadRequest(str(exc))
    logger.info(
        "zalo_webhook", extra={"event": str(event.get("event_name"))[:50], "marked": marked}
    )
    return HttpResponse("ok", content_type="text/plain")
