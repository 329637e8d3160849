"""Sending notices by e-mail: each notice on its own, at most once, with no transaction
open while the relay talks (claim → hand-over → outcome; the package docstring tells the
whole design and why)."""

import contextlib
import logging
import smtplib

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.validators import validate_email
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .claims import MAX_ATTEMPTS as MAX_ATTEMPTS
from .claims import NotSent, Refused, SendingColumns, Uncertain
from .models import EmailState, Notice

logger = logging.getLogger(__name__)

# The relay may take 10 minutes to answer the end of the data (RFC 5321, 4.5.3.2.6): once
# connected, the worker waits that long rather than EMAIL_TIMEOUT (which still bounds the
# connection), since giving up early on a relay that then delivers is a duplicate.
RELAY_REPLY_TIMEOUT = 600


def address_problem(email: str) -> str:
    """Why the address cannot be written to ('' when it can): a line break or anything
    `validate_email` refuses (what the forms and the admin check on the way in)."""
    try:
        validate_email(email)
    except ValidationError:
        return _("Địa chỉ thư không hợp lệ: %(email)r.") % {"email": email[:200]}
    return ""


def _absolute(url: str) -> str:
    return f"{settings.SITE_URL}{url}" if url.startswith("/") else url


def _message(*, to: AbstractBaseUser, subject: str, template: str, context: dict):
    problem = address_problem(to.email)
    if problem:
        raise Refused(problem)
    context = {**context, "user": to, "site_url": settings.SITE_URL}
    message = EmailMultiAlternatives(
        subject=f"[Cụm thi đua] {subject}",
        body=render_to_string(f"notices/email/{template}.txt", context),
        to=[to.email],
    )
    message.attach_alternative(
        render_to_string(f"notices/email/{template}.html", context), "text/html"
    )
    try:
        message.message()  # builds the headers now: BadHeaderError before any relay call
    except ValueError as exc:  # BadHeaderError is a ValueError
        raise Refused(_("Thư không hợp lệ: %(error)s") % {"error": exc}) from None
    return message


def _deliver(message, *, claimed: QuerySet) -> None:
    """Hand `message` to the relay; `claimed` (the claimed rows) is marked handed over
    once the connection is open. Raises NotSent or Uncertain."""
    connection = get_connection()
    try:
        connection.open()
    except (OSError, smtplib.SMTPException) as exc:
        raise NotSent(_("Không kết nối được máy chủ thư: %(error)s") % {"error": exc}) from exc
    try:
        sock = getattr(getattr(connection, "connection", None), "sock", None)
        if sock is not None:  # SMTP: wait for a slow relay's reply (RELAY_REPLY_TIMEOUT)
            sock.settimeout(max(RELAY_REPLY_TIMEOUT, getattr(connection, "timeout", 0) or 0))
        EMAIL.hand_over(claimed)
        try:
            connection.send_messages([message])
        except smtplib.SMTPRecipientsRefused as exc:
            code = min((answer[0] for answer in exc.recipients.values()), default=550)
            raise NotSent(
                _("Máy chủ thư từ chối người nhận: %(error)s") % {"error": exc.recipients},
                permanent=code >= 500,
            ) from exc
        except smtplib.SMTPResponseException as exc:  # it answered no: it does not have it
            raise NotSent(
                _("Máy chủ thư từ chối thư: %(code)s %(error)s")
                % {"code": exc.smtp_code, "error": exc.smtp_error},
                permanent=exc.smtp_code >= 500,
            ) from exc
        except (OSError, smtplib.SMTPException) as exc:
            raise Uncertain(str(exc)) from exc
    finally:
        with contextlib.suppress(OSError, smtplib.SMTPException):
            connection.close()


EMAIL = SendingColumns(
    model=Notice,
    prefix="email_",
    sent_at="emailed_at",
    states=EmailState,
    uncertain=gettext_lazy(
        "Máy chủ thư không xác nhận đã nhận thư (%(error)s): thư có thể đã đi, nên không tự "
        "gửi lại để tránh gửi trùng."
    ),
    event="notice_email",
    logger=logger,
)
_claim, _sendable = EMAIL.claim, EMAIL.sendable


def _send_claimed(claim: str, *, waiting: str, build) -> bool:
    """Build the message for the rows holding `claim` and send it (EMAIL.send_claimed)."""
    return EMAIL.send_claimed(
        claim, waiting=waiting, send=lambda claimed: _deliver(build(), claimed=claimed)
    )


def notice_email_send(*, notice_id: int) -> bool:
    """E-mail one notice now if it still waits for it (and nobody else is sending it);
    True when the mail went out. Never raises for a failed send: it is recorded."""
    claim, taken = _claim(
        _sendable(Notice.objects.filter(pk=notice_id), waiting=EmailState.PENDING)
    )
    if not taken:
        return False
    notice = Notice.objects.select_related("recipient").get(pk=notice_id)
    return _send_claimed(
        claim,
        waiting=EmailState.PENDING,
        build=lambda: _message(
            to=notice.recipient,
            subject=notice.subject,
            template="notice",
            context={"notice": notice, "link": _absolute(notice.url)},
        ),
    )


def digest_send(*, user: AbstractBaseUser) -> int:
    """One e-mail with every notice waiting for the user's digest; how many it held."""
    claim, taken = _claim(Notice.objects.filter(recipient=user, email_state=EmailState.DIGEST))
    if not taken:
        return 0
    notices = list(Notice.objects.filter(email_claim=claim).order_by("created_at", "pk"))

    def build():
        return _message(
            to=user,
            subject=f"{len(notices)} thông báo mới",
            template="digest",
            context={
                "items": [{"notice": n, "link": _absolute(n.url)} for n in notices],
                "inbox": _absolute("/notices/"),
            },
        )

    return len(notices) if _send_claimed(claim, waiting=EmailState.DIGEST, build=build) else 0


def digests_send() -> tuple[int, int]:
    """Every waiting digest: (e-mails sent, notices they held)."""
    users = (
        get_user_model()
        .objects.filter(notices__email_state=EmailState.DIGEST, is_active=True)
        .distinct()
    )
    mails = held = 0
    for user in users:
        count = digest_send(user=user)
        mails, held = mails + (1 if count else 0), held + count
    return mails, held


def notices_email_retry() -> int:
    """The daily catch-up: every notice still waiting for its e-mail, or claimed by a
    worker that died before handing it over, is sent (each on its own); one that died after
    handing it over is recorded as failed. How many mails went out."""
    EMAIL.settle_abandoned()
    waiting = _sendable(Notice.objects.all(), waiting=EmailState.PENDING)
    ids = waiting.order_by("pk").values_list("pk", flat=True)
    return sum(notice_email_send(notice_id=pk) for pk in ids)


def notices_email_resend(*, notices: QuerySet) -> list[int]:
    """An admin's choice, once the cause is fixed: the failed notices among `notices` go
    back to waiting, with a fresh count of attempts. Their ids, for the caller to queue."""
    failed = list(notices.filter(email_state=EmailState.FAILED).values_list("pk", flat=True))
    EMAIL.resend(Notice.objects.filter(pk__in=failed))
    return failed
