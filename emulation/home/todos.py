"""What is due, for whom: the to-dos of the home page and the reminders share one source.

A *provider* is a function ``(snapshot) -> Iterable[Todo]`` listed in ``PROVIDERS``; each
runs a fixed number of queries however many clusters, members and years there are. A new
kind of obligation (self-scores due, achievement reports due…) is one more provider: it
yields a `Todo` per member (audience STAFF, `owner` = the member, `deadline` = the
`Deadlines` field it must meet, `obligation` = a key that stays the same while the member
moves through its states) and the home page, the overdue list and the reminders follow.
"""

import datetime
from collections.abc import Callable, Iterable

from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _

from cluster_portal import access
from emulation.conference.models import Conference
from emulation.dossiers.todos import achievement_report_todos
from emulation.scoring.todos import scoring_todos
from provinces.calendar.obligations import ADMIN, CHAIR, STAFF, Snapshot, Todo, snapshot
from provinces.figures.models import FiguresStatus, YearlyFigures

__all__ = ["ADMIN", "CHAIR", "STAFF", "PROVIDERS", "Snapshot", "Todo", "all_todos", "snapshot"]

# To-dos that judge a member's work: for whoever judges it (four eyes, `access.judges`).
JUDGED = {"figures_approve", "cross_check"}


def judges_todo(user, todo: Todo, term) -> bool:
    """A judging to-do is the chair's, the vice-head's for the chair's own unit, and an
    admin's only where no vice-head judges the chair's unit (admins are no chairs)."""
    if not access.judges(user, term, todo.owner, todo.year):
        return False
    if access.is_admin(user) and not access.is_chair(user, term):
        return term is not None and todo.owner.pk == term.head_id and not term.vice_id
    return True


def figures_by_member(snap: Snapshot) -> dict[tuple[int, int], YearlyFigures]:
    """The figures of the chased cluster-years, keyed by (province id, year): one query."""
    if "figures" in snap.cache:
        return snap.cache["figures"]
    chased = snap.chased()
    if not chased:
        return {}
    provinces = {m.pk for cy in chased for m in cy.members}
    records = YearlyFigures.objects.filter(
        province_id__in=provinces, year__in={cy.year for cy in chased}
    ).only("id", "province_id", "year", "status", "status_reason", "submitted_at")
    snap.cache["figures"] = {(f.province_id, f.year): f for f in records}
    return snap.cache["figures"]


def figures_todos(snap: Snapshot) -> Iterable[Todo]:
    figures = figures_by_member(snap)
    for cy in snap.chased():
        deadlines = snap.deadlines_of(cy)
        due = deadlines.figures_due if deadlines else None
        for member in cy.members:
            record = figures.get((member.pk, cy.year))
            status = record.status if record else None
            # Lazy: the to-dos are made for everyone, and most are somebody else's.
            detail_url = reverse_lazy("figures:detail", args=[cy.year, member.code])
            common = {
                "cluster": cy.cluster,
                "year": cy.year,
                "owner": member,
                "obligation": f"figures:{cy.cluster.pk}:{cy.year}:{member.pk}",
            }
            staff = {**common, "audience": STAFF, "due": due, "deadline": "figures_due"}
            if status is None:
                yield Todo(
                    kind="figures_enter",
                    title=_("Nhập số liệu năm %(year)s của %(name)s")
                    % {"year": cy.year, "name": member.name},
                    url=reverse_lazy("figures:edit", args=[cy.year, member.code]),
                    **staff,
                )
            elif status == FiguresStatus.RETURNED:
                yield Todo(
                    kind="figures_fix",
                    title=_("Sửa số liệu năm %(year)s bị trả lại") % {"year": cy.year},
                    url=detail_url,
                    detail=record.status_reason,
                    **staff,
                )
            elif status == FiguresStatus.DRAFT:
                yield Todo(
                    kind="figures_submit",
                    title=_("Nộp số liệu năm %(year)s (đang là bản nháp)") % {"year": cy.year},
                    url=detail_url,
                    **staff,
                )
            elif status == FiguresStatus.SUBMITTED:
                yield Todo(
                    kind="figures_approve",
                    title=_("Duyệt số liệu năm %(year)s của %(name)s")
                    % {"year": cy.year, "name": member.name},
                    url=detail_url,
                    audience=CHAIR,
                    **common,
                )
            if status in (None, FiguresStatus.DRAFT, FiguresStatus.RETURNED) and (
                deadlines is not None and deadlines.is_late("figures_due", snap.now)
            ):
                yield Todo(
                    kind="figures_overdue",
                    title=_("%(name)s chưa nộp số liệu năm %(year)s (quá hạn)")
                    % {"year": cy.year, "name": member.name},
                    url=detail_url,
                    audience=CHAIR,
                    due=due,
                    **common,
                )


def chair_calendar_todos(snap: Snapshot) -> Iterable[Todo]:
    """The chair's own dates: set the year's deadlines; record the conference once held."""
    held = set(
        Conference.objects.filter(
            cluster_id__in={cy.cluster.pk for cy in snap.cluster_years},
            year__gte=snap.today.year - 1,
        ).values_list("cluster_id", "year")
    )
    for cy in snap.cluster_years:
        if cy.term is None or not snap.today.year - 1 <= cy.year <= snap.today.year:
            continue
        deadlines = snap.deadlines_of(cy)
        common = {"cluster": cy.cluster, "year": cy.year, "audience": CHAIR}
        if deadlines is None:
            yield Todo(
                kind="deadlines_set",
                title=_("Đặt lịch hạn nộp năm %(year)s của cụm") % {"year": cy.year},
                url=reverse("calendar:deadlines", args=[cy.cluster.slug, cy.year]),
                obligation=f"deadlines:{cy.cluster.pk}:{cy.year}",
                **common,
            )
        elif (
            deadlines.conference_on
            and (cy.cluster.pk, cy.year) not in held
            and (deadlines.conference_on - snap.today).days <= 30
        ):
            yield Todo(
                kind="conference_record",
                title=_("Ghi biên bản hội nghị năm %(year)s") % {"year": cy.year},
                url=reverse("conference:edit", args=[cy.cluster.slug, cy.year]),
                obligation=f"conference:{cy.cluster.pk}:{cy.year}",
                due=deadlines.conference_on,
                deadline="conference_on",
                remind_before=False,
                **common,
            )


def admin_todos(snap: Snapshot) -> Iterable[Todo]:
    """Clusters without a head or vice-head this year or the coming one (the flag to pass)."""
    for cy in snap.cluster_years:
        if cy.year not in (snap.today.year, snap.today.year + 1):
            continue
        names = {"year": cy.year, "name": cy.cluster.name}
        common = {
            "cluster": cy.cluster,
            "year": cy.year,
            "audience": ADMIN,
            "url": f"{reverse('rotation:rotate', args=[cy.cluster.slug])}?to_year={cy.year}",
        }
        if cy.term is None:
            before = snap.deadlines.get((cy.cluster.pk, cy.year - 1))
            conference = before.conference_on if before else None
            yield Todo(
                kind="flag_pass" if cy.year > snap.today.year else "term_missing",
                title=(
                    _("Trao cờ luân lưu: chọn cụm trưởng, cụm phó năm %(year)s của %(name)s")
                    % names
                    if cy.year > snap.today.year
                    else _("%(name)s chưa có cụm trưởng năm %(year)s") % names
                ),
                obligation=f"term:{cy.cluster.pk}:{cy.year}",
                due=conference if cy.year > snap.today.year else datetime.date(cy.year, 1, 1),
                **common,
            )
        elif cy.term.vice_id is None:
            yield Todo(
                kind="vice_missing",
                title=_("%(name)s chưa có cụm phó năm %(year)s") % names,
                obligation=f"vice:{cy.cluster.pk}:{cy.year}",
                **common,
            )


PROVIDERS: list[Callable[[Snapshot], Iterable[Todo]]] = [
    figures_todos,
    scoring_todos,
    achievement_report_todos,
    chair_calendar_todos,
    admin_todos,
]


def all_todos(snap: Snapshot) -> list[Todo]:
    return [todo for provider in PROVIDERS for todo in provider(snap)]


def urgency(todo: Todo, now: datetime.datetime) -> tuple:
    """Overdue first (longest overdue first), then by due date, then undated; the oldest
    year first among equals (a year long gone is the more pressing)."""
    overdue = todo.is_overdue(now)
    return (0 if overdue else 1, todo.due or datetime.date.max, todo.year, todo.title)
