"""A user's own e-mail address, changed only after a signed link sent to the new address
proves they read it.

Each request is a row (EmailChangeRequest) and its link names that row: only the user's
latest request can be confirmed, so asking again makes every older link useless (A → B →
A: the link for B no longer works); a user makes at most EMAIL_CHANGES_PER_HOUR requests
in any hour, so the form cannot be used to send mail to arbitrary addresses in bulk; and
once the address is changed, the old address is told.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import EmailChangeRequest

SALT = "cluster-portal.email-change"
MAX_AGE = 60 * 60 * 48  # the link works for two days
EMAIL_CHANGES_PER_HOUR = 3
WINDOW = timedelta(hours=1)


class EmailChangeError(Exception):
    """The link cannot be used; the message (Vietnamese) says why."""


class EmailChangeLimited(Exception):
    """Too many requests in the last hour; the message says when to try again."""


def email_change_token(*, change: EmailChangeRequest) -> str:
    return signing.dumps({"r": change.pk, "u": change.user_id}, salt=SALT)


def _send(*, subject: str, template: str, context: dict, to: str) -> None:
    message = EmailMultiAlternatives(
        subject=subject, body=render_to_string(f"{template}.txt", context), to=[to]
    )
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    message.send()


def email_change_request(*, user: AbstractBaseUser, email: str) -> EmailChangeRequest:
    """Record the request and mail its link to `email`; refused past the hourly limit."""
    now = timezone.now()
    with transaction.atomic():
        # One request at a time per user: the count below cannot be raced past.
        get_user_model().objects.select_for_update().get(pk=user.pk)
        recent = EmailChangeRequest.objects.filter(user=user, requested_at__gt=now - WINDOW)
        times = sorted(recent.values_list("requested_at", flat=True))
        if len(times) >= EMAIL_CHANGES_PER_HOUR:
            wait = times[-EMAIL_CHANGES_PER_HOUR] + WINDOW - now
            minutes = max(1, -(-int(wait.total_seconds()) // 60))
            raise EmailChangeLimited(
                ngettext(
                    "Bạn đã yêu cầu đổi địa chỉ thư %(count)d lần trong một giờ qua, mức tối "
                    "đa. Hãy thử lại sau %(minutes)d phút.",
                    "Bạn đã yêu cầu đổi địa chỉ thư %(count)d lần trong một giờ qua, mức tối "
                    "đa. Hãy thử lại sau %(minutes)d phút.",
                    minutes,
                )
                % {"count": len(times), "minutes": minutes}
            )
        change = EmailChangeRequest.objects.create(
            user=user, email=email, old_email=user.email, requested_at=now
        )
    link = settings.SITE_URL + reverse(
        "notices:email-confirm", args=[email_change_token(change=change)]
    )
    context = {"user": user, "link": link, "email": email, "hours": MAX_AGE // 3600}
    _send(
        subject=_("[Cụm thi đua] Xác nhận địa chỉ thư điện tử mới"),
        template="notices/email/email_change",
        context=context,
        to=email,
    )
    return change


def email_change_confirm(*, user: AbstractBaseUser, token: str) -> str:
    """Set the address of the request the token names, if it is the user's latest and
    unused; tell the old address. Returns the new address."""
    try:
        data = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.SignatureExpired:
        raise EmailChangeError(_("Đường dẫn xác nhận đã hết hạn: hãy yêu cầu đổi lại.")) from None
    except signing.BadSignature:
        raise EmailChangeError(_("Đường dẫn xác nhận không hợp lệ.")) from None
    if not isinstance(data, dict) or not isinstance(data.get("r"), int):
        raise EmailChangeError(_("Đường dẫn xác nhận không hợp lệ."))
    if data.get("u") != user.pk:
        raise EmailChangeError(_("Đường dẫn này dành cho một tài khoản khác."))
    with transaction.atomic():
        locked = get_user_model().objects.select_for_update().get(pk=user.pk)
        latest = EmailChangeRequest.objects.filter(user=locked).order_by("-requested_at", "-pk")
        change = latest.first()
        if change is None or change.pk != data["r"]:
            raise EmailChangeError(
                _(
                    "Đường dẫn này đã được thay bằng một yêu cầu đổi địa chỉ mới hơn: hãy mở "
                    "đường dẫn trong thư gửi sau cùng."
                )
            )
        if change.confirmed_at is not None or change.old_email != locked.email:
            raise EmailChangeError(_("Đường dẫn này đã được dùng hoặc địa chỉ thư đã đổi sau đó."))
        try:
            validate_email(change.email)  # a row written around the form is checked again
        except ValidationError:
            raise EmailChangeError(_("Đường dẫn xác nhận không hợp lệ.")) from None
        old = locked.email
        locked.email = change.email
        locked.save(update_fields=["email"])
        change.confirmed_at = timezone.now()
        change.save(update_fields=["confirmed_at"])
        if old:
            context = {"user": locked, "old": old, "new": change.email, "when": change.confirmed_at}
            transaction.on_commit(
                lambda: _send(
                    subject=_("[Cụm thi đua] Địa chỉ thư điện tử của tài khoản đã được đổi"),
                    template="notices/email/email_changed",
                    context=context,
                    to=old,
                )
            )
    user.email = locked.email
    return locked.email
