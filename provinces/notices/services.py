"""Writes on notices: create once, mark read, send by e-mail (at once or as a daily digest)."""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from .models import Delivery, EmailState, Notice, NoticePreference
from .selectors import preference_for, wants

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class NoticeDraft:
    """What to tell, before it is known whether the person was already told."""

    key: str
    kind: str
    subject: str
    body: str
    url: str = ""


def notice_create(*, recipient: AbstractBaseUser, draft: NoticeDraft) -> Notice | None:
    """Record the notice for `recipient` unless that key was recorded before (then None).

    Whether it goes out by e-mail at once, in tomorrow's digest or not at all (no address)
    is decided here, from the recipient's preference."""
    if not recipient.is_active or not wants(recipient, draft):
        return None
    if not recipient.email:
        state = EmailState.NONE
    elif preference_for(recipient).delivery == Delivery.DIGEST:
        state = EmailState.DIGEST
    else:
        state = EmailState.PENDING
    notice = Notice(
        recipient=recipient,
        key=draft.key,
        kind=draft.kind,
        subject=draft.subject[:255],
        body=draft.body,
        url=draft.url,
        email_state=state,
    )
    notice.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            notice.save()
    except IntegrityError:  # the same key for the same person: already told
        return None
    return notice


def notice_mark_read(*, notice: Notice) -> Notice:
    if notice.read_at is None:
        notice.read_at = timezone.now()
        notice.save(update_fields=["read_at"])
    return notice


def notices_mark_all_read(*, user: AbstractBaseUser) -> int:
    return Notice.objects.filter(recipient=user).unread().update(read_at=timezone.now())


def _absolute(url: str) -> str:
    return f"{settings.SITE_URL}{url}" if url.startswith("/") else url


def _send(*, to: AbstractBaseUser, subject: str, template: str, context: dict) -> None:
    context = {**context, "user": to, "site_url": settings.SITE_URL}
    message = EmailMultiAlternatives(
        subject=f"[Cụm thi đua] {subject}",
        body=render_to_string(f"notices/email/{template}.txt", context),
        to=[to.email],
    )
    message.attach_alternative(
        render_to_string(f"notices/email/{template}.html", context), "text/html"
    )
    message.send()


@transaction.atomic
def notice_email_send(*, notice_id: int) -> bool:
    """E-mail one notice now if it is still waiting for it; True when a mail went out."""
    notice = (
        Notice.objects.select_for_update()
        .select_related("recipient")
        .filter(pk=notice_id, email_state=EmailState.PENDING)
        .first()
    )
    if notice is None or not notice.recipient.email:
        return False
    try:
        _send(
            to=notice.recipient,
            subject=notice.subject,
            template="notice",
            context={"notice": notice, "link": _absolute(notice.url)},
        )
    except OSError:  # smtplib errors are OSErrors: the notice waits for the next daily run
        logger.warning("notice_email_failed", extra={"notice": notice.pk}, exc_info=True)
        return False
    notice.email_state, notice.emailed_at = EmailState.SENT, timezone.now()
    notice.save(update_fields=["email_state", "emailed_at"])
    return True


@transaction.atomic
def digest_send(*, user: AbstractBaseUser) -> int:
    """One e-mail with every notice waiting for the user's digest; how many it held."""
    notices = list(
        Notice.objects.select_for_update()
        .filter(recipient=user, email_state=EmailState.DIGEST)
        .order_by("created_at", "pk")
    )
    if not notices or not user.email:
        return 0
    items = [{"notice": n, "link": _absolute(n.url)} for n in notices]
    try:
        _send(
            to=user,
            subject=f"{len(notices)} thông báo mới",
            template="digest",
            context={"items": items, "inbox": _absolute("/notices/")},
        )
    except OSError:
        logger.warning("digest_email_failed", extra={"user": user.pk}, exc_info=True)
        return 0
    Notice.objects.filter(pk__in=[n.pk for n in notices]).update(
        email_state=EmailState.SENT, emailed_at=timezone.now()
    )
    return len(notices)


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


def preference_save(*, user: AbstractBaseUser, delivery: str, mute_reminders: bool) -> None:
    """Save the user's choice; notices already waiting follow it."""
    with transaction.atomic():
        preference, _ = NoticePreference.objects.get_or_create(user=user)
        preference.delivery, preference.mute_reminders = delivery, mute_reminders
        preference.full_clean()
        preference.save()
        waiting = Notice.objects.filter(
            recipient=user, email_state__in=[EmailState.PENDING, EmailState.DIGEST]
        )
        new_state = EmailState.DIGEST if delivery == Delivery.DIGEST else EmailState.PENDING
        waiting.update(email_state=new_state)
