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
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from emulation.models import Conference
from provinces.calendar.models import end_of_day
from provinces.calendar.selectors import deadlines_by_cluster_year
from provinces.models import Cluster, ClusterTerm, Deadlines, FiguresStatus, Province, YearlyFigures
from provinces.organisation.selectors import ClusterYear, cluster_years

STAFF, CHAIR, ADMIN = "staff", "chair", "admin"
# How many years back figures are still chased when no deadline says otherwise.
FIGURES_YEARS_BACK = 2


@dataclass
class Todo:
    kind: str  # figures_enter, figures_fix, figures_submit, figures_approve, …
    audience: str  # STAFF (the owner's staff), CHAIR (the chair of the year), ADMIN
    title: str
    url: str
    cluster: Cluster
    year: int
    obligation: str  # same key while the obligation is open: reminders are keyed on it
    owner: Province | None = None
    due: datetime.date | None = None
    deadline: str | None = None  # the Deadlines field this meets; reminders only for these
    remind_before: bool = True  # False: only the overdue reminder (a date, not a task, is due)
    detail: str = ""
    overdue: bool = False  # filled in for the page by `mark`
    days: int | None = None

    def mark(self, now: datetime.datetime) -> "Todo":
        self.overdue = self.is_overdue(now)
        self.days = self.days_left(timezone.localdate(now))
        return self

    def is_overdue(self, now: datetime.datetime) -> bool:
        return self.due is not None and now >= end_of_day(self.due)

    def days_left(self, today: datetime.date) -> int | None:
        return (self.due - today).days if self.due else None


@dataclass
class Snapshot:
    """The cluster-years in play around `today`, with their deadlines: what every provider
    reads, loaded once (four queries)."""

    now: datetime.datetime
    cluster_years: list[ClusterYear]
    deadlines: dict[tuple[int, int], Deadlines]
    figures_years: set[int] = field(default_factory=set)
    cache: dict = field(default_factory=dict)  # what one provider loaded, for the others

    @property
    def today(self) -> datetime.date:
        return timezone.localdate(self.now)

    def deadlines_of(self, cy: ClusterYear) -> Deadlines | None:
        return self.deadlines.get((cy.cluster.pk, cy.year))

    def chased(self) -> list[ClusterYear]:
        """The cluster-years whose figures are still chased."""
        return [cy for cy in self.cluster_years if cy.year in self.figures_years]


def snapshot(*, now: datetime.datetime | None = None) -> Snapshot:
    now = now or timezone.now()
    today = timezone.localdate(now)
    years = cluster_years(first=today.year - 10, last=today.year + 1)
    deadlines = deadlines_by_cluster_year(
        {cy.cluster.pk for cy in years}, {cy.year for cy in years}
    )
    figures_years = set(range(today.year - FIGURES_YEARS_BACK, today.year + 1))
    # A deadline that was set keeps its year chased: what is overdue stays until done.
    figures_years |= {
        year for (_, year), d in deadlines.items() if d.figures_due and year <= today.year
    }
    return Snapshot(now=now, cluster_years=years, deadlines=deadlines, figures_years=figures_years)


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
            detail_url = reverse("figures:detail", args=[cy.year, member.code])
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
                    url=reverse("figures:edit", args=[cy.year, member.code]),
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


def terms_by_cluster_year(snap: Snapshot) -> dict[tuple[int, int], ClusterTerm | None]:
    return {(cy.cluster.pk, cy.year): cy.term for cy in snap.cluster_years}
