"""Sending notices on Zalo: a ZNS template message to the recipient's confirmed mobile
number, each notice's message at most once, with the e-mail's three short writes (claim →
hand-over → outcome; the package docstring) and no transaction open while ZNS answers.

ZNS answers HTTP 200 with `{"error": 0, "data": {"msg_id": …}}` when it takes the message,
and a negative `error` when it does not. Outcomes:

- taken: ``sent``, with ZNS's message id;
- not taken for a reason that passes (an expired or wrong access token, the OA's rate
  limit or daily quota, outside the hours ZNS sends, no connection, a 5xx or 429): back to
  ``pending`` with the reason; the daily run tries again (five attempts at most);
- not taken for good (template refused or not approved, parameters refused, a number
  without Zalo or that refused the OA): ``failed`` with the reason;
- handed over and no answer before ZALO_TIMEOUT: ZNS may have it; ``failed`` ("may have
  gone out") for an admin to look at and resend, never resent by itself: a duplicate is
  worse than a delay. A connection that never opened (connect timeout) is not sent, so
  it waits and is retried.
"""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta

import httpx
from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Channel, Notice, ZaloMessage, ZaloState
from .phone import PhoneError

logger = logging.getLogger(__name__)

LEASE = timedelta(minutes=15)
MAX_ATTEMPTS = 5
# ZNS's error codes that pass with time (token, limits, hours); any other is for good.
TEMPORARY = {
    -32: "vượt giới hạn số lần gọi API mỗi phút",
    -124: "access token không hợp lệ hoặc đã hết hạn",
    -115: "OA đã hết hạn mức gửi ZNS",
    -133: "ngoài khung giờ ZNS được gửi",
    -1: "ZNS đang lỗi",
}
PERMANENT = {
    -108: "số điện thoại không hợp lệ",
    -109: "mã mẫu tin (template) không hợp lệ",
    -112: "tham số của mẫu tin không hợp lệ",
    -114: "người nhận không nhận được ZNS (không dùng Zalo hoặc chặn tin)",
    -118: "số điện thoại chưa có tài khoản Zalo",
    -131: "mẫu tin chưa được duyệt",
    -139: "người nhận đã từ chối nhận tin của OA",
}


class _NotSent(Exception):
    def __init__(self, reason: str, *, permanent: bool = False):
        super().__init__(reason)
        self.permanent = permanent


class _Uncertain(Exception):
    pass


def confirmed_phone(preference) -> str:
    """The user's confirmed mobile number ('' when none)."""
    return preference.phone if preference.phone and preference.phone_confirmed_at else ""


def zalo_wanted(preference) -> str:
    """The confirmed phone a user's notices go to on Zalo ('' when none): Zalo on, the
    user chose it, and the number is confirmed."""
    if not settings.ZALO_ENABLED or preference.channel == Channel.EMAIL:
        return ""
    return confirmed_phone(preference)


def _post(payload: dict, *, on_handed=None) -> dict:
    """One call to ZNS; the parsed answer of a 200, else _NotSent / _Uncertain."""
    headers = {"access_token": settings.ZALO_ACCESS_TOKEN, "Content-Type": "application/json"}
    timeout = httpx.Timeout(settings.ZALO_TIMEOUT, connect=min(10.0, settings.ZALO_TIMEOUT))
    try:
        with httpx.Client(timeout=timeout) as client:
            request = client.build_request(
                "POST", settings.ZALO_API_URL, json=payload, headers=headers
            )
            if on_handed is not None:
                on_handed()
            response = client.send(request)
    except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
        raise _NotSent(_("Không kết nối được Zalo: %(error)s") % {"error": exc}) from exc
    except httpx.HTTPError as exc:  # sent, no answer: ZNS may have it
        raise _Uncertain(str(exc) or type(exc).__name__) from exc
    if response.status_code == 429 or response.status_code >= 500:
        raise _NotSent(_("Zalo trả lời HTTP %(code)s.") % {"code": response.status_code})
    try:
        answer = response.json()
        error = int(answer.get("error", -1))
    except (ValueError, TypeError, AttributeError):
        raise _NotSent(
            _("Zalo trả lời không đọc được (HTTP %(code)s).") % {"code": response.status_code}
        ) from None
    if error == 0:
        return answer
    message = str(answer.get("message", ""))[:200]
    if error in TEMPORARY:
        raise _NotSent(f"ZNS {error}: {TEMPORARY[error]} ({message})")
    reason = PERMANENT.get(error, "ZNS từ chối tin")
    raise _NotSent(f"ZNS {error}: {reason} ({message})", permanent=True)


def _payload(message: ZaloMessage) -> dict:
    notice = message.notice
    name = notice.recipient.get_full_name() or notice.recipient.get_username()
    link = f"{settings.SITE_URL}{notice.url}" if notice.url.startswith("/") else notice.url
    return {
        "phone": message.phone,
        "template_id": settings.ZALO_TEMPLATE_NOTICE,
        "template_data": {
            "ten": name[:30],
            "tieu_de": notice.subject[:100],
            "noi_dung": notice.body[:400],
            "duong_dan": link or settings.SITE_URL,
        },
        # Stable per notice: ZNS's reports and ours are matched on it.
        "tracking_id": f"notice-{notice.pk}",
    }


def _sendable():
    stale = Q(state=ZaloState.SENDING, claimed_until__lt=timezone.now(), handed_at__isnull=True)
    return ZaloMessage.objects.filter(Q(state=ZaloState.PENDING) | stale)


def zalo_send(*, notice_id: int) -> bool:
    """Send the notice's Zalo message now if it still waits (and nobody else sends it);
    True when ZNS took it. Never raises for a failed send: it is recorded."""
    if not settings.ZALO_ENABLED:
        return False
    claim = uuid.uuid4().hex
    taken = (
        _sendable()
        .filter(notice_id=notice_id)
        .update(
            state=ZaloState.SENDING,
            claim=claim,
            claimed_until=timezone.now() + LEASE,
            handed_at=None,
            attempts=F("attempts") + 1,
        )
    )
    if not taken:
        return False
    claimed = ZaloMessage.objects.filter(claim=claim, state=ZaloState.SENDING)
    message = ZaloMessage.objects.select_related("notice__recipient").get(claim=claim)
    outcome: dict = {"claimed_until": None}
    try:
        answer = _post(
            _payload(message), on_handed=lambda: claimed.update(handed_at=timezone.now())
        )
    except _NotSent as exc:
        outcome["error"] = str(exc)[:500]
        last = message.attempts >= MAX_ATTEMPTS
        outcome["state"] = ZaloState.FAILED if exc.permanent or last else ZaloState.PENDING
    except _Uncertain as exc:
        outcome["state"] = ZaloState.FAILED
        outcome["error"] = _uncertain(str(exc))[:500]
    except Exception as exc:  # a bug: this message fails alone, the run goes on
        logger.exception("notice_zalo_error", extra={"claim": claim})
        outcome.update(state=ZaloState.FAILED, error=f"{type(exc).__name__}: {exc}"[:500])
    else:
        data = answer.get("data") or {}
        claimed.update(
            state=ZaloState.SENT,
            sent_at=timezone.now(),
            claimed_until=None,
            error="",
            msg_id=str(data.get("msg_id", ""))[:64],
        )
        return True
    logger.warning("notice_zalo_failed", extra={"claim": claim, **outcome})
    claimed.update(**outcome)
    return False


def _uncertain(detail: str) -> str:
    return _(
        "Zalo không trả lời sau khi nhận yêu cầu (%(error)s): tin có thể đã đi, nên không tự "
        "gửi lại để tránh gửi trùng."
    ) % {"error": detail}


def zalo_retry() -> int:
    """The daily catch-up: every Zalo message still waiting, or claimed by a worker that
    died before handing it over, is sent; one that died after the hand-over is recorded as
    failed. How many went out."""
    ZaloMessage.objects.filter(
        state=ZaloState.SENDING, claimed_until__lt=timezone.now(), handed_at__isnull=False
    ).update(
        state=ZaloState.FAILED,
        claimed_until=None,
        error=_uncertain(_("người gửi đã dừng giữa chừng")),
    )
    ids = _sendable().order_by("pk").values_list("notice_id", flat=True)
    return sum(zalo_send(notice_id=pk) for pk in list(ids))


def zalo_resend(*, notices) -> list[int]:
    """An admin's choice: the failed Zalo messages of `notices` wait again, attempts reset."""
    failed = list(
        ZaloMessage.objects.filter(notice__in=notices, state=ZaloState.FAILED).values_list(
            "notice_id", flat=True
        )
    )
    ZaloMessage.objects.filter(notice_id__in=failed, state=ZaloState.FAILED).update(
        state=ZaloState.PENDING, attempts=0, error=""
    )
    return failed


def otp_send(phone: str, code: str) -> None:
    """The phone-confirmation code through the OTP template; raises PhoneError when ZNS
    does not take it (the person sees why and may try again)."""
    if not settings.ZALO_ENABLED:
        raise PhoneError(_("Cổng chưa bật gửi tin Zalo: hãy nhận thông báo qua thư điện tử."))
    payload = {
        "phone": phone,
        "template_id": settings.ZALO_TEMPLATE_OTP,
        "template_data": {"otp": code},
        "tracking_id": f"otp-{uuid.uuid4().hex[:16]}",
    }
    try:
        _post(payload)
    except (_NotSent, _Uncertain) as exc:
        raise PhoneError(_("Không gửi được mã qua Zalo: %(error)s") % {"error": exc}) from exc


def notices_with_zalo(ids) -> list[int]:
    return list(
        Notice.objects.filter(pk__in=ids, zalo__state=ZaloState.PENDING).values_list(
            "pk", flat=True
        )
    )
