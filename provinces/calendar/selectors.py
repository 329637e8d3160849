"""Reads of the calendar: a cluster-year's deadlines, and whether figures came in on time."""

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from provinces.figures.models import FiguresStatus, YearlyFigures
from provinces.organisation.models import Cluster

from .models import Deadlines


def deadlines_for(cluster: Cluster, year: int) -> Deadlines | None:
    return Deadlines.objects.filter(cluster=cluster, year=year).first()


def deadlines_or_defaults(cluster: Cluster, year: int) -> tuple[Deadlines, bool]:
    """The saved deadlines of the year, or an unsaved row holding last year's dates one
    year on; the flag says whether they are defaults still to be confirmed."""
    saved = deadlines_for(cluster, year)
    if saved is not None:
        return saved, False
    last = deadlines_for(cluster, year - 1)
    defaults = last.next_year_defaults() if last else {}
    return Deadlines(cluster=cluster, year=year, version=0, **defaults), True


def deadlines_by_cluster_year(cluster_ids, years) -> dict[tuple[int, int], Deadlines]:
    """Saved deadlines keyed by (cluster id, year): one query."""
    return {
        (d.cluster_id, d.year): d
        for d in Deadlines.objects.filter(cluster_id__in=list(cluster_ids), year__in=list(years))
    }


class Timeliness:
    ON_TIME = "on_time"
    LATE = "late"
    MISSING = "missing"  # not submitted, deadline passed
    PENDING = "pending"  # not submitted yet, deadline not passed (or none set)

    LABELS = {
        ON_TIME: _("đúng hạn"),
        LATE: _("nộp muộn"),
        MISSING: _("quá hạn"),
        PENDING: _("chưa nộp"),
    }


def figures_timeliness(
    figures: YearlyFigures | None, deadlines: Deadlines | None, *, now: datetime.datetime
) -> str:
    """On time, late, missing (overdue) or pending, for one member's figures of a year."""
    submitted = figures is not None and figures.status in (
        FiguresStatus.SUBMITTED,
        FiguresStatus.APPROVED,
    )
    if submitted:
        late = deadlines is not None and deadlines.is_late("figures_due", figures.submitted_at)
        return Timeliness.LATE if late else Timeliness.ON_TIME
    overdue = deadlines is not None and deadlines.is_late("figures_due", now)
    return Timeliness.MISSING if overdue else Timeliness.PENDING


def submitted_late(figures: YearlyFigures | None, deadlines: Deadlines | None) -> bool:
    """Submitted (or approved) after the end of the figures' due day. A returned record is
    not "late" until it comes back: then its new submission time counts."""
    return (
        figures is not None
        and figures.status in (FiguresStatus.SUBMITTED, FiguresStatus.APPROVED)
        and deadlines is not None
        and deadlines.is_late("figures_due", figures.submitted_at)
    )


@dataclass
class ReportingRate:
    """Completeness and timeliness of a cluster-year's figures, like a reporting-rate table."""

    total: int
    on_time: int
    late: int
    missing: int
    pending: int

    @property
    def submitted(self) -> int:
        return self.on_time + self.late


def reporting_rate(states: list[str]) -> ReportingRate:
    return ReportingRate(
        total=len(states),
        on_time=states.count(Timeliness.ON_TIME),
        late=states.count(Timeliness.LATE),
        missing=states.count(Timeliness.MISSING),
        pending=states.count(Timeliness.PENDING),
    )
