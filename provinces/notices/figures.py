"""Notices about yearly figures: submitted (to whoever decides on it: the chair of the
year, the vice-head for the chair's own unit), returned and approved (to whoever
submitted). Built in a background task after the action commits."""

from django.contrib.auth import get_user_model

from cluster_portal import access
from provinces.figures.models import YearlyFigures
from provinces.figures.selectors import province_year
from provinces.organisation.models import StaffProfile

from .models import Notice, NoticeKind
from .services import NoticeDraft, notice_create

EVENTS = ("submitted", "returned", "approved")


def deciders_of(py) -> list:
    """The active staff users who decide on `py`'s record (after mergers; one query): the
    chair of the year, or for the chair's own unit the vice-head (four eyes,
    `access.judges`). Admins who are staff are left to the admins' list."""
    if py.term is None:
        return []
    deciders = []
    for profile in StaffProfile.objects.select_related(
        "user", "province__successor__successor"
    ).filter(user__is_active=True, user__is_superuser=False):
        profile.user._home_province = profile.province
        profile.user._national = profile.national
        if access.judges(profile.user, py.term, py.province, py.year):
            deciders.append(profile.user)
    return deciders


def _draft(figures: YearlyFigures, event: str, actor) -> NoticeDraft:
    who = (actor.get_full_name() or actor.get_username()) if actor else "hệ thống"
    name, year = figures.province.alliance_name, figures.year
    key = f"figures:{figures.pk}:{event}:v{figures.version}"
    url = figures.get_absolute_url()
    if event == "submitted":
        return NoticeDraft(
            key=key,
            kind=NoticeKind.FIGURES_SUBMITTED,
            subject=f"{name} đã nộp số liệu năm {year}",
            body=f"{who} đã nộp số liệu năm {year} của {name}. Số liệu chờ Cụm trưởng duyệt "
            "hoặc trả lại.",
            url=url,
        )
    if event == "returned":
        return NoticeDraft(
            key=key,
            kind=NoticeKind.FIGURES_RETURNED,
            subject=f"Số liệu năm {year} của {name} bị trả lại",
            body=f"{who} đã trả lại số liệu năm {year} của {name} để sửa.\n"
            f"Lý do: {figures.status_reason}",
            url=url,
        )
    return NoticeDraft(
        key=key,
        kind=NoticeKind.FIGURES_APPROVED,
        subject=f"Số liệu năm {year} của {name} đã được duyệt",
        body=f"{who} đã duyệt số liệu năm {year} của {name}. Bản ghi đã được khóa.",
        url=url,
    )


def figures_event_notify(*, figures_id: int, event: str, actor_id: int | None) -> list[int]:
    """Record the notices of `event` on a figures record for the people concerned (nobody
    who may not read the record is told); returns the ids of the event's notices with an
    e-mail or a Zalo message still to send (`to_send`), recorded now or by an earlier run
    cut short, for the caller to send each on its own."""
    if event not in EVENTS:
        raise ValueError(f"unknown figures event {event!r}")
    figures = (
        YearlyFigures.objects.select_related("province", "submitted_by")
        .filter(pk=figures_id)
        .first()
    )
    if figures is None:
        return []
    py = province_year(figures.province.code, figures.year)
    if py is None or py.figures is None or py.figures.pk != figures.pk:
        return []
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    if event == "submitted":
        # Nobody to decide (no chair yet; the chair's own unit without a vice-head): the
        # admins, who decide in their place, are told.
        recipients = deciders_of(py) or list(
            get_user_model().objects.filter(is_superuser=True, is_active=True)
        )
    else:
        recipients = [figures.submitted_by] if figures.submitted_by else []
    draft = _draft(figures, event, actor)
    told = []
    for user in recipients:
        if actor is not None and user.pk == actor.pk:
            continue  # nobody is told about their own action
        if not access.can_view_figures(user, py):
            continue
        notice_create(recipient=user, draft=draft)
        told.append(user.pk)
    waiting = Notice.objects.filter(key=draft.key, recipient__in=told).to_send()
    return list(waiting.order_by("pk").values_list("pk", flat=True))
