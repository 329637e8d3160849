"""A user's own e-mail address, changed only after a signed link sent to the new address
proves they read it (django.core.signing: nothing is stored until the link is opened)."""

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext

SALT = "cluster-portal.email-change"
MAX_AGE = 60 * 60 * 48  # the link works for two days


class EmailChangeError(Exception):
    """The link cannot be used; the message (Vietnamese) says why."""


def email_change_token(*, user: AbstractBaseUser, email: str) -> str:
    # The current address is signed too: once the change is made, the link stops working.
    return signing.dumps({"u": user.pk, "new": email, "old": user.email}, salt=SALT)


def email_change_request(*, user: AbstractBaseUser, email: str) -> None:
    token = email_change_token(user=user, email=email)
    link = settings.SITE_URL + reverse("notices:email-confirm", args=[token])
    context = {"user": user, "link": link, "email": email, "hours": MAX_AGE // 3600}
    message = EmailMultiAlternatives(
        subject="[Cụm thi đua] Xác nhận địa chỉ thư điện tử mới",
        body=render_to_string("notices/email/email_change.txt", context),
        to=[email],
    )
    message.attach_alternative(
        render_to_string("notices/email/email_change.html", context), "text/html"
    )
    message.send()


def email_change_confirm(*, user: AbstractBaseUser, token: str) -> str:
    """Set the address the token names, for the user it was made for; returns it."""
    try:
        data = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.SignatureExpired:
        raise EmailChangeError(
            gettext("Đường dẫn xác nhận đã hết hạn: hãy yêu cầu đổi lại.")
        ) from None
    except signing.BadSignature:
        raise EmailChangeError(gettext("Đường dẫn xác nhận không hợp lệ.")) from None
    if not isinstance(data, dict) or data.get("u") != user.pk:
        raise EmailChangeError(gettext("Đường dẫn này dành cho một tài khoản khác."))
    if data.get("old") != user.email:
        raise EmailChangeError(
            gettext("Đường dẫn này đã được dùng hoặc địa chỉ thư đã đổi sau đó.")
        )
    try:
        validate_email(data.get("new", ""))
    except ValidationError:
        raise EmailChangeError(gettext("Đường dẫn xác nhận không hợp lệ.")) from None
    user.email = data["new"]
    user.save(update_fields=["email"])
    return user.email
