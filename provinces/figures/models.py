from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from provinces.organisation.models import YEAR_VALIDATORS, Province

from .rules import figures_errors
from .spec import BY_CODE, CODES, COUNT_CODES, MONEY_CODES, PART_OF_WHOLE, PROFIT_LE_REVENUE


class FiguresStatus(models.TextChoices):
    DRAFT = "draft", _("Bản nháp")
    SUBMITTED = "submitted", _("Đã nộp")
    RETURNED = "returned", _("Trả lại để sửa")
    APPROVED = "approved", _("Đã duyệt")


class FiguresQuerySet(models.QuerySet):
    def for_year(self, year: int) -> "FiguresQuerySet":
        return self.filter(year=year).select_related("province")


def _count(label: str) -> models.IntegerField:
    return models.IntegerField(label, default=0)


def _money(label: str) -> models.DecimalField:
    return models.DecimalField(label, max_digits=14, decimal_places=2, default=Decimal(0))


class YearlyFigures(models.Model):
    """One province's figures for one year (the data dictionary of design.md).

    Counts are whole numbers; money is Decimal in million VND. The rules live in
    `figures_rules` (model validation, used by forms, imports and the admin) and, where a
    single row can express them, in the database constraints below as well.
    """

    province = models.ForeignKey(
        Province, verbose_name=_("tỉnh"), on_delete=models.PROTECT, related_name="figures"
    )
    year = models.PositiveSmallIntegerField(_("năm"), validators=YEAR_VALIDATORS)

    tht_new = _count(_("Số THT thành lập mới trong năm"))
    tht_total = _count(_("Tổng số THT (cuối năm)"))
    tht_members = _count(_("Số thành viên THT"))
    tht_agri = _count(_("Số THT hoạt động trong lĩnh vực nông nghiệp"))
    tht_avg_revenue = _money(_("Doanh thu bình quân của THT"))
    tht_avg_profit = _money(_("Lợi nhuận bình quân của THT"))
    htx_new = _count(_("Số HTX thành lập mới trong năm"))
    htx_total = _count(_("Tổng số HTX (cuối năm)"))
    htx_members = _count(_("Số thành viên HTX"))
    htx_avg_revenue = _money(_("Doanh thu bình quân của HTX"))
    htx_avg_profit = _money(_("Lợi nhuận bình quân của HTX"))
    htx_workers = _count(_("Số lao động thường xuyên trong HTX"))
    htx_avg_income = _money(_("Thu nhập bình quân của lao động"))
    bulletins = _count(_("Số bản tin Kinh tế tập thể phát hành"))
    tv_reports = _count(_("Số phóng sự truyền hình"))
    press_articles = _count(_("Số bài báo đăng trên báo, đài của tỉnh"))
    online_posts = _count(_("Số tin, bài trên trang thông tin điện tử, mạng xã hội"))
    training_courses = _count(_("Số khóa đào tạo, tập huấn"))
    training_participants = _count(_("Số lượt người tham gia"))

    status = models.CharField(
        _("trạng thái"), max_length=10, choices=FiguresStatus.choices, default=FiguresStatus.DRAFT
    )
    status_reason = models.TextField(_("lý do trả lại / mở khóa"), blank=True)
    warnings_explanation = models.TextField(_("giải trình cảnh báo"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người nộp"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("thời điểm nộp"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người duyệt"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("thời điểm duyệt"), null=True, blank=True)
    version = models.PositiveIntegerField(_("phiên bản"), default=1)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    history = HistoricalRecords(verbose_name=_("lịch sử số liệu"))
    objects = FiguresQuerySet.as_manager()

    class Meta:
        verbose_name = _("số liệu năm của tỉnh")
        verbose_name_plural = _("số liệu năm của tỉnh")
        ordering = ["-year", "province__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["province", "year"],
                name="figures_one_per_province_year",
                violation_error_message=(
                    "Tỉnh này đã có số liệu của năm đó (mỗi tỉnh một bản ghi mỗi năm)."
                ),
            ),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{code}__gte": 0}),
                    name=f"figures_{code}_not_negative",
                    violation_error_message=f"{BY_CODE[code].label} không được âm.",
                )
                for code in COUNT_CODES + MONEY_CODES
                if not BY_CODE[code].may_be_negative
            ],
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{part}__lte": F(whole)}),
                    name=f"figures_{part}_le_{whole}",
                    violation_error_message=(
                        f"{BY_CODE[part].label} không được lớn hơn "
                        f"{BY_CODE[whole].label_in_sentence}."
                    ),
                )
                for part, whole in PART_OF_WHOLE + PROFIT_LE_REVENUE
            ],
            models.CheckConstraint(
                condition=Q(status__in=FiguresStatus.values),
                name="figures_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"Số liệu {self.year} — {self.province.name}"

    def get_absolute_url(self) -> str:
        return reverse("figures:detail", args=[self.year, self.province.code])

    @property
    def is_submitted(self) -> bool:
        return self.status == FiguresStatus.SUBMITTED

    @property
    def is_locked(self) -> bool:
        return self.status == FiguresStatus.APPROVED

    @property
    def is_editable(self) -> bool:
        return self.status in (FiguresStatus.DRAFT, FiguresStatus.RETURNED)

    def values(self) -> dict:
        return {code: getattr(self, code) for code in CODES}

    def clean(self) -> None:
        errors = figures_errors(
            self.values(),
            province=self.province if self.province_id else None,
            year=self.year,
            today=timezone.localdate(),
        )
        if errors:
            raise ValidationError(errors)
