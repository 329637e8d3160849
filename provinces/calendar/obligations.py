"""What an obligation is (`Todo`: something owed by a date of the cluster's calendar) and
what every provider of obligations reads (`Snapshot`: the cluster-years in play with their
deadlines).

It sits here, on the floor below every user, because the providers live with their
features (figures and the calendar in emulation/home/todos.py, scoring in
emulation/scoring/todos.py, achievement reports in emulation/dossiers/todos.py) and the
home page and the reminders collect them (`emulation.home.todos.PROVIDERS`): the features
import this module, never the home page.
"""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from provinces.calendar.models import Deadlines, end_of_day
from provinces.calendar.selectors import deadlines_by_cluster_year
from provinces.organisation.models import Cluster, Province
from provinces.organisation.selectors import ClusterYear, cluster_years

STAFF, CHAIR, ADMIN = "staff", "chair", "admin"
# How many years back figures are still chased when no deadline says otherwise.
FIGURES_YEARS_BACK = 2


@dataclass
class Todo:
    kind: str  # figures_enter, figures_fix, figures_submit, figures_approve, …
    audience: str  # STAFF (the owner's staff), CHAIR (the chair of the year), ADMIN
    title: str
    url: str  # or a lazy one (reverse_lazy): most to-dos are never written
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


def snapshot(
    *, now: datetime.datetime | None = None, every_year: list[ClusterYear] | None = None
) -> Snapshot:
    """`every_year`: `cluster_years(last=<next year>)` when the caller has read it (the home
    page lists them too), of which the snapshot keeps the last ten years and the next."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    if every_year is None:
        years = cluster_years(first=today.year - 10, last=today.year + 1)
    else:
        years = [cy for cy in every_year if today.year - 10 <= cy.year <= today.year + 1]
    deadlines = deadlines_by_cluster_year(
        {cy.cluster.pk for cy in years}, {cy.year for cy in years}
    )
    figures_years = set(range(today.year - FIGURES_YEARS_BACK, today.year + 1))
    # A deadline that was set keeps its year chased: what is overdue stays until done.
    figures_years |= {
        year for (_, year), d in deadlines.items() if d.figures_due and year <= today.year
    }
    return Snapshot(now=now, cluster_years=years, deadlines=deadlines, figures_years=figures_years)
