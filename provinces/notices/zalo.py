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
- handed over and no answer before ZALO_TIMEOUT (or a worker that died after the
  hand-over): ZNS may have it; ``awaiting`` ZNS's delivery report (zalo_webhook.py). A
  report marks it sent, whenever it comes; with no report ZALO_REPORT_WAIT after the
  hand-over, the next run (the worker's deferred task, or the daily catch-up) sends it
  again, with the same tracking id and one attempt more; after the last attempt it is
  ``failed``. A connection that never opened (connect timeout) is not sent, so it waits
  and is retried.

Each resend is claimed like the first send (one UPDATE that a report, itself one UPDATE,
either precedes or follows): a report that came first stops it; one that comes between
the claim and the hand-over makes the hand-over find no claim, and nothing is sent.
"""

from __future__ import annotations

import datetime
import logging
import uuid

import httpx
from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .claims import MAX_ATTEMPTS as MAX_ATTEMPTS
from .claims import NotSent, Refused, SendingColumns, Uncertain
from .models import Channel, NoticePreference, ZaloMessage, ZaloState
from .phone import PhoneError

logger = logging.getLogger(__name__)

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
    """One call to ZNS; the parsed answer of a 200, else NotSent / Uncertain."""
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
        raise NotSent(_("Không kết nối được Zalo: %(error)s") % {"error": exc}) from exc
    except httpx.HTTPError as exc:  # sent, no answer: ZNS may have it
        raise Uncertain(str(exc) or type(exc).__name__) from exc
    if response.status_code == 429 or response.status_code >= 500:
        raise NotSent(_("Zalo trả lời HTTP %(code)s.") % {"code": response.status_code})
    try:
        answer = response.json()
        error = int(answer.get("error", -1))
    except (ValueError, TypeError, AttributeError):
        raise NotSent(
            _("Zalo trả lời không đọc được (HTTP %(code)s).") % {"code": response.status_code}
        ) from None
    if error == 0:
        return answer
    message = str(answer.get("message", ""))[:200]
    if error in TEMPORARY:
        raise NotSent(f"ZNS {error}: {TEMPORARY[error]} ({message})")
    reason = PERMANENT.get(error, "ZNS từ chối tin")
    raise NotSent(f"ZNS {error}: {reason} ({message})", permanent=True)


# The approved notice template's parameters (ZALO_TEMPLATE_NOTICE), each with the most
# characters ZNS takes for it: the template is registered with exactly these.
NOTICE_PARAMS = {"ten": 30, "tieu_de": 100, "noi_dung": 400, "duong_dan": 200}


def _phone_now(message: ZaloMessage) -> str:
    """The number the recipient has confirmed now (it may have changed since the notice
    was recorded), kept on the message; refused, never the old number, when there is none,
    and refused when the recipient has chosen e-mail only since."""
    preference = NoticePreference.objects.filter(user_id=message.notice.recipient_id).first()
    if preference is not None and preference.channel == Channel.EMAIL:
        raise Refused(_("Người nhận đã chọn chỉ nhận thư điện tử nên tin Zalo không được gửi."))
    phone = confirmed_phone(preference) if preference is not None else ""
    if not phone:
        raise Refused(
            _("Người nhận không còn số điện thoại Zalo đã xác nhận nên tin không được gửi.")
        )
    if phone != message.phone:
        ZaloMessage.objects.filter(pk=message.pk).update(phone=phone)
    return phone


def _payload(message: ZaloMessage) -> dict:
    notice = message.notice
    name = notice.recipient.get_full_name() or notice.recipient.get_username()
    link = f"{settings.SITE_URL}{notice.url}" if notice.url.startswith("/") else notice.url
    values = {
        "ten": name,
        "tieu_de": notice.subject,
        "noi_dung": notice.body,
        "duong_dan": link or settings.SITE_URL,
    }
    return {
        "phone": _phone_now(message),
        "template_id": settings.ZALO_TEMPLATE_NOTICE,
        "template_data": {key: values[key][:most] for key, most in NOTICE_PARAMS.items()},
        # Stable per notice: ZNS's reports and ours are matched on it.
        "tracking_id": f"notice-{notice.pk}",
    }


ZALO = SendingColumns(
    model=ZaloMessage,
    prefix="",
    sent_at="sent_at",
    states=ZaloState,
    uncertain=gettext_lazy(
        "Zalo không trả lời sau khi nhận yêu cầu (%(error)s): tin có thể đã đi; chờ Zalo báo "
        "nhận, chỉ gửi lại khi hết thời gian chờ mà không có báo nhận."
    ),
    event="notice_zalo",
    logger=logger,
    awaiting=ZaloState.AWAITING,
)


def _unreported() -> Q:
    """Awaiting a report that has not come ZALO_REPORT_WAIT after the hand-over."""
    waited = timezone.now() - settings.ZALO_REPORT_WAIT
    return Q(state=ZaloState.AWAITING, handed_at__lt=waited)


def _sendable():
    again = ZaloMessage.objects.filter(_unreported(), attempts__lt=MAX_ATTEMPTS)
    return ZALO.sendable(ZaloMessage.objects.all(), waiting=ZaloState.PENDING) | again


def zalo_send(*, notice_id: int) -> bool:
    """Send the notice's Zalo message now if it still waits (and nobody else sends it);
    True when ZNS took it. Never raises for a failed send: it is recorded."""
    if not settings.ZALO_ENABLED:
        return False
    claim, taken = ZALO.claim(_sendable().filter(notice_id=notice_id))
    if not taken:
        return False
    message = ZaloMessage.objects.select_related("notice__recipient").get(claim=claim)

    def send(claimed) -> dict:
        answer = _post(_payload(message), on_handed=lambda: ZALO.hand_over(claimed))
        return {"msg_id": str((answer.get("data") or {}).get("msg_id", ""))[:64]}

    return ZALO.send_claimed(claim, waiting=ZaloState.PENDING, send=send)


def zalo_resend_due(*, notice_id: int) -> datetime.datetime | None:
    """When the notice's Zalo message, awaiting its report, is to be sent again; None when
    it awaits nothing or its attempts are spent (the daily catch-up records it failed)."""
    handed = (
        ZaloMessage.objects.filter(
            notice_id=notice_id, state=ZaloState.AWAITING, attempts__lt=MAX_ATTEMPTS
        )
        .values_list("handed_at", flat=True)
        .first()
    )
    return handed + settings.ZALO_REPORT_WAIT + datetime.timedelta(minutes=1) if handed else None


def zalo_retry() -> int:
    """The daily catch-up: every Zalo message still waiting, claimed by a worker that died
    before handing it over, or awaiting a report that has not come in ZALO_REPORT_WAIT, is
    sent (one that died after the hand-over awaits its report first); one whose last
    attempt got no report is recorded failed. How many went out."""
    ZALO.settle_abandoned()
    ZaloMessage.objects.filter(_unreported(), attempts__gte=MAX_ATTEMPTS).update(
        state=ZaloState.FAILED,
        error=_("Zalo không báo nhận sau %(count)s lần gửi.") % {"count": MAX_ATTEMPTS},
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
    ZALO.resend(ZaloMessage.objects.filter(notice_id__in=failed))
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
    except (NotSent, Uncertain) as exc:
        raise PhoneError(_("Không gửi được mã qua Zalo: %(error)s") % {"error": exc}) from exc
