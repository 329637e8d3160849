"""Whether a member's yearly figures came in by the figures' deadline of the cluster's
calendar: on time, late, missing (overdue) or pending; and the reporting rate of a year."""

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from provinces.calendar.models import Deadlines
from provinces.figures.models import FiguresStatus, YearlyFigures


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
