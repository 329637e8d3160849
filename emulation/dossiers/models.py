"""The achievement report (báo cáo thành tích) of one nominee: what its province writes
for the award dossier. The numbers (figures, score, disbursements, directory entry) are not
stored here: the dossier reads them from where they live when it is built."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from emulation.nominations.models import Nomination


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Bản nháp")
    SUBMITTED = "submitted", _("Đã nộp")


class AchievementReport(models.Model):
    nomination = models.OneToOneField(
        Nomination,
        verbose_name=_("đề nghị khen thưởng"),
        on_delete=models.CASCADE,
        related_name="achievement_report",
    )
    summary = models.TextField(
        _("sơ lược đặc điểm, tình hình"),
        blank=True,
        help_text=_("Đặc điểm, chức năng nhiệm vụ, tổ chức bộ máy (vài câu)."),
    )
    achievements = models.TextField(_("thành tích đạt được"), blank=True)
    measures = models.TextField(_("các biện pháp, giải pháp đã thực hiện"), blank=True)
    # The awards received are no longer typed here: the report prints them from the
    # award-history register (emulation/awards), as a table with their decisions.
    signer_name = models.CharField(_("họ và tên người ký"), max_length=120, blank=True)
    signer_title = models.CharField(
        _("chức vụ người ký"), max_length=120, blank=True, help_text=_("Ví dụ: Chủ tịch, Giám đốc.")
    )
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    status_reason = models.TextField(_("lý do trả lại"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người nộp"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("thời điểm nộp"), null=True, blank=True)
    version = models.PositiveIntegerField(_("phiên bản"), default=1)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    history = HistoricalRecords(verbose_name=_("lịch sử báo cáo thành tích"))

    class Meta:
        verbose_name = _("báo cáo thành tích")
        verbose_name_plural = _("báo cáo thành tích")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ReportStatus.values), name="achievement_report_status"
            ),
            models.CheckConstraint(
                condition=Q(status=ReportStatus.DRAFT) | ~Q(achievements=""),
                name="achievement_report_submitted_has_text",
                violation_error_message="Báo cáo đã nộp phải có nội dung thành tích.",
            ),
        ]

    def __str__(self) -> str:
        return f"Báo cáo thành tích — {self.nomination.nominee_name}"

    @property
    def is_submitted(self) -> bool:
        return self.status == ReportStatus.SUBMITTED

    @property
    def is_editable(self) -> bool:
        return self.status == ReportStatus.DRAFT
