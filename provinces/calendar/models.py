"""The cluster's calendar: the dates the chair sets for each cluster-year."""

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

# The deadline fields in the order of the emulation year, with the obligation each closes.
DEADLINE_FIELDS = (
    "figures_due",
    "self_scores_due",
    "cross_check_due",
    "conference_on",
    "achievement_reports_due",
)


# The order of the year (/work/shared/scoring.md, "The year of an emulation cluster"):
# (earlier, later, strict, why), the later date checked against each earlier one, the
# latest conflict first. Figures come before self-scoring (computed criteria are scored
# from approved figures), self-scoring before cross-checking, both before the scoring
# meeting at the conference, where the conference reviews the year's figures; the
# achievement reports are written for the nominees the conference endorsed. A due date is
# met until the end of its day, so the conference, an event on its day, must come strictly
# after what it reviews; two due dates may fall on the same day. No other order is fixed.
ORDER = (
    (
        "cross_check_due",
        "conference_on",
        True,
        "các thành viên xem và góp ý điểm chấm chéo trước khi họp bình xét",
    ),
    (
        "self_scores_due",
        "conference_on",
        True,
        "hội nghị bình xét dựa trên bảng tự chấm điểm",
    ),
    ("figures_due", "conference_on", True, "hội nghị xem xét số liệu năm của các thành viên"),
    ("self_scores_due", "cross_check_due", False, "chấm chéo dựa trên bảng tự chấm điểm"),
    ("figures_due", "cross_check_due", False, "chấm chéo dựa trên số liệu năm đã duyệt"),
    ("figures_due", "self_scores_due", False, "điểm tự chấm tính từ số liệu năm đã duyệt"),
    (
        "conference_on",
        "achievement_reports_due",
        False,
        "báo cáo thành tích viết cho những đề nghị khen thưởng hội nghị đã thống nhất",
    ),
    (
        "cross_check_due",
        "achievement_reports_due",
        False,
        "báo cáo thành tích viết sau khi kết quả chấm điểm đã xong",
    ),
    (
        "self_scores_due",
        "achievement_reports_due",
        False,
        "báo cáo thành tích viết sau khi kết quả chấm điểm đã xong",
    ),
    (
        "figures_due",
        "achievement_reports_due",
        False,
        "báo cáo thành tích so sánh kết quả năm với các năm trước",
    ),
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
        "provinces.Cluster",
        verbose_name=_("cụm"),
        on_delete=models.CASCADE,
        related_name="deadlines",
    )
    year = models.PositiveSmallIntegerField(
        _("năm"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    figures_due = _day(_("hạn nộp số liệu năm"))
    self_scores_due = _day(_("hạn nộp bảng tự chấm điểm"))
    cross_check_due = _day(_("hạn hoàn thành chấm chéo"))
    achievement_reports_due = _day(_("hạn nộp báo cáo thành tích"))
    conference_on = _day(_("ngày hội nghị"))
    version = models.PositiveIntegerField(_("phiên bản"), default=1)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    history = HistoricalRecords(verbose_name=_("lịch sử hạn nộp"))

    class Meta:
        verbose_name = _("hạn nộp của cụm theo năm")
        verbose_name_plural = _("hạn nộp của cụm theo năm")
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
        next (figures come in early next year), and follow the order of the year (ORDER)."""
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
        for name, message in self.order_errors().items():
            errors.setdefault(name, message)
        if errors:
            raise ValidationError(errors)

    def order_errors(self) -> dict[str, str]:
        """One message per date that comes too early, on the later deadline, naming the
        latest earlier deadline it conflicts with and both dates (empty dates are skipped)."""
        errors = {}
        for earlier, later, strict, why in ORDER:
            before, after = getattr(self, earlier), getattr(self, later)
            if before is None or after is None or later in errors:
                continue
            if after < before or (strict and after == before):
                relation = "sau" if strict else "cùng ngày hoặc sau"
                errors[later] = (
                    f"{self._label(later)} ({after:%d/%m/%Y}) phải {relation} "
                    f"{self._label(earlier).lower()} ({before:%d/%m/%Y}): {why}."
                )
        return errors

    def _label(self, name: str) -> str:
        label = str(self._meta.get_field(name).verbose_name)
        return label[:1].upper() + label[1:]

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
        """These dates one year later, in the same order (ORDER): 29 February becomes
        28 February, or 1 March when another date of the year is on 28 February (so that a
        conference on the 29th still follows figures due on the 28th)."""
        days = {name: getattr(self, name) for name in DEADLINE_FIELDS}
        on_28th = any(d is not None and (d.month, d.day) == (2, 28) for d in days.values())
        shifted = {}
        for name, day in days.items():
            if day is not None:
                try:
                    day = day.replace(year=day.year + 1)
                except ValueError:
                    day = (
                        datetime.date(day.year + 1, 3, 1)
                        if on_28th
                        else day.replace(year=day.year + 1, day=28)
                    )
            shifted[name] = day
        return shifted
