"""Reminders: 7 days and 1 day before a deadline and once when it has passed, to the people
who still owe something. Each is a notice keyed on the obligation and the stage, so a
rerun (or a second run the same day) tells nobody twice."""

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model

from cluster_portal import access
from provinces.notices.mailing import notice_email_send
from provinces.notices.models import Notice, NoticeKind
from provinces.notices.selectors import wants
from provinces.notices.services import NoticeDraft, notice_create
from provinces.notices.zalo import zalo_send
from provinces.organisation.models import StaffProfile
from provinces.organisation.selectors import ProvinceYear

from .todos import (
    ADMIN,
    CHAIR,
    JUDGED,
    STAFF,
    Snapshot,
    Todo,
    all_todos,
    figures_by_member,
    judges_todo,
)

D7, D1, OVERDUE = "d7", "d1", "overdue"


def stage_of(todo: Todo, snap: Snapshot) -> str | None:
    """Which reminder is due today: from 7 days before until 2 days before, the 7-day one;
    the day before and the due day, the 1-day one; after the due day, the overdue one.
    Windows, not single days, so a run missed by the timer is caught up the next day."""
    if todo.due is None or todo.deadline is None:
        return None
    if todo.is_overdue(snap.now):
        return OVERDUE
    if not todo.remind_before:
        return None
    days = todo.days_left(snap.today)
    if days <= 1:
        return D1
    if days <= 7:
        return D7
    return None


def _draft(todo: Todo, stage: str, today: datetime.date) -> NoticeDraft:
    due = todo.due.strftime("%d/%m/%Y")
    if stage == OVERDUE:
        subject = f"Quá hạn: {todo.title}"
        body = f"Hạn {due} đã qua mà việc này chưa xong: {todo.title}."
    else:
        days = todo.days_left(today)
        when = "hôm nay là hạn cuối" if days == 0 else f"còn {days} ngày (hạn {due})"
        subject = f"Nhắc hạn: {todo.title}"
        body = f"{todo.title}: {when}."
    if todo.detail:
        body += f"\nLý do trả lại: {todo.detail}"
    return NoticeDraft(
        key=f"reminder:{todo.obligation}:{todo.deadline}:{todo.due.isoformat()}:{stage}",
        kind=NoticeKind.OVERDUE if stage == OVERDUE else NoticeKind.REMINDER,
        subject=subject,
        body=body,
        url=str(todo.url),  # reversed now (the providers' links are lazy)
    )


@dataclass
class Planned:
    user: object
    draft: NoticeDraft


class _People:
    """Every active user with their unit, loaded once (two queries), to find who owes."""

    def __init__(self):
        self.profiles = list(
            StaffProfile.objects.select_related(
                "user__notice_preference", "province__successor__successor"
            ).filter(user__is_active=True)
        )
        for profile in self.profiles:
            profile.user._home_province = profile.province
            profile.user._national = profile.national
        self.admins = list(
            get_user_model()
            .objects.select_related("notice_preference")
            .filter(is_superuser=True, is_active=True)
        )

    def owing(self, todo: Todo, term, snap: Snapshot) -> list:
        if todo.audience == ADMIN:
            return self.admins
        users = [p.user for p in self.profiles]
        if todo.audience == CHAIR and todo.kind in JUDGED and todo.owner is not None:
            everyone = {u.pk: u for u in [*self.admins, *users]}.values()  # staff admins once
            return [u for u in everyone if judges_todo(u, todo, term)]
        if todo.audience == CHAIR:
            return [u for u in users if access.is_chair(u, term)]
        if todo.audience == STAFF and todo.owner is not None:
            return [
                u
                for u in users
                if (unit := access.unit_of(u, todo.year)) is not None and unit.pk == todo.owner.pk
            ]
        return []


def _may_read(user, todo: Todo, cy, snap: Snapshot) -> bool:
    """No reminder about a record reaches someone who may not read it."""
    if todo.owner is None:
        return access.can_view_cluster_year(user, cy.member_ids, cy.year)
    py = ProvinceYear(
        province=todo.owner,
        year=todo.year,
        cluster=cy.cluster,
        term=cy.term,
        member_ids=cy.member_ids,
        figures=figures_by_member(snap).get((todo.owner.pk, todo.year)),
    )
    return access.can_view_figures(user, py)


def reminders_plan(snap: Snapshot) -> list[Planned]:
    """Every reminder due on the snapshot's day that was not sent before."""
    people = _People()
    by_key = {(cy.cluster.pk, cy.year): cy for cy in snap.cluster_years}
    planned = []
    for todo in all_todos(snap):
        stage = stage_of(todo, snap)
        if stage is None:
            continue
        cy = by_key[(todo.cluster.pk, todo.year)]
        draft = _draft(todo, stage, snap.today)
        for user in people.owing(todo, cy.term, snap):
            if wants(user, draft) and _may_read(user, todo, cy, snap):
                planned.append(Planned(user=user, draft=draft))
    sent = set(
        Notice.objects.filter(key__in={p.draft.key for p in planned}).values_list(
            "recipient_id", "key"
        )
    )
    return [p for p in planned if (p.user.pk, p.draft.key) not in sent]


def reminders_send(snap: Snapshot) -> tuple[int, int]:
    """Record and e-mail (now, or in the digest) the reminders due: (notices, e-mails).
    Each is sent on its own: one that fails is recorded on its notice, the others go."""
    notices = mails = 0
    for planned in reminders_plan(snap):
        notice = notice_create(recipient=planned.user, draft=planned.draft)
        if notice is not None:
            notices += 1
            mails += notice_email_send(notice_id=notice.pk)
            zalo_send(notice_id=notice.pk)
    return notices, mails
