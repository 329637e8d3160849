"""Writes on notices: create once, mark read, the user's preferences (sending by e-mail is
mailing.py)."""

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import Channel, Delivery, EmailState, Notice, NoticePreference, ZaloMessage
from .selectors import preference_for, wants
from .zalo import zalo_wanted


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

    Whether it goes out by e-mail at once, in tomorrow's digest or not at all (no address),
    and whether on Zalo too (a confirmed phone, Zalo chosen), is decided here, from the
    recipient's preference; its Zalo message is recorded with it, once."""
    if not recipient.is_active or not wants(recipient, draft):
        return None
    preference = preference_for(recipient)
    phone = zalo_wanted(preference)
    if not recipient.email or (phone and preference.channel == Channel.ZALO):
        state = EmailState.NONE
    elif preference.delivery == Delivery.DIGEST:
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
            if phone:
                ZaloMessage.objects.create(notice=notice, phone=phone)
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


def preference_save(
    *, user: AbstractBaseUser, delivery: str, mute_reminders: bool, channel: str = Channel.EMAIL
) -> None:
    """Save the user's choice; notices already waiting follow it."""
    with transaction.atomic():
        preference, _ = NoticePreference.objects.get_or_create(user=user)
        preference.delivery, preference.mute_reminders = delivery, mute_reminders
        preference.channel = channel
        preference.full_clean()
        preference.save()
        waiting = Notice.objects.filter(
            recipient=user, email_state__in=[EmailState.PENDING, EmailState.DIGEST]
        )
        new_state = EmailState.DIGEST if delivery == Delivery.DIGEST else EmailState.PENDING
        waiting.update(email_state=new_state)
