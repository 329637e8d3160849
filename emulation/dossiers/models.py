"""The achievement report (báo cáo thành tích) of one nominee: what its province writes
for the award dossier. The numbers (figures, score, disbursements, directory entry) are not
stored here: the dossier reads them from where they live when it is built."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from emulation.nominations.models import Nomination
from emulation.reports.models import NUMBER_VALIDATORS, LetterSettings


def _money(label) -> models.DecimalField:
    return models.DecimalField(
        label, max_digits=14, decimal_places=1, null=True, blank=True, help_text=_("triệu đồng")
    )


def _count(label) -> models.PositiveIntegerField:
    return models.PositiveIntegerField(label, null=True, blank=True)


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
    # The unit's particulars (collective form, section I).
    head_office = models.CharField(_("địa chỉ trụ sở chính"), max_length=255, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=40, blank=True)
    website = models.CharField(
        _("trang thông tin điện tử, thư điện tử"), max_length=255, blank=True
    )
    founding = models.TextField(
        _("quá trình thành lập và phát triển"),
        blank=True,
        help_text=_("Ngày thành lập, quyết định hoặc giấy chứng nhận đăng ký, các mốc chính."),
    )
    structure = models.TextField(
        _("tổ chức bộ máy, tổ chức đảng, đoàn thể"),
        blank=True,
        help_text=_("Các phòng, ban, bộ phận; chi bộ, công đoàn, đoàn thanh niên."),
    )
    staff_count = models.PositiveIntegerField(
        _("tổng số cán bộ, nhân viên (lao động)"), null=True, blank=True
    )
    achievements = models.TextField(_("thành tích đạt được"), blank=True)
    measures = models.TextField(_("các biện pháp, giải pháp đã thực hiện"), blank=True)
    compliance = models.TextField(
        _("việc thực hiện chủ trương, chính sách của Đảng, pháp luật của Nhà nước"), blank=True
    )
    # A cooperative's business figures, which the portal does not hold: the province types
    # them for the year and the year before (million VND; people).
    revenue = _money(_("tổng doanh thu"))
    revenue_before = _money(_("tổng doanh thu năm trước"))
    profit = _money(_("lợi nhuận"))
    profit_before = _money(_("lợi nhuận năm trước"))
    taxes = _money(_("nộp ngân sách nhà nước"))
    taxes_before = _money(_("nộp ngân sách năm trước"))
    members = _count(_("số thành viên"))
    members_before = _count(_("số thành viên năm trước"))
    workers = _count(_("số lao động thường xuyên"))
    workers_before = _count(_("số lao động năm trước"))
    avg_income = _money(_("thu nhập bình quân của lao động"))
    avg_income_before = _money(_("thu nhập bình quân năm trước"))
    # The awards received are no longer typed here: the report prints them from the
    # award-history register (emulation/awards), as a table with their decisions.
    signer_name = models.CharField(_("họ và tên người ký"), max_length=120, blank=True)
    signer_title = models.CharField(
        _("chức vụ người ký"), max_length=120, blank=True, help_text=_("Ví dụ: Chủ tịch, Giám đốc.")
    )
    # The direct superior's review and confirmation, set by the province: for an alliance
    # the provincial People's Committee, for a cooperative the body it answers to (the
    # alliance or the commune), for a person their unit's head, for a household the commune.
    superior_body = models.CharField(
        _("cơ quan cấp trên trực tiếp xác nhận"),
        max_length=255,
        blank=True,
        help_text=_("Tên đầy đủ, ví dụ: Ủy ban nhân dân tỉnh Sơn La."),
    )
    superior_title = models.CharField(
        _("chức vụ người ký xác nhận"), max_length=120, blank=True, help_text=_("Ví dụ: Chủ tịch.")
    )
    superior_name = models.CharField(_("họ và tên người ký xác nhận"), max_length=120, blank=True)
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


DEFAULT_ADDRESSEE = "Liên minh Hợp tác xã Việt Nam"


class DossierSettings(LetterSettings):
    """The chair's settings of one cluster-year's dossier as signed documents: the
    submission letter's (tờ trình) number, date, place, addressee, recipients and signer,
    and the minutes' (biên bản) number, start and end time, chair and secretary. The
    issuing-body symbol is the cluster-year's one, kept with the report's settings
    (`ReportSettings.symbol`). Empty fields take their defaults from the meeting and the
    head alliance; two people may edit them: `version` is checked on save."""

    number = LetterSettings.worded(
        "number",
        verbose_name=_("số tờ trình"),
        help_text=_("Để trống: in “Số: …/TTr-…” để văn thư điền tay."),
    )
    document_date = LetterSettings.worded(
        "document_date",
        verbose_name=_("ngày tờ trình"),
        help_text=_(
            "Không trước ngày của văn bản kèm theo (biên bản, báo cáo thành tích). "
            "Để trống: ngày của văn bản kèm theo muộn nhất."
        ),
    )
    place = LetterSettings.worded("place", help_text=_("Để trống: tỉnh Cụm trưởng."))
    addressee = models.CharField(
        _("kính gửi"),
        max_length=300,
        blank=True,
        help_text=_("Để trống: Liên minh Hợp tác xã Việt Nam."),
    )
    signer_title = LetterSettings.worded(
        "signer_title",
        help_text=_("Ví dụ: Chủ tịch. Để trống: Chủ tịch Liên minh HTX tỉnh Cụm trưởng."),
    )
    minutes_number = models.PositiveSmallIntegerField(
        _("số biên bản"), null=True, blank=True, validators=NUMBER_VALIDATORS
    )
    meeting_start = models.TimeField(_("giờ bắt đầu họp"), null=True, blank=True)
    meeting_end = models.TimeField(_("giờ kết thúc họp"), null=True, blank=True)
    chair_name = models.CharField(
        _("họ tên chủ trì"),
        max_length=200,
        blank=True,
        help_text=_("Để trống: người ký tờ trình."),
    )
    secretary_name = models.CharField(_("họ tên thư ký"), max_length=200, blank=True)

    history = HistoricalRecords(verbose_name=_("lịch sử thiết lập hồ sơ khen thưởng"))
    document_year_error = _("Tờ trình năm %(year)s ghi ngày trong năm đó hoặc năm sau.")

    class Meta:
        verbose_name = _("thiết lập hồ sơ khen thưởng")
        verbose_name_plural = _("thiết lập hồ sơ khen thưởng")
        constraints = [
            models.UniqueConstraint(
                fields=["cluster", "year"],
                name="dossier_settings_one_per_cluster_year",
                violation_error_message="Cụm đã có thiết lập hồ sơ cho năm này.",
            ),
            models.CheckConstraint(
                condition=Q(meeting_start__isnull=True)
                | Q(meeting_end__isnull=True)
                | Q(meeting_end__gt=F("meeting_start")),
                name="dossier_settings_meeting_ends_after_start",
                violation_error_message="Giờ kết thúc họp phải sau giờ bắt đầu.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cluster.slug} {self.year}"

    def clean(self) -> None:
        super().clean()
        if self.meeting_start and self.meeting_end and self.meeting_end <= self.meeting_start:
            raise ValidationError({"meeting_end": _("Giờ kết thúc họp phải sau giờ bắt đầu.")})
