"""Reads of notices: what a user chose, and whether they want a notice."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .models import NoticeKind, NoticePreference

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from .services import NoticeDraft

REMINDER_KINDS = (NoticeKind.REMINDER, NoticeKind.OVERDUE)


def preference_for(user: AbstractBaseUser) -> NoticePreference:
    """The user's choices, or the defaults (not saved) when they never chose."""
    try:
        return user.notice_preference
    except NoticePreference.DoesNotExist:
        return NoticePreference(user=user)


def wants(user: AbstractBaseUser, draft: NoticeDraft) -> bool:
    """A muted user gets no reminders; every other notice is always recorded."""
    return not (draft.kind in REMINDER_KINDS and preference_for(user).mute_reminders)
