"""The cluster's calendar: the dates the chair sets for each cluster-year."""

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

# The deadline fields in the order of the emulation year, with the obligation each closes.
DEADLINE_FIELDS = (
    "figures_due",
    "self_scores_due",
    "cross_check_due",
    "achievement_reports_due",
    "conference_on",
)


def _day(label: str) -> models.DateField:
    return models.DateField(label, null=True, blank=True)


def end_of_day(day: datetime.date) -> datetime.datetime:
    """The first instant after `day` in the portal's time zone: a deadline on `day` is met
    by anything done before it (23:59:59 on the due day is on time, 00:00 the next is late)."""
    return datetime.datetime.combine(
        day + datetime.timedelta(days=1), datetime.time.min, tzinfo=ZoneInfo(settings.TIME_ZONE)
    )


class Deadlines(models.Model):
    """The dates of one cluster-year (hạn nộp), set by that year's chair. A date left empty
    has no deadline; a year without a row takes last year's dates, a year later."""

    # By label, not by import: the aggregator provinces.models imports this module.
    cluster = models.ForeignKey(
        "provinces.Cluster", verbose_name="cụm", on_delete=models.CASCADE, related_name="deadlines"
    )
    year = models.PositiveSmallIntegerField(
        "năm", validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    figures_due = _day("hạn nộp số liệu năm")
    self_scores_due = _day("hạn nộp bảng tự chấm điểm")
    cross_check_due = _day("hạn hoàn thành chấm chéo")
    achievement_reports_due = _day("hạn nộp báo cáo thành tích")
    conference_on = _day("ngày hội nghị")
    version = models.PositiveIntegerField("phiên bản", default=1)
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)

    history = HistoricalRecords(verbose_name="lịch sử hạn nộp")

    class Meta:
        verbose_name = "hạn nộp của cụm theo năm"
        verbose_name_plural = "hạn nộp của cụm theo năm"
        ordering = ["cluster", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["cluster", "year"],
                name="deadlines_one_per_cluster_year",
                violation_error_message="Cụm này đã có lịch hạn nộp cho năm đó.",
            ),
        ]

    def __str__(self) -> str:
        return f"Hạn nộp {self.year} — {self.cluster.name}"

    def clean(self) -> None:
        """Dates belong to the emulation year: from 1 January of the year to the end of the
        next (figures come in early next year); cross-checking follows self-scoring."""
        if self.year is None:
            return
        first, last = datetime.date(self.year, 1, 1), datetime.date(self.year + 1, 12, 31)
        errors = {}
        for name in DEADLINE_FIELDS:
            day = getattr(self, name)
            if day is not None and not first <= day <= last:
                errors[name] = (
                    f"Ngày {day:%d/%m/%Y} nằm ngoài năm thi đua {self.year}: chọn một ngày từ "
                    f"{first:%d/%m/%Y} đến {last:%d/%m/%Y}."
                )
        if (
            "cross_check_due" not in errors
            and self.self_scores_due
            and self.cross_check_due
            and self.cross_check_due < self.self_scores_due
        ):
            errors["cross_check_due"] = (
                "Hạn chấm chéo phải sau hạn nộp bảng tự chấm điểm: chấm chéo dựa trên bảng tự chấm."
            )
        if errors:
            raise ValidationError(errors)

    def dates(self) -> list[tuple[str, str, datetime.date | None]]:
        """(field, label, date) in the order of the year, for pages and e-mails."""
        return [
            (name, self._meta.get_field(name).verbose_name, getattr(self, name))
            for name in DEADLINE_FIELDS
        ]

    def is_late(self, name: str, when: datetime.datetime | None) -> bool:
        """Whether something done at `when` missed the deadline `name` (False when there is
        no such deadline or nothing was done)."""
        due = getattr(self, name)
        return bool(due and when and when >= end_of_day(due))

    def next_year_defaults(self) -> dict[str, datetime.date | None]:
        """These dates one year later (29 February becomes 28 February)."""
        shifted = {}
        for name in DEADLINE_FIELDS:
            day = getattr(self, name)
            if day is not None:
                try:
                    day = day.replace(year=day.year + 1)
                except ValueError:
                    day = day.replace(year=day.year + 1, day=28)
            shifted[name] = day
        return shifted
