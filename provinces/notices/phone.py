"""Vietnamese mobile numbers for Zalo notices: checked as the carriers number them, and
confirmed with a code sent to that number through ZNS before any notice goes there."""

from __future__ import annotations

import re
import secrets
from datetime import timedelta

from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import NoticePreference

# Mobile prefixes since the 2018 renumbering: 03x (Viettel), 05x (Vietnamobile, Gmobile),
# 07x (MobiFone), 08x (VinaPhone, Viettel, iTel…), 09x; ten digits with the leading 0.
MOBILE = re.compile(r"^(?:0|84)((?:3[2-9]|5[25689]|7[06-9]|8[1-9]|9\d)\d{7})$")
CODE_LIFETIME = timedelta(minutes=10)
MAX_TRIES = 5
RESEND_AFTER = timedelta(seconds=60)


class PhoneError(Exception):
    """Refused, with the reason in the reader's language."""


def normalised(number: str) -> str:
    """ "0912 345 678", "+84 912-345-678" → "84912345678" (as ZNS writes it); raises
    PhoneError for anything that is not a Vietnamese mobile number."""
    digits = re.sub(r"[\s.\-()]", "", number or "")
    digits = digits.removeprefix("+")
    match = MOBILE.match(digits)
    if not match:
        raise PhoneError(
            _("“%(number)s” không phải số di động Việt Nam (10 số, ví dụ 0912 345 678).")
            % {"number": (number or "")[:30]}
        )
    return f"84{match.group(1)}"


def shown(number: str) -> str:
    """ "84912345678" → "0912 345 678"."""
    if not number:
        return ""
    local = f"0{number[2:]}"
    return f"{local[:4]} {local[4:7]} {local[7:]}"


def phone_code_start(*, user, number: str, send) -> str:
    """Keep `number` waiting for confirmation and send it a fresh six-digit code through
    `send(phone, code)` (the ZNS OTP template). Returns the normalised number."""
    phone = normalised(number)
    with transaction.atomic():
        preference, _created = NoticePreference.objects.select_for_update().get_or_create(user=user)
        sent = preference.phone_code_sent_at
        if sent and timezone.now() - sent < RESEND_AFTER:
            raise PhoneError(_("Vừa gửi mã; hãy đợi một phút rồi gửi lại."))
        code = f"{secrets.randbelow(10**6):06d}"
        preference.pending_phone = phone
        preference.phone_code_hash = make_password(code)
        preference.phone_code_sent_at = timezone.now()
        preference.phone_code_tries = 0
        preference.save()
    try:
        send(phone, code)
    except PhoneError:
        # No code to wait for (the page would ask for it); the time of the try still
        # bounds how often ZNS is asked.
        NoticePreference.objects.filter(
            pk=preference.pk, phone_code_hash=preference.phone_code_hash
        ).update(pending_phone="", phone_code_hash="")
        raise
    return phone


def phone_code_confirm(*, user, code: str) -> str:
    """Confirm the waiting number with its code; the number notices now go to. The code is
    checked and the number it was sent to confirmed under one lock: a second request
    (a double click, a new number asked for meanwhile) cannot slip in between."""
    with transaction.atomic():
        preference = NoticePreference.objects.select_for_update().filter(user=user).first()
        if preference is None or not preference.pending_phone:
            raise PhoneError(_("Chưa có số nào chờ xác nhận: hãy nhập số và gửi mã trước."))
        if timezone.now() - preference.phone_code_sent_at > CODE_LIFETIME:
            raise PhoneError(_("Mã đã hết hạn (10 phút): hãy gửi mã mới."))
        if preference.phone_code_tries >= MAX_TRIES:
            raise PhoneError(_("Đã nhập sai mã quá 5 lần: hãy gửi mã mới."))
        right = check_password((code or "").strip(), preference.phone_code_hash)
        if right:
            preference.phone = preference.pending_phone
            preference.phone_confirmed_at = timezone.now()
            preference.pending_phone = preference.phone_code_hash = ""
            preference.phone_code_tries = 0
        else:  # the try is counted (saved), then refused outside the transaction
            preference.phone_code_tries += 1
        preference.save(
            update_fields=[
                "phone",
                "phone_confirmed_at",
                "pending_phone",
                "phone_code_hash",
                "phone_code_tries",
            ]
        )
    if not right:
        raise PhoneError(_("Mã xác nhận không đúng."))
    return preference.phone
