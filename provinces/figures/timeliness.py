"""Whether a member's yearly figures came in by the figures' deadline of the cluster's
calendar: on time, late, missing (overdue) or pending; what counts as late for the
late-report penalty; and the reporting rate of a year."""

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from provinces.calendar.models import Deadlines
from provinces.figures.models import FiguresStatus, YearlyFigures
from provinces.organisation.dates import fmt_date, fmt_datetime


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
    """Submitted (or approved) after the end of the figures' due day, the badge beside a
    submission time. A returned record is not "late" until it comes back: then its new
    submission time counts. The penalty counts missing figures too (`figures_late_report`)."""
    return (
        figures is not None
        and figures.status in (FiguresStatus.SUBMITTED, FiguresStatus.APPROVED)
        and deadlines is not None
        and deadlines.is_late("figures_due", figures.submitted_at)
    )


@dataclass(frozen=True)
class LateReport:
    """A report that counts as late for the late-report penalty: sent after the end of its
    due day (`submitted_at`), or not sent by then and still not sent (`submitted_at` None,
    whatever the record's state: draft, returned and not sent again, or no record)."""

    due: datetime.date
    submitted_at: datetime.datetime | None
    returned: bool = False

    @property
    def missing(self) -> bool:
        return self.submitted_at is None

    @property
    def working(self) -> str:
        """What the working says, times in the portal's zone: "nộp muộn lúc 08:12
        17/01/2026, hạn 15/01/2026"; "chưa nộp, quá hạn 15/01/2026"."""
        if self.submitted_at is not None:
            return gettext("nộp muộn lúc %(at)s, hạn %(due)s") % {
                "at": fmt_datetime(self.submitted_at),
                "due": fmt_date(self.due),
            }
        if self.returned:
            return gettext("bị trả lại, chưa nộp lại, quá hạn %(due)s") % {
                "due": fmt_date(self.due)
            }
        return gettext("chưa nộp, quá hạn %(due)s") % {"due": fmt_date(self.due)}


def figures_late_report(
    figures: YearlyFigures | None, deadlines: Deadlines | None, *, now: datetime.datetime
) -> LateReport | None:
    """The member's figures of a year as the late-report penalty counts them: late when
    submitted after the end of the due day (`figures_timeliness`' LATE), and late as long
    as they are not submitted once that day is over (MISSING), so that not reporting never
    costs less than reporting late. None when they count as on time (or nothing is due)."""
    state = figures_timeliness(figures, deadlines, now=now)
    if state == Timeliness.LATE:
        return LateReport(deadlines.figures_due, figures.submitted_at)
    if state == Timeliness.MISSING:
        returned = figures is not None and figures.status == FiguresStatus.RETURNED
        return LateReport(deadlines.figures_due, None, returned=returned)
    return None


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
